package dev.gitlabmcp.gateway.state;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** What every {@link ClientStore} and {@link ConsentStore} must do. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
public abstract class ClientStoreContract {

  protected ClientStore clients;
  protected ConsentStore consents;

  protected abstract ClientStore newClientStore();

  protected abstract ConsentStore newConsentStore();

  @BeforeEach
  void setUp() {
    clients = newClientStore();
    consents = newConsentStore();
  }

  @Test
  void should_read_back_a_registered_client_and_count_it() {
    long before = await(clients.count());
    ClientRecord c = new ClientRecord("dcr-" + System.nanoTime(), "Claude Code (ünïcode)",
        List.of("http://127.0.0.1:33418/callback", "https://claude.ai/api/mcp/auth_callback"), "none", "", "native",
        1_700_000_000_000L);
    await(clients.put(c));
    assertEquals(c, await(clients.get(c.clientId())));
    assertEquals(before + 1, await(clients.count()));
    assertTrue(await(clients.remove(c.clientId())));
    assertNull(await(clients.get(c.clientId())));
    assertFalse(await(clients.remove(c.clientId())));
  }

  @Test
  void should_remember_one_consent_per_subject_and_client() {
    String subject = "gitlab:" + System.nanoTime();
    ConsentRecord first = new ConsentRecord(subject, "client-a", "https://a.example/cb", List.of("api"),
        List.of("gitlab"), 1L);
    ConsentRecord second = new ConsentRecord(subject, "client-a", "https://a.example/cb", List.of("read_api"),
        List.of("gitlab", "ops"), 2L);
    await(consents.put(first));
    await(consents.put(second));
    assertEquals(second, await(consents.get(subject, "client-a")));
    assertNull(await(consents.get(subject, "client-b")));
    assertTrue(await(consents.remove(subject, "client-a")));
    assertNull(await(consents.get(subject, "client-a")));
  }
}
