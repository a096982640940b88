package dev.gitlabmcp.gateway.testing;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WireMock extension that holds back the answers naming it ({@code aResponse().withTransformers(NAME)})
 * until the test releases them: "GitLab is slow" without a delay that a busy machine could outrun.
 * A held answer goes out at the latest after a minute, so a failed test never wedges the server.
 */
public final class HeldResponses implements ResponseDefinitionTransformerV2 {

  public static final String NAME = "held-responses";

  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicInteger arrived = new AtomicInteger();

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    arrived.incrementAndGet();
    try {
      released.await(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return event.getResponseDefinition();
  }

  /** How many held requests have reached the server so far. */
  public int arrived() {
    return arrived.get();
  }

  /** Lets every held answer (and every later one) go out. */
  public void release() {
    released.countDown();
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public String getName() {
    return NAME;
  }
}
