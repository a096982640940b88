package dev.gitlabmcp.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.InstancesLoader;
import dev.gitlabmcp.gateway.config.Setting;
import dev.gitlabmcp.gateway.config.Settings;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** docs/kubernetes: every variable is a real setting, every probe answers, the instances file is valid. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KubernetesManifestsTest {

  private static final Path DIR = Path.of("docs/kubernetes");

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents() throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (var files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object d : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(f))) {
          docs.add((Map<String, Object>) d);
        }
      }
    }
    return docs;
  }

  private static Set<String> settingNames() {
    Set<String> names = new HashSet<>();
    for (Setting s : Settings.ALL) {
      names.addAll(s.envNames());
    }
    return names;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> container() throws IOException {
    Map<String, Object> deployment = documents().stream().filter(d -> "Deployment".equals(d.get("kind")))
        .findFirst().orElseThrow();
    Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
        deployment.get("spec")).get("template")).get("spec");
    return ((List<Map<String, Object>>) spec.get("containers")).get(0);
  }

  @Test
  @SuppressWarnings("unchecked")
  void should_set_only_variables_the_gateway_reads() throws IOException {
    Set<String> known = settingNames();
    List<String> used = new ArrayList<>();
    for (Map<String, Object> e : (List<Map<String, Object>>) container().get("env")) {
      used.add((String) e.get("name"));
    }
    for (Map<String, Object> d : documents()) {
      Map<String, Object> meta = (Map<String, Object>) d.get("metadata");
      if ("ConfigMap".equals(d.get("kind")) && ((String) meta.get("name")).endsWith("-env")
          || "Secret".equals(d.get("kind"))) {
        Map<String, Object> data = (Map<String, Object>) (d.containsKey("data") ? d.get("data") : d.get("stringData"));
        used.addAll(data.keySet());
      }
    }
    assertTrue(used.size() > 8, "the manifests set the variables: " + used);
    for (String name : used) {
      assertTrue(known.contains(name), name + " is not a setting of the gateway");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void should_probe_paths_that_answer_200() throws IOException {
    Map<String, Object> c = container();
    List<String> paths = new ArrayList<>();
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      paths.add((String) ((Map<String, Object>) ((Map<String, Object>) c.get(probe)).get("httpGet")).get("path"));
    }
    assertEquals(List.of("/health/live", "/health/ready", "/health/live"), paths);
    try (TestGateway gw = TestGateway.start("http://127.0.0.1:9")) {
      for (String path : paths) {
        assertEquals(200, new RawMcp(gw.baseUrl() + path).send("GET", Map.of(), null).statusCode(), path);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void should_ship_a_valid_instances_file() throws IOException {
    Map<String, Object> cm = documents().stream().filter(d -> "ConfigMap".equals(d.get("kind"))
        && ((Map<String, Object>) d.get("metadata")).get("name").toString().endsWith("-instances")).findFirst()
        .orElseThrow();
    String json = (String) ((Map<String, Object>) cm.get("data")).get("instances.json");
    Path tmp = Files.createTempFile("instances", ".json");
    Files.writeString(tmp, json);
    InstancesLoader.Loaded loaded = InstancesLoader.load(
        dev.gitlabmcp.gateway.config.ConfigLoader.withoutDefaultFile(Map.of(), Map.of())
            .load(dev.gitlabmcp.gateway.config.GatewayConfig.Mode.HTTP).config().gitlab(), tmp, Map.of());
    assertTrue(loaded.problems().isEmpty(), loaded.problems().toString());
    assertFalse(new JsonObject(json).getJsonArray("instances").isEmpty());
  }
}
