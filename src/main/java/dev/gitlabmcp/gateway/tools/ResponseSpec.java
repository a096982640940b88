package dev.gitlabmcp.gateway.tools;

import java.util.List;

/**
 * How a GitLab answer is shaped for the model.
 *
 * @param kind what the body is
 * @param fields the slim projection (dotted paths); empty keeps every field
 * @param untrusted whether the result carries user-written text that must be framed as data
 * @param tail text only: when too long, show the end (logs) and say how to page
 * @param structured whether results also carry structuredContent matching the declared outputSchema
 */
public record ResponseSpec(Kind kind, List<String> fields, boolean untrusted, boolean tail, boolean structured) {

  public enum Kind {
    /** A JSON object. */
    OBJECT,
    /** A JSON array with GitLab's pagination headers. */
    LIST,
    /** A repository file whose base64 content is decoded. */
    FILE,
    /** Plain text (job logs, raw files). */
    TEXT,
    /** No body worth showing (204, deletions). */
    EMPTY
  }

  public ResponseSpec {
    fields = fields == null ? List.of() : List.copyOf(fields);
  }

  public ResponseSpec(Kind kind, List<String> fields, boolean untrusted) {
    this(kind, fields, untrusted, false, false);
  }
}
