# syntax=docker/dockerfile:1
# gitlab-mcp-gateway: build the fat jar, run it on a JRE as a non-root user.
#   docker build -t gitlab-mcp-gateway .
#   docker run --rm -p 127.0.0.1:3002:3002 gitlab-mcp-gateway

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src ./src
# The cache mount keeps ~/.m2 between builds (BuildKit); tests run in CI, not here.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# A fixed numeric id, so Kubernetes' runAsNonRoot can verify it (docs/kubernetes/deployment.yaml).
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid gateway --home-dir /app --no-create-home --shell /usr/sbin/nologin gateway
WORKDIR /app
COPY --from=build /src/target/gitlab-mcp-gateway.jar /app/gitlab-mcp-gateway.jar
# The defaults, read from the working directory; mount your own file over it to change them.
COPY conf/gateway.yaml /app/conf/gateway.yaml
# AppCDS: a training run records every class a start loads (JVM, Vert.x, Netty, the catalog); later
# starts map the archive instead of loading and verifying those classes, which saves about a second
# to the first /health 200 (docs/performance.md). A JVM that cannot use the archive ignores it.
# (bash, not sh: the readiness poll uses bash's /dev/tcp; the image has no curl.)
SHELL ["/bin/bash", "-c"]
RUN java -XX:ArchiveClassesAtExit=/app/gateway.jsa -jar /app/gitlab-mcp-gateway.jar serve --port 3999 \
      --gitlab-url http://127.0.0.1:9 >/dev/null 2>&1 & pid=$!; \
    for i in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/3999) 2>/dev/null && break; sleep 0.2; done; \
    kill $pid; wait $pid || true; test -s /app/gateway.jsa
USER 10001:10001

# 0.0.0.0 so the published port is reachable. Not loopback: a server-side GitLab token then needs
# MCP_AUTH_TOKEN, and clients that use a name other than localhost need MCP_ALLOWED_HOSTS or MCP_SERVER_URL.
ENV HOST=0.0.0.0 PORT=3002
# MaxRAMPercentage=75: size the heap from the container's memory limit, leaving room for
# metaspace, thread stacks and Netty's direct buffers. SerialGC: the gateway is I/O-bound with a
# small heap, and on the 1-2 CPUs containers usually get Serial has the least memory and CPU
# overhead. For many cores and a large heap, set JAVA_OPTS with -XX:+UseG1GC instead.
# ExitOnOutOfMemoryError: let the orchestrator restart a broken JVM rather than limp on.
# SharedArchiveFile: the AppCDS archive made above.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=/app/gateway.jsa"
EXPOSE 3002

# The image has neither curl nor wget: ask /health with bash's /dev/tcp (200 healthy, 503 at capacity).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-3002} && printf 'GET /health HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# exec: java becomes PID 1 and gets SIGTERM directly, so the shutdown hook closes sessions cleanly.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/gitlab-mcp-gateway.jar \"$@\"", "gitlab-mcp-gateway"]
CMD ["serve"]
