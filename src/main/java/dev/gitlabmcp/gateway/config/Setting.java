package dev.gitlabmcp.gateway.config;

import java.util.List;
import java.util.Objects;

/**
 * One configuration setting: where it lives in gateway.yaml, which environment variables set it
 * (the first is ours, later ones are compatibility names), its default, type and one-line doc.
 */
public record Setting(String key, List<String> envNames, String defaultValue, Type type, boolean secret, String doc,
                      long min, long max, List<String> choices) {

  public enum Type { STRING, INT, BOOL, LIST, URL, CHOICE }

  public Setting {
    Objects.requireNonNull(key, "key");
    envNames = List.copyOf(envNames);
    choices = choices == null ? List.of() : List.copyOf(choices);
    if (type == Type.CHOICE && choices.isEmpty()) {
      throw new IllegalArgumentException("choice setting " + key + " needs choices");
    }
  }

  static Setting string(String key, String env, String def, String doc) {
    return new Setting(key, List.of(env), def, Type.STRING, false, doc, 0, 0, null);
  }

  static Setting secret(String key, String env, String doc) {
    return new Setting(key, List.of(env), "", Type.STRING, true, doc, 0, 0, null);
  }

  static Setting secret(String key, List<String> envs, String doc) {
    return new Setting(key, envs, "", Type.STRING, true, doc, 0, 0, null);
  }

  static Setting integer(String key, String env, long def, long min, long max, String doc) {
    return new Setting(key, List.of(env), Long.toString(def), Type.INT, false, doc, min, max, null);
  }

  static Setting bool(String key, List<String> envs, boolean def, String doc) {
    return new Setting(key, envs, Boolean.toString(def), Type.BOOL, false, doc, 0, 0, null);
  }

  static Setting list(String key, String env, String doc) {
    return new Setting(key, List.of(env), "", Type.LIST, false, doc, 0, 0, null);
  }

  static Setting url(String key, String env, String def, String doc) {
    return new Setting(key, List.of(env), def, Type.URL, false, doc, 0, 0, null);
  }

  static Setting choice(String key, String env, String def, List<String> choices, String doc) {
    return new Setting(key, List.of(env), def, Type.CHOICE, false, doc, 0, 0, choices);
  }

  // equals and hashCode as a record's, written out: a record's own are linked through invokedynamic
  // (ObjectMethods), whose first use costs tens of milliseconds of start-up, and settings are map keys.
  @Override
  public boolean equals(Object o) {
    return o instanceof Setting s && key.equals(s.key) && envNames.equals(s.envNames)
        && Objects.equals(defaultValue, s.defaultValue) && type == s.type && secret == s.secret
        && Objects.equals(doc, s.doc) && min == s.min && max == s.max && choices.equals(s.choices);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, envNames, defaultValue, type, secret, doc, min, max, choices);
  }

  /** The name a user sees in messages: the primary environment variable and the yaml key. */
  public String displayName() {
    return envNames.isEmpty() ? key : envNames.get(0) + " (" + key + ")";
  }
}
