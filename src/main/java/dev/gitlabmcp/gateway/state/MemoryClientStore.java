package dev.gitlabmcp.gateway.state;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ClientStore} in this process's memory. */
public final class MemoryClientStore implements ClientStore {

  private final Map<String, ClientRecord> clients = new ConcurrentHashMap<>();

  @Override
  public Future<Void> put(ClientRecord client) {
    clients.put(client.clientId(), client);
    return Future.succeededFuture();
  }

  @Override
  public Future<ClientRecord> get(String clientId) {
    return Future.succeededFuture(clientId == null ? null : clients.get(clientId));
  }

  @Override
  public Future<Boolean> remove(String clientId) {
    return Future.succeededFuture(clientId != null && clients.remove(clientId) != null);
  }

  @Override
  public Future<Long> count() {
    return Future.succeededFuture((long) clients.size());
  }
}
