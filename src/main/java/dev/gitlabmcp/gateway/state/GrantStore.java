package dev.gitlabmcp.gateway.state;

import io.vertx.core.Future;
import java.util.Map;

/**
 * OAuth grants (see {@link GrantRecord}). Writes are compare-and-set on {@code version}, so two replicas
 * refreshing the same grant (or two instances of it) never lose each other's tokens: the loser re-reads.
 */
public interface GrantStore {

  /** Adds a new grant (version 1); fails when the id exists. */
  Future<Void> create(GrantRecord grant);

  /** The grant, or null when unknown, revoked or expired. */
  Future<GrantRecord> get(String id);

  /**
   * Stores {@code next} only if the stored grant is still at {@code next.version() - 1}; true when stored,
   * false when another writer got there first or the grant is gone.
   */
  Future<Boolean> replace(GrantRecord next);

  /** Deletes the grant (revocation); true when it existed. */
  Future<Boolean> remove(String id);

  /** Per key-ring key id, how many grants are sealed under it (the {@code keys} command reports it). */
  Future<Map<String, Long>> countByKeyId();

  /** Deletes grants expired by {@code nowMillis}; how many. Stores with native expiry may answer 0. */
  Future<Long> purgeExpired(long nowMillis);
}
