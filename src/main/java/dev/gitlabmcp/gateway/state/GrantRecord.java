package dev.gitlabmcp.gateway.state;

import java.util.List;
import java.util.Objects;

/**
 * One user's authorization of one OAuth client, as stored: who, for which client, scopes and resource,
 * the GitLab instances it connects, and their GitLab tokens <em>sealed</em> as one value under one key of
 * the key ring (the store never sees them in clear). Refresh tokens the gateway issued are kept only as
 * keyed hashes: the current one, and the spent ones (presenting a spent one again revokes the grant).
 *
 * @param id random, not secret (appears inside the tokens issued for it)
 * @param subject the user, {@code "<instance>:<gitlab user id>"} of the first connected instance
 * @param username GitLab username on that instance (for audit and the consent page)
 * @param instances the connected instance names, the first being the default one
 * @param keyId the key-ring key {@code sealedTokens} is sealed under
 * @param sealedTokens the GitLab token pairs of every connected instance, sealed (opaque to the store)
 * @param refreshHash keyed hash of the gateway refresh token currently valid for this grant
 * @param spentRefreshHashes keyed hashes of rotated-out refresh tokens (bounded by the writer)
 * @param version starts at 1, incremented by every {@link GrantStore#replace}
 * @param createdAt epoch millis
 * @param expiresAt epoch millis after which the grant is gone (refresh-token lifetime), extended on write
 */
public record GrantRecord(String id, String subject, String username, String clientId, List<String> scopes,
                          String resource, List<String> instances, String keyId, String sealedTokens,
                          String refreshHash, List<String> spentRefreshHashes, long version, long createdAt,
                          long expiresAt) {

  public GrantRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subject, "subject");
    username = username == null ? "" : username;
    Objects.requireNonNull(clientId, "clientId");
    scopes = List.copyOf(scopes);
    resource = resource == null ? "" : resource;
    instances = List.copyOf(instances);
    keyId = keyId == null ? "" : keyId;
    sealedTokens = sealedTokens == null ? "" : sealedTokens;
    refreshHash = refreshHash == null ? "" : refreshHash;
    spentRefreshHashes = List.copyOf(spentRefreshHashes);
  }

  /** The same grant as the next version: what {@link GrantStore#replace} expects to be given. */
  public GrantRecord next(String newKeyId, String newSealedTokens, String newRefreshHash,
                          List<String> newSpentRefreshHashes, List<String> newInstances, long newExpiresAt) {
    return new GrantRecord(id, subject, username, clientId, scopes, resource, newInstances, newKeyId,
        newSealedTokens, newRefreshHash, newSpentRefreshHashes, version + 1, createdAt, newExpiresAt);
  }
}
