package dev.gitlabmcp.gateway.state;

import java.util.List;
import java.util.Objects;

/**
 * An OAuth client registered with the gateway by RFC 7591 dynamic registration. Clients identified by a
 * metadata document URL (CIMD) are fetched and cached, pre-registered ones come from configuration;
 * neither is stored here.
 *
 * @param secretHash keyed hash of the client secret, empty for a public client ({@code none})
 * @param applicationType {@code native} or {@code web}
 * @param createdAt epoch millis
 */
public record ClientRecord(String clientId, String clientName, List<String> redirectUris,
                           String tokenEndpointAuthMethod, String secretHash, String applicationType,
                           long createdAt) {

  public ClientRecord {
    Objects.requireNonNull(clientId, "clientId");
    clientName = clientName == null ? "" : clientName;
    redirectUris = List.copyOf(redirectUris);
    tokenEndpointAuthMethod = tokenEndpointAuthMethod == null ? "none" : tokenEndpointAuthMethod;
    secretHash = secretHash == null ? "" : secretHash;
    applicationType = applicationType == null ? "native" : applicationType;
  }
}
