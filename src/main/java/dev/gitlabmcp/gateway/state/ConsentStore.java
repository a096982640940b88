package dev.gitlabmcp.gateway.state;

import io.vertx.core.Future;

/** Remembered consents, one per (subject, client). */
public interface ConsentStore {

  /** Adds or replaces the consent of {@code consent.subject()} for {@code consent.clientId()}. */
  Future<Void> put(ConsentRecord consent);

  /** The consent, or null when none is remembered. */
  Future<ConsentRecord> get(String subject, String clientId);

  /** Forgets it; true when it existed. */
  Future<Boolean> remove(String subject, String clientId);
}
