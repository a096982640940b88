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

  private static final JsonSchemaOptions FLAG = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
      .setBaseUri("https://gitlab-mcp-gateway.local/").setOutputFormat(OutputFormat.Flag);
  private static final JsonSchemaOptions DETAILED = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
      .setBaseUri("https://gitlab-mcp-gateway.local/").setOutputFormat(OutputFormat.Basic);

  private final JsonObject schema;
  private volatile SchemaProof proof;
  private volatile Validator quick;
  private volatile Validator detailed;

  public SchemaValidator(JsonObject schema) {
    this.schema = schema.copy();
  }

  /**
   * Arguments that {@link SchemaProof} proves valid (nearly every well-behaved call) skip the general
   * validator. Other valid arguments take its fast pass/fail check, which stops at the first
   * failure; only invalid ones pay for the detailed check that says what is wrong.
   */
  public OutputUnit validate(JsonObject args) {
    if (proof().provesValid(args)) {
      return new OutputUnit(true);
    }
    OutputUnit flag = quick().validate(args);
    if (Boolean.TRUE.equals(flag.getValid())) {
      return flag;
    }
    return detailed().validate(args);
  }

  // JsonSchema.of annotates the object it is given: hand it a copy. Two threads racing here both
  // build an equal validator; either may win.
  private Validator quick() {
    Validator v = quick;
    if (v == null) {
      v = Validator.create(JsonSchema.of(schema.copy()), FLAG);
      quick = v;
    }
    return v;
  }

  private SchemaProof proof() {
    SchemaProof p = proof;
    if (p == null) {
      p = SchemaProof.of(schema);
      proof = p;
    }
    return p;
  }

  private Validator detailed() {
    Validator v = detailed;
    if (v == null) {
      v = Validator.create(JsonSchema.of(schema.copy()), DETAILED);
      detailed = v;
    }
    return v;
  }
}
