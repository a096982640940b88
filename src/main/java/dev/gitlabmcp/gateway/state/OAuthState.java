package dev.gitlabmcp.gateway.state;

import java.util.function.LongSupplier;

/**
 * The stores OAuth sign-in uses, chosen once at start (app wiring): memory by default; the durable kinds in
 * PostgreSQL when DATABASE_URL is set, else Redis when REDIS_URL is set; the transient kind in Redis when
 * REDIS_URL is set, else memory.
 */
public record OAuthState(TransientStore transients, ClientStore clients, GrantStore grants,
                         ConsentStore consents) {

  /** Everything in this process's memory. */
  public static OAuthState memory(LongSupplier clock) {
    return new OAuthState(new MemoryTransientStore(clock), new MemoryClientStore(), new MemoryGrantStore(clock),
        new MemoryConsentStore());
  }
}
