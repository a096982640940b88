package dev.gitlabmcp.gateway.state;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ConsentStore} in this process's memory. */
public final class MemoryConsentStore implements ConsentStore {

  private final Map<String, ConsentRecord> consents = new ConcurrentHashMap<>();

  private static String key(String subject, String clientId) {
    return subject + '\n' + clientId;
  }

  @Override
  public Future<Void> put(ConsentRecord consent) {
    consents.put(key(consent.subject(), consent.clientId()), consent);
    return Future.succeededFuture();
  }

  @Override
  public Future<ConsentRecord> get(String subject, String clientId) {
    return Future.succeededFuture(subject == null || clientId == null ? null : consents.get(key(subject, clientId)));
  }

  @Override
  public Future<Boolean> remove(String subject, String clientId) {
    return Future.succeededFuture(subject != null && clientId != null
        && consents.remove(key(subject, clientId)) != null);
  }
}
