package dev.gitlabmcp.gateway.config;

/** A secret value whose toString never shows it. */
public record Secret(String value) {

  public static final Secret NONE = new Secret("");

  public Secret {
    value = value == null ? "" : value;
  }

  /**
   * A secret given either as a value or as a file holding it (a mounted secret), never both: the value, the
   * file's trimmed content, or NONE with a problem added naming the settings (never the value).
   */
  public static Secret fromValueOrFile(String value, String file, String valueName, String fileName,
                                       java.util.List<String> problems) {
    String v = value == null ? "" : value.trim();
    String f = file == null ? "" : file.trim();
    if (f.isEmpty()) {
      return new Secret(v);
    }
    if (!v.isEmpty()) {
      problems.add(valueName + " and " + fileName + " are both set: use one of them.");
      return NONE;
    }
    try {
      return new Secret(java.nio.file.Files.readString(java.nio.file.Path.of(f)).trim());
    } catch (java.io.IOException | RuntimeException e) {
      problems.add(fileName + " " + f + " cannot be read");
      return NONE;
    }
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
