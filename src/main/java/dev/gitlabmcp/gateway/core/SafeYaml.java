package dev.gitlabmcp.gateway.core;

import java.io.InputStream;
import java.io.Reader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.reader.UnicodeReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads one YAML document into plain maps, lists and scalars, as {@code new Yaml(new SafeConstructor(options)).load}
 * does, without building the writing half of {@code Yaml} (representer, emitter, and the JavaBeans introspection
 * its property utilities load): a few hundred classes at start-up for reading the tool catalog and the configuration.
 */
public final class SafeYaml {

  private SafeYaml() {
  }

  /** The document in {@code text}; a repeated key is an error unless {@code allowDuplicateKeys} (the last one wins). */
  public static Object load(String text, boolean allowDuplicateKeys) {
    return load(new StreamReader(text), allowDuplicateKeys);
  }

  /** The document {@code reader} holds. */
  public static Object load(Reader reader, boolean allowDuplicateKeys) {
    return load(new StreamReader(reader), allowDuplicateKeys);
  }

  /** The document {@code in} holds, its encoding told by its byte order mark (UTF-8 without one). */
  public static Object load(InputStream in, boolean allowDuplicateKeys) {
    return load(new StreamReader(new UnicodeReader(in)), allowDuplicateKeys);
  }

  private static Object load(StreamReader source, boolean allowDuplicateKeys) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(allowDuplicateKeys);
    SafeConstructor constructor = new SafeConstructor(options);
    // as the Yaml facade sets them from the options
    constructor.setAllowDuplicateKeys(options.isAllowDuplicateKeys());
    constructor.setWarnOnDuplicateKeys(options.isWarnOnDuplicateKeys());
    constructor.setWrappedToRootException(options.isWrappedToRootException());
    constructor.setComposer(new Composer(new ParserImpl(source, options), new Resolver(), options));
    return constructor.getSingleData(Object.class);
  }
}
