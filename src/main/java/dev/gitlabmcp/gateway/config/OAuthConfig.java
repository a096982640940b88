package dev.gitlabmcp.gateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sign in with GitLab (docs/oauth.md): the gateway as the OAuth authorization server of its MCP clients.
 *
 * @param enabled GITLAB_MCP_OAUTH
 * @param issuer the public base URL (MCP_SERVER_URL) exactly as configured, without a trailing slash
 * @param allowInsecureIssuer MCP_DANGEROUSLY_ALLOW_INSECURE_ISSUER_URL: an http issuer beyond loopback
 * @param appId GITLAB_OAUTH_APP_ID: the GitLab application of the default instance when its own
 *     {@code oauth.clientId} is empty
 * @param appSecret GITLAB_OAUTH_CLIENT_SECRET (or _FILE) of that application; none for a public app
 * @param allowedGroups GITLAB_OAUTH_ALLOWED_GROUPS: full paths; a user must be a member of one (empty: anyone)
 * @param clients pre-registered clients
 */
public record OAuthConfig(boolean enabled, String issuer, boolean allowInsecureIssuer, String appId, Secret appSecret,
                          List<String> allowedGroups, List<PreRegisteredClient> clients) {

  public static final OAuthConfig OFF = new OAuthConfig(false, "", false, "", Secret.NONE, List.of(), List.of());

  /** A client named in configuration: public (PKCE, no secret), with its exact redirect URIs. */
  public record PreRegisteredClient(String clientId, String name, List<String> redirectUris) {

    public PreRegisteredClient {
      Objects.requireNonNull(clientId, "clientId");
      name = name == null || name.isBlank() ? clientId : name;
      redirectUris = List.copyOf(redirectUris);
    }
  }

  public OAuthConfig {
    issuer = issuer == null ? "" : issuer.trim();
    while (issuer.endsWith("/")) {
      issuer = issuer.substring(0, issuer.length() - 1);
    }
    appId = appId == null ? "" : appId.trim();
    appSecret = appSecret == null ? Secret.NONE : appSecret;
    allowedGroups = List.copyOf(allowedGroups);
    clients = List.copyOf(clients);
  }

  /**
   * The GitLab application the gateway signs users in with on {@code instance}: the instance's own
   * {@code oauth.clientId} (secret GITLAB_OAUTH_CLIENT_SECRET_&lt;NAME&gt;), else for the default instance
   * GITLAB_OAUTH_APP_ID with GITLAB_OAUTH_CLIENT_SECRET; {@link OAuthClientConfig#NONE} when there is none.
   */
  public OAuthClientConfig appFor(GitLabConfig instance) {
    OAuthClientConfig own = instance.oauth();
    if (own.configured()) {
      Secret secret = own.clientSecret().isSet() || !instance.isDefault() ? own.clientSecret() : appSecret;
      return new OAuthClientConfig(own.clientId(), own.scopes(), secret);
    }
    if (instance.isDefault() && !appId.isEmpty()) {
      return new OAuthClientConfig(appId, List.of("api"), appSecret);
    }
    return OAuthClientConfig.NONE;
  }

  /** The MCP resource of an instance: {@code <issuer>/mcp} for the default one, {@code <issuer>/mcp/<name>} else. */
  public String resource(String instance) {
    return instance == null ? issuer + "/mcp" : issuer + "/mcp/" + instance;
  }

  /** Where the protected-resource metadata of {@link #resource} is (RFC 9728, path-suffixed). */
  public String resourceMetadata(String instance) {
    return issuer + "/.well-known/oauth-protected-resource/mcp" + (instance == null ? "" : "/" + instance);
  }

  /** Problems that stop the start; {@code remoteAuthorization} and {@code mcpToken} are the other ways to sign in. */
  public List<String> problems(GatewayConfig.Mode mode, InstancesConfig instances, boolean remoteAuthorization,
                               boolean mcpToken) {
    List<String> p = new ArrayList<>();
    if (!enabled) {
      return p;
    }
    if (mode == GatewayConfig.Mode.STDIO) {
      p.add("GITLAB_MCP_OAUTH=true needs the HTTP transport (a browser signs in); run 'serve', or use "
          + "GITLAB_PERSONAL_ACCESS_TOKEN with stdio.");
    }
    if (remoteAuthorization) {
      p.add("GITLAB_MCP_OAUTH=true cannot be combined with REMOTE_AUTHORIZATION=true: with OAuth, clients sign in "
          + "through the browser and send the gateway's tokens. Choose one.");
    }
    if (mcpToken) {
      p.add("GITLAB_MCP_OAUTH=true cannot be combined with MCP_AUTH_TOKEN: with OAuth, clients send the tokens the "
          + "gateway issued after a GitLab sign-in. Unset MCP_AUTH_TOKEN.");
    }
    if (issuer.isEmpty()) {
      p.add("GITLAB_MCP_OAUTH=true needs MCP_SERVER_URL, the public base URL clients and browsers reach the gateway "
          + "at (e.g. https://mcp.example.com): it is the OAuth issuer and the base of the GitLab callback.");
    } else {
      URI u = URI.create(issuer);
      if ("http".equalsIgnoreCase(u.getScheme()) && !GatewayConfig.isLoopback(u.getHost()) && !allowInsecureIssuer) {
        p.add("MCP_SERVER_URL must be https with GITLAB_MCP_OAUTH=true (tokens and sign-ins travel over it); a plain "
            + "http URL is allowed for loopback only, or with MCP_DANGEROUSLY_ALLOW_INSECURE_ISSUER_URL=true.");
      }
    }
    if (instances.list().stream().noneMatch(i -> appFor(i).configured())) {
      p.add("GITLAB_MCP_OAUTH=true needs a GitLab application: set GITLAB_OAUTH_APP_ID (and "
          + "GITLAB_OAUTH_CLIENT_SECRET for a confidential one), or oauth.clientId of an instance; docs/oauth.md "
          + "shows how to register it in GitLab.");
    }
    return p;
  }

  /** From the resolved settings: the issuer is the public URL; the app secret from the environment or its file. */
  @SuppressWarnings("unchecked")
  static OAuthConfig from(Map<Setting, Object> t, List<String> problems) {
    Secret secret = Secret.fromValueOrFile((String) t.get(Settings.OAUTH_APP_SECRET),
        (String) t.get(Settings.OAUTH_APP_SECRET_FILE), Settings.OAUTH_APP_SECRET.displayName(),
        Settings.OAUTH_APP_SECRET_FILE.displayName(), problems);
    return new OAuthConfig((Boolean) t.get(Settings.OAUTH), (String) t.get(Settings.PUBLIC_URL),
        (Boolean) t.get(Settings.OAUTH_INSECURE_ISSUER), (String) t.get(Settings.OAUTH_APP_ID), secret,
        (List<String>) t.get(Settings.OAUTH_ALLOWED_GROUPS),
        parseClients((String) t.get(Settings.OAUTH_CLIENTS), problems));
  }

  /**
   * Parses GITLAB_MCP_OAUTH_CLIENTS: a JSON array of {@code {"client_id","client_name","redirect_uris"}}.
   */
  public static List<PreRegisteredClient> parseClients(String json, List<String> problems) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    List<PreRegisteredClient> out = new ArrayList<>();
    try {
      JsonArray a = new JsonArray(json.trim());
      for (int i = 0; i < a.size(); i++) {
        JsonObject o = a.getValue(i) instanceof JsonObject jo ? jo : null;
        String id = o == null || !(o.getValue("client_id") instanceof String s) ? "" : s.trim();
        JsonArray uris = o == null || !(o.getValue("redirect_uris") instanceof JsonArray ja) ? null : ja;
        if (id.isEmpty() || uris == null || uris.isEmpty() || !uris.stream().allMatch(String.class::isInstance)) {
          problems.add("GITLAB_MCP_OAUTH_CLIENTS (oauth.clients) entry " + i + " needs a client_id and a non-empty "
              + "list of redirect_uris");
          continue;
        }
        out.add(new PreRegisteredClient(id, o.getString("client_name"),
            uris.stream().map(String.class::cast).toList()));
      }
    } catch (DecodeException | ClassCastException e) {
      problems.add("GITLAB_MCP_OAUTH_CLIENTS (oauth.clients) is not a JSON array of clients");
    }
    return out;
  }
}
