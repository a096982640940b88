package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.crypto.KeyRing;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The browser's side of a sign-in: a {@code __Host-} cookie per authorization flow (HttpOnly, Secure,
 * SameSite=Lax, 10 minutes) whose value only this browser holds; the consent form's CSRF token and the
 * transaction's binding are MACs of it, so a form posted from elsewhere, or a GitLab callback completed in
 * another browser, is refused. Also signs the small values the gateway hands to the browser and gets back
 * (the pending request, the remembered user) with the key ring's keyed hashes.
 */
final class FlowCookies {

  static final int FLOW_SECONDS = 600;
  static final int USER_SECONDS = 30 * 24 * 3600;
  private static final String USER_COOKIE = "gmcp-user";

  private final KeyRing keys;
  private final String prefix;
  private final boolean secure;

  /**
   * @param secure whether the issuer is https or loopback (browsers keep Secure cookies there); else the
   *     cookies go without the {@code __Host-} prefix and the Secure flag
   */
  FlowCookies(KeyRing ring, boolean secure) {
    this.keys = ring;
    this.secure = secure;
    this.prefix = secure ? "__Host-" : "";
  }

  /** A new flow: the cookie set on the consent page's response; returns the flow's cookie name. */
  String start(RoutingContext ctx, String flowId) {
    String name = prefix + "gmcp-flow-" + Pkce.random(6);
    ctx.response().addCookie(cookie(name, flowId, FLOW_SECONDS));
    return name;
  }

  /** The flow id the browser holds under {@code name}, or null. */
  static String flowId(RoutingContext ctx, String name) {
    Cookie c = name == null ? null : ctx.request().getCookie(name);
    return c == null || c.getValue().isEmpty() ? null : c.getValue();
  }

  void end(RoutingContext ctx, String name) {
    ctx.response().addCookie(cookie(name, "", 0));
  }

  /** Remembers who signed in, for consents the user asked to be remembered. */
  void rememberUser(RoutingContext ctx, String subject, long nowMillis) {
    String value = b64(subject) + "." + (nowMillis / 1000 + USER_SECONDS);
    ctx.response().addCookie(cookie(prefix + USER_COOKIE, value + "." + sign("user", value), USER_SECONDS));
  }

  /** The remembered subject, or null when absent, altered or expired. */
  String rememberedUser(RoutingContext ctx, long nowMillis) {
    Cookie c = ctx.request().getCookie(prefix + USER_COOKIE);
    String[] parts = c == null ? new String[0] : c.getValue().split("\\.", 3);
    if (parts.length != 3 || !verify("user", parts[0] + "." + parts[1], parts[2])) {
      return null;
    }
    try {
      return Long.parseLong(parts[1]) * 1000 > nowMillis ? new String(Base64.getUrlDecoder().decode(parts[0]),
          StandardCharsets.UTF_8) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  String csrf(String flowId) {
    return sign("csrf", flowId);
  }

  String binding(String flowId) {
    return sign("bind", flowId);
  }

  boolean csrfMatches(String flowId, String csrf) {
    return flowId != null && verify("csrf", flowId, csrf);
  }

  boolean bindingMatches(String flowId, String binding) {
    return flowId != null && verify("bind", flowId, binding);
  }

  /** base64url(value) + "." + MAC: a value the browser carries and cannot alter. */
  String seal(String purpose, String value) {
    String body = b64(value);
    return body + "." + sign(purpose, body);
  }

  /** The value {@link #seal} wrapped, or null when altered. */
  String unseal(String purpose, String sealed) {
    int dot = sealed == null ? -1 : sealed.indexOf('.');
    if (dot < 0 || !verify(purpose, sealed.substring(0, dot), sealed.substring(dot + 1))) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(sealed.substring(0, dot)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Cookie cookie(String name, String value, int maxAgeSeconds) {
    return Cookie.cookie(name, value).setPath("/").setHttpOnly(true).setSecure(secure)
        .setSameSite(CookieSameSite.LAX).setMaxAge(maxAgeSeconds);
  }

  private String sign(String purpose, String value) {
    return keys.hash("oauth-browser-" + purpose, value);
  }

  private boolean verify(String purpose, String value, String mac) {
    return value != null && keys.matches("oauth-browser-" + purpose, value, mac);
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
