package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

/**
 * A tool's argument validator, compiled on the tool's first call: most of the catalog is never
 * called in a given process, and compiling 260 validators would slow every start.
 */
public final class SchemaValidator {

  private static final JsonSchemaOptions OPTIONS = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
      .setBaseUri("https://gitlab-mcp-gateway.local/").setOutputFormat(OutputFormat.Basic);

  private final JsonObject schema;
  private volatile Validator compiled;

  public SchemaValidator(JsonObject schema) {
    this.schema = schema.copy();
  }

  public OutputUnit validate(JsonObject args) {
    Validator v = compiled;
    if (v == null) {
      // JsonSchema.of annotates the object it is given: hand it a copy. Two threads racing here both
      // build an equal validator; either may win.
      v = Validator.create(JsonSchema.of(schema.copy()), OPTIONS);
      compiled = v;
    }
    return v.validate(args);
  }
}
