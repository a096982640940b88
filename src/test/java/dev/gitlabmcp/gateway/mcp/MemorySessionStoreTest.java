package dev.gitlabmcp.gateway.mcp;

import java.util.function.LongSupplier;

/** The in-memory store passes the store contract. */
class MemorySessionStoreTest extends SessionStoreContract {

  @Override
  protected SessionStore newStore(long ttlMillis, LongSupplier clock) {
    return new MemorySessionStore(ttlMillis, clock);
  }
}
