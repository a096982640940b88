package dev.gitlabmcp.gateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ClientAddressTest {

  @Test
  void should_take_the_entry_the_nearest_trusted_proxy_appended() {
    assertEquals("9.9.9.9", ClientAddress.fromRight("1.1.1.1, 9.9.9.9", 1));
    assertEquals("9.9.9.9", ClientAddress.fromRight("9.9.9.9", 1));
  }

  @Test
  void should_ignore_what_the_client_wrote_left_of_the_trusted_hops() {
    // Two proxies (CDN, then load balancer): the CDN appended the client, the balancer appended the CDN.
    assertEquals("203.0.113.7", ClientAddress.fromRight("6.6.6.6, 7.7.7.7, 203.0.113.7, 198.51.100.1", 2));
    assertEquals("198.51.100.1", ClientAddress.fromRight("6.6.6.6, 7.7.7.7, 203.0.113.7, 198.51.100.1", 1));
  }

  @Test
  void should_take_the_leftmost_entry_when_fewer_proxies_appended_than_configured() {
    assertEquals("203.0.113.7", ClientAddress.fromRight("203.0.113.7", 3));
  }

  @Test
  void should_refuse_empty_or_oversized_entries() {
    assertNull(ClientAddress.fromRight(" , ", 1));
    assertNull(ClientAddress.fromRight("x".repeat(200), 1));
  }

  @Test
  void should_key_ipv6_addresses_by_their_64_bit_prefix() {
    assertEquals("2001:db8:1:2::/64", ClientAddress.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
    assertEquals("2001:db8:1:2::/64", ClientAddress.key("2001:0db8:0001:0002::1"));
    assertEquals("2001:db8:1:2::/64", ClientAddress.key("[2001:db8:1:2::99]"));
    assertEquals("0:0:0:0::/64", ClientAddress.key("::1"));
    assertEquals("fe80:0:0:0::/64", ClientAddress.key("fe80::1%eth0"));
  }

  @Test
  void should_key_ipv4_addresses_whole() {
    assertEquals("192.0.2.1", ClientAddress.key("192.0.2.1"));
  }
}
