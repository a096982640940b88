package dev.gitlabmcp.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official MCP Java SDK client spawning the gateway as an stdio child process, as desktop
 * hosts do: protocol on stdout, logs on stderr, configuration from the environment only.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SdkStdioEndToEndTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static FakeGitLab gitlab;

  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final List<LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
  private McpSyncClient client;
  @TempDir
  Path workDir; // empty: no conf/gateway.yaml of the checkout is read

  /** Starts the child with exactly the given environment, in an empty working directory. */
  private static final class CleanEnvironmentTransport extends StdioClientTransport {

    private final Path workDir;

    CleanEnvironmentTransport(ServerParameters params, Path workDir) {
      super(params, McpJsonDefaults.getMapper());
      this.workDir = workDir;
    }

    @Override
    protected ProcessBuilder getProcessBuilder() {
      ProcessBuilder pb = new ProcessBuilder();
      pb.environment().clear(); // the SDK then adds only ServerParameters' variables
      pb.directory(workDir.toFile());
      return pb;
    }
  }

  @BeforeAll
  static void startGitLab() {
    gitlab = FakeGitLab.start();
  }

  @AfterAll
  static void stopGitLab() {
    gitlab.close();
  }

  @BeforeEach
  void spawnGateway() {
    gitlab.resetRequests();
    List<String> command = StdioGateway.command();
    ServerParameters params = ServerParameters.builder(command.get(0))
        .args(command.subList(1, command.size()))
        .env(StdioGateway.environment(gitlab.url()))
        .build();
    StdioClientTransport transport = new CleanEnvironmentTransport(params, workDir);
    transport.setStdErrorHandler(stderr::add);
    client = McpClient.sync(transport)
        .requestTimeout(WAIT)
        .initializationTimeout(WAIT)
        .clientInfo(McpSchema.Implementation.builder("e2e-stdio", "1.0.0").build())
        .loggingConsumer(logs::add)
        .build();
  }

  @AfterEach
  void stopGateway() {
    client.closeGracefully();
  }

  private String stderrText() {
    return String.join("\n", stderr);
  }

  private static String text(CallToolResult result) {
    assertEquals(1, result.content().size(), "one content item");
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Test
  void should_initialize_and_list_tools_with_protocol_on_stdout_and_logs_on_stderr() {
    McpSchema.InitializeResult init = client.initialize();
    List<McpSchema.Tool> tools = client.listTools().tools();
    client.ping();

    assertEquals("gitlab-mcp-gateway", init.serverInfo().name());
    assertEquals("2025-11-25", init.protocolVersion());
    assertEquals(Boolean.TRUE, init.capabilities().tools().listChanged());
    Set<String> names = tools.stream().map(McpSchema.Tool::name).collect(Collectors.toSet());
    assertTrue(names.containsAll(Set.of("get_project", "list_projects", "list_issues", "get_issue",
        "get_file_contents", "get_current_user")), names.toString());
    // The SDK stops reading at the first non-JSON stdout line, so the answers above prove stdout
    // carried protocol only; the log lines must have gone to stderr instead.
    Poll.until(() -> stderrText().contains("session_created transport=stdio"), WAIT, "session_created on stderr");
    assertTrue(stderr.stream().anyMatch(l -> l.contains("READY stdio")), this::stderrText);
    assertTrue(stderr.stream().anyMatch(l -> l.contains("gitlab=" + gitlab.url())), this::stderrText);
  }

  @Test
  void should_call_get_project_with_the_token_from_the_environment_and_never_log_it() {
    CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("get_project")
        .arguments(Map.of("project_id", FakeGitLab.PROJECT)).build());

    List<LoggedRequest> seen = gitlab.requestsTo(FakeGitLab.PROJECT_API);
    assertEquals(1, seen.size(), "GitLab got one request for the encoded path");
    assertEquals("/api/v4/projects/group%2Fsub%2Fproject", seen.get(0).getUrl());
    assertEquals(TestGateway.GITLAB_TOKEN, seen.get(0).getHeader("PRIVATE-TOKEN"));
    Poll.until(() -> stderrText().contains("tool=get_project"), WAIT, "the tool_call line on stderr");
    assertTrue(stderr.stream().anyMatch(l -> l.contains("READY stdio")), this::stderrText);
    assertFalse(stderrText().contains(TestGateway.GITLAB_TOKEN), "stderr shows the GitLab token");

    assertFalse(Boolean.TRUE.equals(result.isError()), () -> text(result));
    JsonObject project = new JsonObject(Framed.parse(text(result)).content());
    assertEquals(4242, project.getInteger("id"));
    assertEquals(FakeGitLab.PROJECT, project.getString("path_with_namespace"));
    assertFalse(text(result).contains(FakeGitLab.RUNNERS_TOKEN));
  }

  @Test
  void should_send_log_notifications_on_stdout_after_setLevel() {
    client.initialize();
    client.setLoggingLevel(McpSchema.LoggingLevel.INFO);

    CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("get_file_contents")
        .arguments(Map.of("project_id", FakeGitLab.PROJECT, "file_path", "docs/README.md", "ref", "main")).build());

    assertFalse(Boolean.TRUE.equals(result.isError()), () -> text(result));
    assertEquals(FakeGitLab.README, Framed.parse(text(result)).content());
    Poll.until(() -> !logs.isEmpty(), WAIT, "a notifications/message");
    assertEquals("gitlab", logs.get(0).logger());
    assertTrue(logs.get(0).data().startsWith("get_file_contents: GitLab answered 200 in "), logs.get(0).data());
    assertFalse(stderrText().contains(TestGateway.GITLAB_TOKEN), "stderr shows the GitLab token");
  }
}
