package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.OAuthConfig;
import dev.gitlabmcp.gateway.state.ClientStore;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every client the authorization server knows, in the MCP order: pre-registered (configuration), metadata
 * documents (an https {@code client_id}), dynamically registered (the client store).
 */
final class ClientRegistry {

  private final Map<String, OAuthClient> preRegistered = new LinkedHashMap<>();
  private final MetadataDocuments documents;
  private final ClientStore store;

  ClientRegistry(List<OAuthConfig.PreRegisteredClient> configured, MetadataDocuments documents, ClientStore store) {
    for (OAuthConfig.PreRegisteredClient c : configured) {
      preRegistered.put(c.clientId(), new OAuthClient(c.clientId(), c.name(), c.redirectUris(), "none", "",
          OAuthClient.Kind.PRE_REGISTERED, null));
    }
    this.documents = documents;
    this.store = store;
  }

  /** The client, or a failed {@link OAuthError} ({@code invalid_client}) naming why it is unknown. */
  Future<OAuthClient> find(String clientId) {
    if (clientId == null || clientId.isBlank()) {
      return Future.failedFuture(OAuthError.invalidClient("client_id is missing"));
    }
    OAuthClient pre = preRegistered.get(clientId);
    if (pre != null) {
      return Future.succeededFuture(pre);
    }
    if (MetadataDocuments.isDocumentUrl(clientId)) {
      return documents.client(clientId);
    }
    if (clientId.length() > 200) {
      return Future.failedFuture(OAuthError.invalidClient("unknown client_id"));
    }
    return store.get(clientId).compose(r -> r == null
        ? Future.failedFuture(OAuthError.invalidClient("unknown client_id: register the client again (the gateway "
            + "may have restarted without shared storage)"))
        : Future.succeededFuture(Registration.toClient(r)));
  }
}
