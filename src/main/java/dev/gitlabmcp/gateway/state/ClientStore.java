package dev.gitlabmcp.gateway.state;

import io.vertx.core.Future;

/** Dynamically registered OAuth clients; they last until removed (memory: until the process ends). */
public interface ClientStore {

  /** Adds or replaces a client. */
  Future<Void> put(ClientRecord client);

  /** The client, or null when unknown. */
  Future<ClientRecord> get(String clientId);

  /** Removes a client; true when it existed. */
  Future<Boolean> remove(String clientId);

  /** How many clients are registered (the registration endpoint bounds it). */
  Future<Long> count();
}
