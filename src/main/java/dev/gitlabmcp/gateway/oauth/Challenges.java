package dev.gitlabmcp.gateway.oauth;

import static dev.gitlabmcp.gateway.auth.AuthFailure.quotable;

import dev.gitlabmcp.gateway.http.HttpProblem;
import java.util.function.Function;

/**
 * The refusals of the resource server, shaped so an MCP client can act on them (RFC 6750 §3, RFC 9728 §5.1):
 * a 401 {@code invalid_token} makes it sign in again, a 403 {@code insufficient_scope} makes it ask for more;
 * both name the protected-resource metadata of the MCP endpoint the request was for.
 *
 * @param resourceMetadata the metadata URL of an instance's MCP endpoint (null: the default {@code /mcp})
 * @param writeScope the scope that allows writing ({@code api})
 */
public record Challenges(Function<String, String> resourceMetadata, String writeScope) {

  /** 401: the token is not (or no longer) good here; the client signs in again. */
  public HttpProblem invalidToken(String instance, String description) {
    return HttpProblem.plain(401, "invalid_token", description).header("WWW-Authenticate",
        "Bearer error=\"invalid_token\", error_description=\"" + quotable(description) + "\", resource_metadata=\""
            + quotable(resourceMetadata.apply(instance)) + "\"");
  }

  /** 403: the grant only reads and the tool writes; the client may ask the user for {@code api}. */
  public HttpProblem insufficientScope(String instance, String description) {
    return HttpProblem.plain(403, "insufficient_scope", description).header("WWW-Authenticate",
        "Bearer error=\"insufficient_scope\", scope=\"" + writeScope + "\", error_description=\""
            + quotable(description) + "\", resource_metadata=\"" + quotable(resourceMetadata.apply(instance)) + "\"");
  }

  /** 503: GitLab could not refresh the sign-in just now; retrying later may work. */
  public HttpProblem unavailable(String description) {
    return HttpProblem.plain(503, "temporarily_unavailable", description).header("Retry-After", "5");
  }
}
