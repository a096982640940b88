package dev.gitlabmcp.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Environment names another GitLab MCP server ({@code @zereight/mcp-gitlab} 2.1.64) reads that this gateway
 * does not honour. None is silently ignored: a set one is reported by {@code config check} and at start with
 * what to use instead. Names read here with the same meaning are ordinary settings ({@link Settings#ALL}).
 *
 * <p>A name that would leave the gateway doing something else than the operator asked for (another
 * credential, transport, TLS or scope rule) is a problem and stops the start; a name about tuning or
 * cosmetics is a warning.
 */
public final class UnsupportedSettings {

  /** When a name counts as used: any non-blank value, a true-ish flag, or (TLS) the value 0. */
  enum When { SET, TRUE, ZERO }

  /**
   * @param env the other server's environment name
   * @param when which values count as used
   * @param stops whether using it stops the start (else a warning)
   * @param advice what to do here instead, one sentence without the name
   */
  record Name(String env, When when, boolean stops, String advice) {

    boolean used(String value) {
      if (value == null || value.isBlank()) {
        return false;
      }
      String v = value.trim().toLowerCase(Locale.ROOT);
      return switch (when) {
        case SET -> true;
        case TRUE -> TRUE_VALUES.contains(v);
        case ZERO -> v.equals("0") || v.equals("false");
      };
    }

    String message() {
      return env + " is not supported here: " + advice;
    }
  }

  /** Problems stop the start; warnings are printed by config check and logged at start. */
  public record Findings(List<String> problems, List<String> warnings) {

    public Findings {
      problems = List.copyOf(problems);
      warnings = List.copyOf(warnings);
    }
  }

  private static final Set<String> TRUE_VALUES = Set.of("true", "1", "yes", "on");

  private static final String TOKEN = "use GITLAB_PERSONAL_ACCESS_TOKEN (a personal, project or group access token) "
      + "instead, or REMOTE_AUTHORIZATION=true so that each caller sends its own token";
  private static final String LOCAL_OAUTH = "the stdio OAuth sign-in of that server is not offered; use "
      + "GITLAB_PERSONAL_ACCESS_TOKEN with stdio instead, or sign in with GitLab over HTTP (GITLAB_MCP_OAUTH, docs/oauth.md)";
  private static final String STATELESS = "sessions live in one gateway process; run one replica instead "
      + "(several replicas need a shared session store, not built yet)";
  private static final String DYNAMIC_URL = "a client never chooses the GitLab URL; list the instances in "
      + "GITLAB_INSTANCES or an instances file instead, and point clients at /mcp/{instance} (docs/instances.md)";
  private static final String MASKING = "the gateway removes tokens and credentials from every GitLab answer "
      + "itself and has no masking rules; use GITLAB_ALLOWED_PROJECT_IDS or GITLAB_DENIED_TOOLS_REGEX instead to "
      + "keep data out of reach";
  private static final String SSE = "the legacy SSE transport (/sse) is not offered; point the client at /mcp "
      + "(Streamable HTTP, the default command) with MCP_AUTH_TOKEN, or run the stdio command instead";

  /** Every name the other server reads that is no setting here, in the order of its documentation. */
  static final List<Name> ALL = List.of(
      new Name("GITLAB_JOB_TOKEN", When.SET, true, TOKEN + " (a JOB-TOKEN header is accepted there)"),
      new Name("GITLAB_AUTH_COOKIE_PATH", When.SET, true, "cookie sign-in through an auth proxy is not offered; "
          + TOKEN),
      new Name("GITLAB_IS_OLD", When.TRUE, false, "not needed: the server-side token is sent as PRIVATE-TOKEN, "
          + "which every GitLab version accepts; remove it instead"),
      new Name("GITLAB_USE_OAUTH", When.TRUE, true, LOCAL_OAUTH),
      new Name("GITLAB_OAUTH_CLIENT_ID", When.SET, false, LOCAL_OAUTH),
      new Name("GITLAB_OAUTH_REDIRECT_URI", When.SET, false, LOCAL_OAUTH),
      new Name("GITLAB_OAUTH_TOKEN_PATH", When.SET, false, LOCAL_OAUTH),
      new Name("GITLAB_OAUTH_TOKEN_SCRIPT", When.SET, true, LOCAL_OAUTH),
      new Name("GITLAB_OAUTH_TOKEN_SCRIPT_TIMEOUT_SECONDS", When.SET, false, LOCAL_OAUTH),
      new Name("GITLAB_ALLOW_UNAUTHENTICATED_TOOL_DISCOVERY", When.TRUE, false, "every MCP request needs a token "
          + "here; run 'gitlab-mcp-gateway tools list' instead to see the tools without one"),
      new Name("ENABLE_DYNAMIC_API_URL", When.TRUE, true, DYNAMIC_URL),
      new Name("GITLAB_ALLOWED_HOSTS", When.SET, false, DYNAMIC_URL),
      new Name("ENABLE_DYNAMIC_PROJECT_SCOPE", When.TRUE, true, "clients cannot narrow the projects with a header; "
          + "use GITLAB_ALLOWED_PROJECT_IDS instead"),
      new Name("ENABLE_STRICT_PROJECT_SCOPE", When.TRUE, false, "not needed: GITLAB_ALLOWED_PROJECT_IDS is always "
          + "strict here (a tool that cannot be limited to a project is neither offered nor run); remove it instead"),
      new Name("GITLAB_OAUTH_SCOPES", When.SET, false, "the gateway asks GitLab for api, or read_api when "
          + "GITLAB_PERMISSION_MODE is readonly; remove it instead"),
      new Name("GITLAB_OAUTH_CALLBACK_PROXY", When.TRUE, false, "the GitLab callback is always "
          + "<MCP_SERVER_URL>/oauth/callback; remove it instead"),
      new Name("OAUTH_REGISTER_RATE_LIMIT_PER_HOUR", When.SET, false, "dynamic client registration is limited per "
          + "client address by the gateway itself; remove it instead"),
      new Name("OAUTH_STATELESS_MODE", When.TRUE, true, STATELESS),
      new Name("OAUTH_STATELESS_SECRET", When.SET, false, STATELESS),
      new Name("OAUTH_STATELESS_SECRET_PREVIOUS", When.SET, false, STATELESS),
      new Name("OAUTH_STATELESS_CLIENT_TTL_SECONDS", When.SET, false, STATELESS),
      new Name("OAUTH_STATELESS_PENDING_TTL_SECONDS", When.SET, false, STATELESS),
      new Name("OAUTH_STATELESS_STORED_TTL_SECONDS", When.SET, false, STATELESS),
      new Name("OAUTH_STATELESS_SESSION_TTL_SECONDS", When.SET, false, STATELESS),
      new Name("SSE", When.TRUE, true, SSE),
      new Name("SSE_AUTH_TOKEN", When.SET, true, "the SSE transport is not offered; use MCP_AUTH_TOKEN instead "
          + "(clients send it as 'Authorization: Bearer ...' to /mcp)"),
      new Name("SSE_DANGEROUSLY_ALLOW_UNAUTHENTICATED_REMOTE", When.TRUE, false, SSE),
      new Name("MCP_SERVER_NAME", When.SET, false, "the server announces itself as gitlab-mcp-gateway; "
          + "remove it instead"),
      new Name("GITLAB_TOOL_POLICY_APPROVE", When.SET, true, "there is no approval step inside the gateway; MCP "
          + "hosts ask before a tool whose annotations say it writes or deletes. Use GITLAB_PERMISSION_MODE or "
          + "GITLAB_DENIED_TOOLS_REGEX instead"),
      new Name("GITLAB_TOOL_POLICY_HIDDEN", When.SET, true, "use GITLAB_DENIED_TOOLS_REGEX instead "
          + "(matching tools are neither offered nor run)"),
      new Name("GITLAB_DISABLE_VERSION_CHECK", When.TRUE, false, "not needed: the gateway never looks for updates "
          + "on the network; remove it instead"),
      new Name("GITLAB_COMMIT_FILES_PER_PAGE", When.SET, false, "use the per_page argument of the tool instead"),
      new Name("GITLAB_REPO_FILE_ENCODING", When.SET, false, "file contents come back as text (binary files as "
          + "base64, as GitLab sends them); remove it instead"),
      new Name("GITLAB_GRAPHQL_URL", When.SET, false, "the GraphQL endpoint is always <GITLAB_API_URL>/api/graphql; "
          + "set GITLAB_API_URL instead"),
      new Name("GITLAB_POOL_MAX_SIZE", When.SET, false, "use GITLAB_MAX_CONNECTIONS instead (connections per "
          + "instance)"),
      new Name("GITLAB_MASKING_ENABLED", When.TRUE, true, MASKING),
      new Name("GITLAB_MASKING_CONFIG", When.SET, false, MASKING),
      new Name("GITLAB_MASKING_POLICY_FILE", When.SET, false, MASKING),
      new Name("GITLAB_MASKING_WORKSPACE_DIR", When.SET, false, MASKING),
      new Name("DOWNLOAD_TOKEN_SECRET", When.SET, false, "there are no /downloads links; remove it instead"),
      new Name("DOWNLOAD_TOKEN_TTL", When.SET, false, "there are no /downloads links; remove it instead"),
      new Name("DEFAULT_NULL", When.TRUE, false, "optional arguments are simply left out; remove it instead"),
      new Name("NODE_TLS_REJECT_UNAUTHORIZED", When.ZERO, true, "certificates are verified; trust your GitLab's CA "
          + "with GITLAB_CA_CERT_PATH instead (an instances file has http.caFile, and http.insecureSkipVerify for labs)"));

  private UnsupportedSettings() {
  }

  /** Every other-server name this gateway knows about: reported here, or a setting of {@link Settings}. */
  public static List<String> names() {
    return ALL.stream().map(Name::env).toList();
  }

  /** What the environment asks for that the gateway cannot do, with what to do instead. */
  public static Findings check(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Name n : ALL) {
      if (n.used(env.get(n.env()))) {
        (n.stops() ? problems : warnings).add(n.message());
      }
    }
    return new Findings(problems, warnings);
  }
}
