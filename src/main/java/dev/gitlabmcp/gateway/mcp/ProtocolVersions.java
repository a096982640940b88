package dev.gitlabmcp.gateway.mcp;

import java.util.List;

/** MCP protocol revisions the gateway speaks, newest first. */
public final class ProtocolVersions {

  public static final String V2025_11_25 = "2025-11-25";
  public static final String V2025_06_18 = "2025-06-18";
  public static final String V2025_03_26 = "2025-03-26";
  public static final List<String> SUPPORTED = List.of(V2025_11_25, V2025_06_18, V2025_03_26);
  public static final String LATEST = V2025_11_25;

  private ProtocolVersions() {
  }

  public static boolean supported(String v) {
    return v != null && SUPPORTED.contains(v);
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
