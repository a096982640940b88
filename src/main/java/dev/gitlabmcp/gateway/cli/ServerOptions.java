package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.config.Settings;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@link RunOptions} plus the HTTP listener's address: for serving HTTP and checking that configuration. */
public class ServerOptions extends RunOptions {

  @Option(names = "--host", description = "Listen address (HOST).")
  String host;

  @Option(names = "--port", description = "Listen port (PORT).")
  String port;

  @Override
  Map<String, String> flags() {
    Map<String, String> f = super.flags();
    if (host != null) {
      f.put(Settings.HOST.key(), host);
    }
    if (port != null) {
      f.put(Settings.PORT.key(), port);
    }
    return f;
  }
}
