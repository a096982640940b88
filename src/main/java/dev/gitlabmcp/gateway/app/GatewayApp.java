package dev.gitlabmcp.gateway.app;

import dev.gitlabmcp.gateway.core.LocalCodec;
import dev.gitlabmcp.gateway.auth.ActingClient;
import dev.gitlabmcp.gateway.auth.Authenticators;
import dev.gitlabmcp.gateway.auth.CredentialSource;
import dev.gitlabmcp.gateway.auth.IdentityVerifier;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.config.ConfigException;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.gitlab.GitLabCall;
import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.gitlab.InstanceIntrospector;
import dev.gitlabmcp.gateway.gitlab.InstanceRegistryVerticle;
import dev.gitlabmcp.gateway.gitlab.InstancesWatcherVerticle;
import dev.gitlabmcp.gateway.gitlab.RegistryClient;
import dev.gitlabmcp.gateway.limit.ClientAddress;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.InstancesLoader;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.gitlab.InstanceSet;
import dev.gitlabmcp.gateway.mcp.Drain;
import dev.gitlabmcp.gateway.mcp.InFlightCalls;
import dev.gitlabmcp.gateway.mcp.McpHttpVerticle;
import dev.gitlabmcp.gateway.mcp.McpRuntime;
import dev.gitlabmcp.gateway.mcp.McpServer;
import dev.gitlabmcp.gateway.mcp.MemorySessionStore;
import dev.gitlabmcp.gateway.mcp.SessionEvent;
import dev.gitlabmcp.gateway.mcp.SessionEvents;
import dev.gitlabmcp.gateway.mcp.SessionStore;
import dev.gitlabmcp.gateway.ops.ReadinessCheck;
import dev.gitlabmcp.gateway.mcp.SessionSweeper;
import dev.gitlabmcp.gateway.mcp.StdioVerticle;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import dev.gitlabmcp.gateway.tier.TierAnswer;
import dev.gitlabmcp.gateway.tier.TierDetectorVerticle;
import dev.gitlabmcp.gateway.tier.TierQuery;
import dev.gitlabmcp.gateway.tools.ResponseShaper;
import dev.gitlabmcp.gateway.tools.ToolCatalog;
import dev.gitlabmcp.gateway.tools.ToolAvailability;
import dev.gitlabmcp.gateway.tools.ProjectDefault;
import dev.gitlabmcp.gateway.tools.ToolExecutor;
import dev.gitlabmcp.gateway.tools.ToolPolicy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds Vert.x, deploys the verticles in order, and logs one READY line. */
public final class GatewayApp {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

  /** A started gateway. */
  public record Running(Vertx vertx, GatewayConfig config, int port, SessionStore sessions, Future<Void> stdioEof,
                        GatewayMetrics metrics, Drain drain) {

    /** Drains (new requests refused, running calls finish within MCP_DRAIN_SECONDS, streams closed), then stops. */
    public Future<Void> close() {
      return drain.drain(config.drainSeconds() * 1000L).transform(ar -> vertx.close())
          .onComplete(v -> metrics.close());
    }
  }

  /** The stores' readiness checks, and "not ready" once the process is stopping. */
  private static List<ReadinessCheck> readiness(SharedState shared, Drain drain) {
    List<ReadinessCheck> checks = new java.util.ArrayList<>(shared.readiness());
    checks.add(new ReadinessCheck("shutdown", () -> drain.draining()
        ? Future.failedFuture(new IllegalStateException("draining")) : Future.succeededFuture()));
    return checks;
  }

  private GatewayApp() {
  }

  /** default=https://gitlab.com, or corp=https://git.corp (default), gitlab-com=https://gitlab.com. */
  private static String instancesSummary(InstanceDirectory directory) {
    if (directory.all().size() == 1) {
      return directory.defaultInstance().baseUrl().toString();
    }
    return String.join(",", directory.all().stream().map(c -> c.name() + "=" + c.baseUrl()
        + (c.isDefault() ? "(default)" : "")).toList());
  }

  /** The tool policy the configuration asks for. */
  public static ToolPolicy policy(GatewayConfig cfg) {
    return new ToolPolicy(ToolPolicy.Mode.parse(cfg.permissionMode()), cfg.tools().deniedPattern(),
        cfg.tools().toolsets(), cfg.tools().tools(), cfg.tools().allowedProjects());
  }

  public static Future<Running> startHttp(GatewayConfig cfg) {
    return start(cfg, GatewayConfig.Mode.HTTP, null, null);
  }

  public static Future<Running> startStdio(GatewayConfig cfg, InputStream in, OutputStream out) {
    return start(cfg, GatewayConfig.Mode.STDIO, in, out);
  }

  private static Future<Running> start(GatewayConfig cfg, GatewayConfig.Mode mode, InputStream in, OutputStream out) {
    long t0 = System.nanoTime();
    GatewayMetrics metrics = GatewayMetrics.create(); // before Vert.x: its HTTP metrics land in the same registry
    Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
    LocalCodec.register(vertx, GitLabCall.class);
    LocalCodec.register(vertx, GitLabReply.class);
    LocalCodec.register(vertx, InstanceSet.class);
    LocalCodec.register(vertx, TierQuery.class);
    LocalCodec.register(vertx, TierAnswer.class);
    LocalCodec.register(vertx, SessionEvent.class);
    ToolCatalog catalog;
    long tCatalog = System.nanoTime();
    try {
      catalog = ToolCatalog.load(vertx); // blocking classpath reads, before any verticle runs
      LOG.debug("catalog_loaded tools={} ms={}", catalog.all().size(), (System.nanoTime() - tCatalog) / 1_000_000);
    } catch (RuntimeException e) {
      vertx.close().onComplete(v -> metrics.close());
      return Future.failedFuture(e);
    }
    List<String> unknown = ToolPolicy.unknownNames(catalog, cfg.tools().toolsets(), cfg.tools().tools());
    if (!unknown.isEmpty()) {
      vertx.close().onComplete(v -> metrics.close());
      return Future.failedFuture(new ConfigException(unknown));
    }
    long callTimeout = (long) cfg.gitlab().requestTimeoutMs() + 5_000L;
    InstanceDirectory directory = new InstanceDirectory(cfg.instances().list());
    RegistryClient registryClient = new RegistryClient(vertx, callTimeout);
    InFlightCalls inFlight = new InFlightCalls(registryClient);
    Drain drain = new Drain(vertx, inFlight);
    SharedState shared = SharedState.create(vertx, cfg, inFlight);
    SignInWiring signIn = SignInWiring.create(vertx, cfg, directory, shared, shared.limiter());
    ActingClient gitlab = new ActingClient(new CredentialSource(directory, signIn.credentials()), registryClient);
    ToolExecutor executor = new ToolExecutor(vertx, catalog, new ToolAvailability(policy(cfg), directory),
        new ResponseShaper(cfg.maxOutputChars()), gitlab, ProjectDefault.of(cfg.tools()));
    SessionEvents events = shared.events();
    McpServer server = new McpServer(executor, directory, cfg.remoteAuthorization() || cfg.oauth().enabled(), inFlight,
        events, metrics, cfg.tools().compact());
    metrics.bindTools(catalog.all().stream().map(t -> t.name()).toList());
    SessionStore sessions = shared.sessions();
    IdentityVerifier verifier = cfg.remoteAuthorization()
        ? new IdentityVerifier(vertx, directory.defaultInstance().name(), cfg.tokenCacheSeconds(), callTimeout) : null;
    RateLimiter sessionLimiter = shared.limiter();
    RateLimiter addressBudget = shared.limiter();
    InstanceIntrospector introspector = new InstanceIntrospector(vertx, directory, InstanceIntrospector.DEFAULT_TTL);
    // The first verified caller of an instance without a server token lets the gateway learn its edition.
    Authenticators auth = new Authenticators(cfg, directory, verifier, addressBudget, metrics, (instance, caller) -> {
      if (cfg.backgroundChecks()) {
        introspector.learnWith(instance, caller.credential());
      }
    });
    auth.sharing(shared.identities());
    signIn.apply(auth);
    McpRuntime rt = new McpRuntime(cfg, sessions, events, server, directory, auth, auth.create(), sessionLimiter,
        new ClientAddress(cfg.effectiveProxyHops()), metrics, System.currentTimeMillis(), readiness(shared, drain),
        drain, signIn.routes());
    SessionSweeper sweeper = new SessionSweeper(vertx, sessions, events, cfg.sessionTimeoutSeconds(),
        List.of(sessionLimiter, addressBudget), verifier == null ? List.of() : List.of(verifier::evictExpired), metrics);
    metrics.bindSessions(sessions instanceof MemorySessionStore m ? m::size : sweeper::active,
        sessions instanceof MemorySessionStore m ? m::owned : () -> -1);
    cfg.warnings().forEach(w -> LOG.warn("config_warning {}", w));
    if (cfg.remoteAuthorization()) {
      LOG.info("remote authorization: every request must carry the caller's GitLab token");
    } else if (cfg.oauth().enabled()) {
      LOG.info("sign in with GitLab: OAuth issuer {}", cfg.oauth().issuer());
    } else {
      for (GitLabConfig c : directory.all()) {
        if (!c.token().isSet()) {
          LOG.warn("gitlab_instance_anonymous instance={} no GitLab token configured ({}): tools act anonymously and "
              + "see public data only", c.name(), c.isDefault() ? "GITLAB_PERSONAL_ACCESS_TOKEN"
              : "GITLAB_PERSONAL_ACCESS_TOKEN_" + InstancesLoader.envSuffix(c.name()));
        }
      }
    }
    Principal principal = auth.serverPrincipal(directory.defaultInstance().name());

    Future<String> registry = shared.start().compose(v -> vertx.deployVerticle(new InstanceRegistryVerticle(directory, metrics,
            cfg.backgroundChecks() ? InstanceRegistryVerticle.DEFAULT_PROBE_INTERVAL : java.time.Duration.ZERO)))
        .onSuccess(id -> {
          if (cfg.backgroundChecks()) {
            introspector.start(); // learns version and edition once the registry can answer
          }
        })
        .compose(id -> vertx.deployVerticle(new TierDetectorVerticle(metrics.registry(),
            java.time.Duration.ofSeconds(cfg.tierCacheSeconds()), java.time.Duration.ofMillis(cfg.tierTimeoutMs()))))
        .compose(id -> cfg.instances().file() != null && cfg.instances().reloadSeconds() > 0
            ? vertx.deployVerticle(new InstancesWatcherVerticle(cfg.instances(), directory, metrics)) : Future.succeededFuture(id));
    Future<Running> started;
    if (mode == GatewayConfig.Mode.HTTP) {
      AtomicInteger port = new AtomicInteger();
      started = registry
          .compose(id -> vertx.deployVerticle(() -> new McpHttpVerticle(rt, port::set),
              new DeploymentOptions().setInstances(cfg.effectiveHttpVerticles())))
          .map(id -> {
            sweeper.start();
            LOG.info("READY http://{}:{}/mcp in {} ms (tools={}, gitlab={}, auth={}, verticles={})", cfg.host(),
                port.get(), (System.nanoTime() - t0) / 1_000_000, catalog.all().size(), instancesSummary(directory),
                cfg.remoteAuthorization() ? "remote" : cfg.oauth().enabled() ? "oauth" : principal.subject(),
                cfg.effectiveHttpVerticles());
            return new Running(vertx, cfg, port.get(), sessions, null, metrics, drain);
          });
    } else {
      Promise<Void> eof = Promise.promise();
      started = registry
          .compose(id -> vertx.deployVerticle(new StdioVerticle(rt, in, out, eof)))
          .map(id -> {
            LOG.info("READY stdio in {} ms (tools={}, gitlab={}, auth={})", (System.nanoTime() - t0) / 1_000_000,
                catalog.all().size(), instancesSummary(directory), principal.subject());
            return new Running(vertx, cfg, 0, sessions, eof.future(), metrics, drain);
          });
    }
    // Report the failure first, then release the event loops (closing inside the chain would
    // complete listeners on a terminated loop).
    return started.onFailure(err -> vertx.close().onComplete(v -> metrics.close()));
  }

}
