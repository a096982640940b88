/**
 * Sign in with GitLab: the gateway as the OAuth authorization server of its MCP clients (discovery,
 * client registration, consent, GitLab sign-in, tokens, revocation) and the resource-server side (gateway
 * tokens verified on every MCP request, GitLab tokens resolved and refreshed just before each call).
 * See docs/oauth.md.
 */
package dev.gitlabmcp.gateway.oauth;
