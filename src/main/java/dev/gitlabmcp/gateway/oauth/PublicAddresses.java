package dev.gitlabmcp.gateway.oauth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.function.Predicate;

/**
 * Which addresses the gateway may fetch a client's metadata document from: public unicast only. Loopback,
 * private (RFC 1918, fc00::/7), link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * multicast, unspecified and reserved ranges are refused, so a client id cannot make the gateway reach
 * its own network (SSRF).
 */
final class PublicAddresses implements Predicate<InetAddress> {

  @Override
  public boolean test(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return publicV4(b);
    }
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return false; // unique local fc00::/7
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        return publicV4(new byte[] {b[12], b[13], b[14], b[15]});
      }
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
        return false; // documentation 2001:db8::/32
      }
      return (b[0] & 0xe0) == 0x20; // global unicast 2000::/3
    }
    return false;
  }

  private static boolean publicV4(byte[] b) {
    int o0 = b[0] & 0xff;
    int o1 = b[1] & 0xff;
    return !(o0 == 0 || o0 == 10 || o0 == 127 || o0 >= 224
        || (o0 == 100 && o1 >= 64 && o1 < 128)      // carrier-grade NAT
        || (o0 == 169 && o1 == 254)                 // link-local, cloud metadata
        || (o0 == 172 && o1 >= 16 && o1 < 32)
        || (o0 == 192 && o1 == 168)
        || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0)
        || (o0 == 198 && (o1 == 18 || o1 == 19)));  // benchmarking
  }
}
