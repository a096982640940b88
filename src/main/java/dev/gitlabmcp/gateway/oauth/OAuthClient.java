package dev.gitlabmcp.gateway.oauth;

import java.util.List;
import java.util.Objects;

/**
 * A client of the gateway's authorization server, however it is known.
 *
 * @param authMethod {@code none}, {@code client_secret_basic} or {@code client_secret_post}
 * @param secretHash keyed hash of the secret (registered confidential clients), else empty
 * @param verifiedDomain the host of a metadata document URL (CIMD), else null
 */
record OAuthClient(String clientId, String name, List<String> redirectUris, String authMethod, String secretHash,
                   Kind kind, String verifiedDomain) {

  /** How the gateway knows the client. */
  enum Kind { REGISTERED, METADATA_DOCUMENT, PRE_REGISTERED }

  OAuthClient {
    Objects.requireNonNull(clientId, "clientId");
    name = name == null || name.isBlank() ? clientId : name;
    redirectUris = List.copyOf(redirectUris);
    authMethod = authMethod == null ? "none" : authMethod;
    secretHash = secretHash == null ? "" : secretHash;
  }

  boolean confidential() {
    return !authMethod.equals("none");
  }
}
