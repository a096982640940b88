package dev.gitlabmcp.gateway.core;

/** The gateway's version, from the jar manifest when packaged. */
public final class Version {

  public static final String VERSION = resolve();

  private Version() {
  }

  private static String resolve() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v != null ? v : "0.1.0";
  }
}
