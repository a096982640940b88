package dev.gitlabmcp.gateway.state;

import io.vertx.core.Future;

/**
 * Short-lived values with a time to live: OAuth authorization transactions and codes (taken once),
 * locks (refresh single-flight), cached client metadata documents. In memory for one process, Redis when
 * replicas share state (SET PX, GETDEL, SET NX). Callers namespace their keys ({@code "oauth:code:"}...);
 * a key never holds a secret in clear (codes are keyed hashes), values never hold a GitLab token.
 */
public interface TransientStore {

  /** Stores or replaces a value that disappears after {@code ttlMillis}. */
  Future<Void> put(String key, String value, long ttlMillis);

  /** The value, or null when absent or expired. */
  Future<String> get(String key);

  /** Atomically reads and deletes: of concurrent takers exactly one gets the value, the others null. */
  Future<String> take(String key);

  /** Stores the value only when the key is absent (or expired); true when stored. A lock. */
  Future<Boolean> putIfAbsent(String key, String value, long ttlMillis);

  /** Deletes the key only while it still holds {@code value} (releasing one's own lock); true when deleted. */
  Future<Boolean> removeIf(String key, String value);
}
