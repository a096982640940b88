package dev.gitlabmcp.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class JsonBodyTest {

  private static JsonObject sample() {
    return new JsonObject().put("s", "quote \" backslash \\ control \u0001 line\u2028 é 😀 </script>")
        .put("i", 42).put("l", 1L << 60).put("d", 2.5).put("big", new BigInteger("123456789012345678901234567890"))
        .put("t", true).put("n", null).put("nested", new JsonObject().put("a", new JsonArray().add(1).add("x")))
        .put("rawMap", Map.of("k", "v")).put("rawList", List.of(1, 2));
  }

  @Test
  void should_write_the_same_bytes_as_the_vertx_codec() {
    JsonObject o = sample();
    // Bytes as toBuffer() writes them (characters beyond the BMP escaped); the same JSON as encode().
    assertEquals(o.toBuffer().toString(StandardCharsets.UTF_8), JsonBody.buffer(o).toString(StandardCharsets.UTF_8));
    assertEquals(o, new JsonObject(JsonBody.buffer(o)));
  }

  @Test
  void should_run_vertx_on_the_streaming_codec_that_parses_to_the_same_trees() {
    assertEquals(JacksonCodec.class, Json.CODEC.getClass());
    JsonObject parsed = (JsonObject) Json.decodeValue(sample().encode());
    assertEquals(new BigInteger("123456789012345678901234567890"), parsed.getValue("big"));
    assertEquals(Long.valueOf(1L << 60), parsed.getValue("l"));
    assertEquals(sample().encode(), parsed.encode());
  }

  @Test
  void should_write_an_object_on_an_encoded_map_from_its_text_without_encoding_it_again() {
    JsonObject inner = new JsonObject().put("a", 1);
    // A text that differs from the object's encoding shows which of the two was written.
    JsonObject carried = new JsonObject(new JsonBody.Encoded(inner.getMap(), "{\"a\" : 1}"));
    JsonObject body = new JsonObject().put("result", new JsonObject().put("structuredContent", carried));

    assertEquals("{\"result\":{\"structuredContent\":{\"a\" : 1}}}", JsonBody.buffer(body).toString());
    assertEquals(inner, carried, "to everyone else it is the same object");
    assertEquals("{\"result\":{\"structuredContent\":{\"a\":1}}}", body.encode());
  }

  @Test
  void should_write_a_carried_text_with_any_characters_as_the_same_json() {
    JsonObject inner = sample();
    JsonObject carried = new JsonObject(new JsonBody.Encoded(inner.getMap(), inner.encode()));
    JsonObject body = new JsonObject().put("structuredContent", carried).put("text", inner.encode());

    JsonObject received = new JsonObject(JsonBody.buffer(body));
    assertEquals(inner, received.getJsonObject("structuredContent"));
    assertEquals(inner.encode(), received.getString("text"));
  }

  @Test
  void should_forget_the_text_once_the_object_is_changed() {
    JsonObject carried = new JsonObject(new JsonBody.Encoded(new JsonObject().put("a", 1).getMap(), "{\"a\":1}"));
    carried.put("b", 2);
    assertEquals("{\"a\":1,\"b\":2}", JsonBody.buffer(carried).toString());

    JsonObject removed = new JsonObject(new JsonBody.Encoded(new JsonObject().put("a", 1).getMap(), "{\"a\":1}"));
    removed.remove("a");
    assertEquals("{}", JsonBody.buffer(removed).toString());
  }
}
