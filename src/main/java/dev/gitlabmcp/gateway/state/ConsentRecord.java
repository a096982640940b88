package dev.gitlabmcp.gateway.state;

import java.util.List;
import java.util.Objects;

/**
 * A user's remembered approval of a client (asked for on the consent page): the next authorization of the
 * same client, redirect URI and scopes skips the page.
 *
 * @param subject {@code "<instance>:<gitlab user id>"}
 * @param createdAt epoch millis
 */
public record ConsentRecord(String subject, String clientId, String redirectUri, List<String> scopes,
                            List<String> instances, long createdAt) {

  public ConsentRecord {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(clientId, "clientId");
    redirectUri = redirectUri == null ? "" : redirectUri;
    scopes = List.copyOf(scopes);
    instances = List.copyOf(instances);
  }
}
