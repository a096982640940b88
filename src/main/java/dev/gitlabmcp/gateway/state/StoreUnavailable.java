package dev.gitlabmcp.gateway.state;

/**
 * A store's backend could not be reached or did not answer in time. The request that needed it gets a 503
 * (try again later); the process keeps running and the store recovers by itself when the backend returns.
 * The message is generic; the cause says why, for the log, never for a client (it may name an address).
 */
public final class StoreUnavailable extends RuntimeException {

  public StoreUnavailable(String store, Throwable cause) {
    super(store + " is unavailable", cause, false, false);
  }
}
