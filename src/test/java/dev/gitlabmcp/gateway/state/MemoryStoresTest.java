package dev.gitlabmcp.gateway.state;

import java.util.function.LongSupplier;
import org.junit.jupiter.api.Nested;

/** The memory stores pass the contracts every store passes. */
class MemoryStoresTest {

  @Nested
  class Transient extends TransientStoreContract {
    @Override
    protected TransientStore newStore(LongSupplier clock) {
      return new MemoryTransientStore(clock);
    }
  }

  @Nested
  class Grants extends GrantStoreContract {
    @Override
    protected GrantStore newStore(LongSupplier clock) {
      return new MemoryGrantStore(clock);
    }
  }

  @Nested
  class Clients extends ClientStoreContract {
    @Override
    protected ClientStore newClientStore() {
      return new MemoryClientStore();
    }

    @Override
    protected ConsentStore newConsentStore() {
      return new MemoryConsentStore();
    }
  }
}
