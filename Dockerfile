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

# The jar targets Java 17 (java -jar works on 17 and later); the image runs Java 25 for its AOT cache (below).
FROM eclipse-temurin:25-jre
# A fixed numeric id, so Kubernetes' runAsNonRoot can verify it (docs/kubernetes/deployment.yaml).
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid gateway --home-dir /app --no-create-home --shell /usr/sbin/nologin gateway
WORKDIR /app
COPY --from=build /src/target/gitlab-mcp-gateway.jar /app/gitlab-mcp-gateway.jar
# The defaults, read from the working directory; mount your own file over it to change them.
COPY conf/gateway.yaml /app/conf/gateway.yaml
# AOT cache (JEP 483/514, Java 25): a training run with the image's flags drives the request path (initialize,
# tools/list, a tools/call) and records the classes it loaded and linked, plus method profiles; later starts map
# them instead of loading, verifying and linking again, which roughly halves the time to the first /health 200
# (docs/performance.md). A JVM that cannot use the cache says so once and starts without it.
COPY docker/train-cache.sh /app/train-cache.sh
RUN /app/train-cache.sh java /app/gitlab-mcp-gateway.jar /app/gateway.aot \
      -XX:MaxRAMPercentage=75 -Xmn32m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
 && rm /app/train-cache.sh
USER 10001:10001

# 0.0.0.0 so the published port is reachable. Not loopback: a server-side GitLab token then needs
# MCP_AUTH_TOKEN, and clients that use a name other than localhost need MCP_ALLOWED_HOSTS or MCP_SERVER_URL.
ENV HOST=0.0.0.0 PORT=3002
# MaxRAMPercentage=75: size the heap from the container's memory limit, leaving room for
# metaspace, thread stacks and Netty's direct buffers. SerialGC: the gateway is I/O-bound with a
# small heap, and on the 1-2 CPUs containers usually get Serial has the least memory and CPU
# overhead. For many cores and a large heap, set JAVA_OPTS with -XX:+UseG1GC instead.
# Xmn32m: a young generation of 32 MB. Serial sizes it from the initial heap (1/64 of the memory), a few
# MB, and with the gateway's small live set the heap does not grow from there: a collection every couple of
# hundred calls, each copying the requests in flight. 32 MB: about 20 MB more RSS, 15 % less CPU per tool call
# (docs/performance.md).
# ExitOnOutOfMemoryError: let the orchestrator restart a broken JVM rather than limp on.
# AOTCache: the cache made above.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -Xmn32m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:AOTCache=/app/gateway.aot"
EXPOSE 3002

# The image has neither curl nor wget: ask /health with bash's /dev/tcp (200 healthy, 503 at capacity).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-3002} && printf 'GET /health HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# exec: java becomes PID 1 and gets SIGTERM directly, so the shutdown hook closes sessions cleanly.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/gitlab-mcp-gateway.jar \"$@\"", "gitlab-mcp-gateway"]
CMD ["serve"]
