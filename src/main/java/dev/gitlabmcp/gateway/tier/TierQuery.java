package dev.gitlabmcp.gateway.tier;

import dev.gitlabmcp.gateway.gitlab.Credential;
import java.util.Objects;

/**
 * Which plan does this namespace have, as this caller sees it? Sent over the local event bus to
 * {@link TierDetectorVerticle}; the credential travels by reference and is only sent to its own instance.
 *
 * @param instance the configured instance name
 * @param subject the caller's stable identity (never the token)
 * @param credential the caller's credential: GitLab answers what this caller may read
 * @param kind what {@code ref} names
 * @param ref a full path (acme/app) or a numeric id
 */
public record TierQuery(String instance, String subject, Credential credential, Kind kind, String ref) {

  /** What a tool argument names: a project, a group, or any namespace (group or user). */
  public enum Kind { PROJECT, GROUP, NAMESPACE }

  public TierQuery {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ref, "ref");
  }

  /** Whether {@code ref} is a numeric id that GitLab must first turn into a path. */
  public boolean numeric() {
    return !ref.isEmpty() && ref.chars().allMatch(Character::isDigit);
  }

  /** The top-level namespace of a path: acme for acme/team/app; null for a numeric id or an empty path. */
  public String topLevel() {
    return numeric() ? null : topLevelOf(ref);
  }

  static String topLevelOf(String path) {
    String p = path.replace("%2F", "/").replace("%2f", "/").strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    int slash = p.indexOf('/');
    String top = slash < 0 ? p : p.substring(0, slash);
    return top.isEmpty() ? null : top;
  }

  @Override
  public String toString() {
    // Never the credential's value (Credential prints only its kind), and no caller subject in logs by accident.
    return "TierQuery[" + instance + " " + kind + " " + ref + "]";
  }
}
