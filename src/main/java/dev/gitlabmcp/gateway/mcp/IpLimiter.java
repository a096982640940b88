package dev.gitlabmcp.gateway.mcp;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client-address limit for requests that carry no valid token, so one broken client cannot
 * flood GitLab with token checks. A request with a valid token never passes through here.
 */
public final class IpLimiter {

  static final int MAX_ADDRESSES = 100_000;

  private final ConcurrentHashMap<String, WindowLimiter> byAddress = new ConcurrentHashMap<>();
  private final int perMinute;

  public IpLimiter(int perMinute) {
    this.perMinute = perMinute;
  }

  public WindowLimiter.Decision acquire(String address, long nowMillis) {
    if (byAddress.size() >= MAX_ADDRESSES) {
      sweep(nowMillis);
    }
    return byAddress.computeIfAbsent(address, a -> new WindowLimiter()).acquire(perMinute, nowMillis);
  }

  public void sweep(long nowMillis) {
    byAddress.values().removeIf(l -> l.stale(nowMillis));
  }
}
