/**
 * Stores for the state OAuth sign-in keeps, one SPI per kind of data (docs/architecture.md, "State"):
 * {@link dev.gitlabmcp.gateway.state.TransientStore} for minutes-long, single-use data (authorization
 * transactions, codes, refresh locks, fetched client metadata), and the durable kinds
 * {@link dev.gitlabmcp.gateway.state.ClientStore}, {@link dev.gitlabmcp.gateway.state.GrantStore} and
 * {@link dev.gitlabmcp.gateway.state.ConsentStore}. Each has a memory implementation here (the default,
 * no setup); Redis and PostgreSQL implementations live in their own packages and pass the same contract
 * tests. No store ever sees a secret in clear: GitLab tokens arrive sealed, gateway-issued tokens and
 * codes as keyed hashes.
 */
package dev.gitlabmcp.gateway.state;
