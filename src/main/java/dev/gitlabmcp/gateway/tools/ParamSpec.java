package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One tool argument: its JSON Schema and where it goes in the GitLab request.
 *
 * @param name the argument name the model uses
 * @param in path, query, body, or local (read by the gateway, never sent to GitLab)
 * @param upstream the GitLab parameter name (usually the same)
 * @param required whether the model must give it
 * @param schema the property's JSON Schema
 * @param commaList arrays go to the query as one comma-separated value instead of name[]=a&amp;name[]=b
 * @param upperCase the value (or each item) is sent in upper case: GraphQL enum values (issue -> ISSUE)
 */
public record ParamSpec(String name, In in, String upstream, boolean required, JsonObject schema, boolean commaList,
                        boolean upperCase) {

  public enum In { PATH, QUERY, BODY, LOCAL }

  public ParamSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(in, "in");
    upstream = upstream == null ? name : upstream;
    Objects.requireNonNull(schema, "schema");
  }

  public ParamSpec(String name, In in, String upstream, boolean required, JsonObject schema, boolean commaList) {
    this(name, in, upstream, required, schema, commaList, false);
  }

  public Object defaultValue() {
    return schema.getValue("default");
  }

  public String type() {
    Object t = schema.getValue("type");
    return t instanceof String s ? s : null;
  }
}
