package dev.gitlabmcp.gateway.mcp;

import java.util.List;

/**
 * MCP protocol revisions the gateway speaks, newest first. The 2025 revisions ({@link #SUPPORTED}) run in
 * sessions opened by {@code initialize}; 2026-07-28 ({@link #MODERN}) is stateless, served per request by
 * {@link StatelessHandler}, and is never the answer to an {@code initialize}.
 */
public final class ProtocolVersions {

  public static final String V2026_07_28 = "2026-07-28";
  /** The stateless revisions: each request names its version in {@code _meta}; no initialize, no session. */
  public static final List<String> MODERN = List.of(V2026_07_28);

  public static final String V2025_11_25 = "2025-11-25";
  public static final String V2025_06_18 = "2025-06-18";
  public static final String V2025_03_26 = "2025-03-26";
  /** The session revisions, negotiated by initialize. */
  public static final List<String> SUPPORTED = List.of(V2025_11_25, V2025_06_18, V2025_03_26);
  /** The latest session revision: what initialize answers when it cannot give the client's. */
  public static final String LATEST = V2025_11_25;
  /** Every revision, as server/discover and an unsupported-version error list them. */
  public static final List<String> ALL = List.of(V2026_07_28, V2025_11_25, V2025_06_18, V2025_03_26);

  private ProtocolVersions() {
  }

  /** Whether v is a session revision (what initialize may negotiate). */
  public static boolean supported(String v) {
    return v != null && SUPPORTED.contains(v);
  }

  /** Whether v is a stateless revision. */
  public static boolean modern(String v) {
    return v != null && MODERN.contains(v);
  }

  /** The client's version when we speak it, else our latest (the client then decides). */
  public static String negotiate(String requested) {
    return supported(requested) ? requested : LATEST;
  }

  /** JSON-RPC batches exist only in 2025-03-26. */
  public static boolean allowsBatches(String v) {
    return V2025_03_26.equals(v);
  }
}
