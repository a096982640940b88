package dev.gitlabmcp.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes a response body as Vert.x's codec would, except that an object built on an {@link Encoded} map is
 * written from the text it was already encoded to: a tool result's {@code structuredContent} is encoded once,
 * for the text, and not again for the response.
 */
public final class JsonBody {

  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonBody() {
  }

  public static Buffer buffer(JsonObject value) {
    BufferRecycler recycler = FACTORY._getBufferRecycler();
    try (ByteArrayBuilder bytes = new ByteArrayBuilder(recycler)) {
      try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
        write(value, g);
      }
      byte[] out = bytes.toByteArray();
      bytes.release();
      return Buffer.buffer(out);
    } catch (IOException e) {
      throw new EncodeException("Failed to encode as JSON: " + e.getMessage(), e);
    } finally {
      recycler.releaseToPool();
    }
  }

  private static void write(Object v, JsonGenerator g) throws IOException {
    if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof JsonObject o) {
      writeObject(o.getMap(), g);
    } else if (v instanceof Map<?, ?> m) {
      writeObject(m, g);
    } else if (v instanceof JsonArray a) {
      writeArray(a.getList(), g);
    } else if (v instanceof List<?> l) {
      writeArray(l, g);
    } else {
      JacksonCodec.encodeJson(v, g); // null, numbers, booleans and Vert.x's other value types, as Vert.x writes them
    }
  }

  private static void writeObject(Map<?, ?> m, JsonGenerator g) throws IOException {
    if (m instanceof Encoded e && e.encoded != null) {
      g.writeRawValue(e.encoded);
      return;
    }
    g.writeStartObject();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      g.writeFieldName((String) e.getKey());
      write(e.getValue(), g);
    }
    g.writeEndObject();
  }

  private static void writeArray(List<?> l, JsonGenerator g) throws IOException {
    g.writeStartArray();
    for (Object o : l) {
      write(o, g);
    }
    g.writeEndArray();
  }

  /**
   * A JSON object's map that remembers what the object was encoded to, for {@link JsonBody} to write as is. Any
   * change through the map forgets it; the object's nested values are not watched, so build it only from a tree
   * that is finished (a shaped result is never changed after it is built).
   */
  public static final class Encoded extends LinkedHashMap<String, Object> {

    private String encoded;

    /**
     * @param encoded the JSON text of {@code values}, exactly
     */
    public Encoded(Map<String, Object> values, String encoded) {
      super(values);
      this.encoded = encoded;
    }

    @Override
    public Object put(String key, Object value) {
      encoded = null;
      return super.put(key, value);
    }

    @Override
    public void putAll(Map<? extends String, ?> m) {
      encoded = null;
      super.putAll(m);
    }

    @Override
    public Object remove(Object key) {
      encoded = null;
      return super.remove(key);
    }

    @Override
    public void clear() {
      encoded = null;
      super.clear();
    }
  }
}
