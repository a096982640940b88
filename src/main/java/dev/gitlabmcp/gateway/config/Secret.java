package dev.gitlabmcp.gateway.config;

/** A secret value whose toString never shows it. */
public record Secret(String value) {

  public static final Secret NONE = new Secret("");

  public Secret {
    value = value == null ? "" : value;
  }

  public boolean isSet() {
    return !value.isEmpty();
  }

  /** The value itself; call only where it is sent to the party that owns it. */
  public String reveal() {
    return value;
  }

  public String masked() {
    return isSet() ? "****** (set, " + value.length() + " chars)" : "(not set)";
  }

  @Override
  public String toString() {
    return isSet() ? "******" : "";
  }
}
