package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.gitlab.Credential;
import io.vertx.core.Future;

/**
 * Token verifications shared by the replicas: a token GitLab confirmed on one replica is not checked
 * again on another within the cache time. Holds identities only, keyed by a keyed hash of the token;
 * never the token. Without a shared store there is none ({@link #NONE}).
 */
public interface SharedIdentities {

  /** The identity remembered for the token on the instance, or null (also when the store cannot answer). */
  Future<Identity> get(String instance, Credential credential);

  /** Remembers a confirmed identity for the cache time; failures are ignored (it is only a cache). */
  void put(String instance, Credential credential, Identity identity);

  SharedIdentities NONE = new SharedIdentities() {
    @Override
    public Future<Identity> get(String instance, Credential credential) {
      return Future.succeededFuture();
    }

    @Override
    public void put(String instance, Credential credential, Identity identity) {
    }
  };
}
