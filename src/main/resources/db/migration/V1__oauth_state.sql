-- OAuth state that must survive restarts. No column holds a secret in clear: GitLab tokens only sealed
-- (AES-256-GCM under a key-ring key, sealed_tokens + key_id), gateway-issued secrets only as keyed hashes.

-- Clients registered by RFC 7591 dynamic registration.
CREATE TABLE oauth_clients (
  client_id                  TEXT PRIMARY KEY,
  client_name                TEXT NOT NULL,
  redirect_uris              TEXT[] NOT NULL,
  token_endpoint_auth_method TEXT NOT NULL,
  secret_hash                TEXT NOT NULL,          -- keyed hash of the client secret; '' for a public client
  application_type           TEXT NOT NULL,
  created_at                 TIMESTAMPTZ NOT NULL
);

-- One user's authorization of one client, with the GitLab tokens of every instance it connects.
CREATE TABLE oauth_grants (
  id                   TEXT PRIMARY KEY,
  subject              TEXT NOT NULL,                -- '<instance>:<gitlab user id>'
  username             TEXT NOT NULL,
  client_id            TEXT NOT NULL,
  scopes               TEXT[] NOT NULL,
  resource             TEXT NOT NULL,
  instances            TEXT[] NOT NULL,
  key_id               TEXT NOT NULL,                -- the key-ring key sealed_tokens is sealed under
  sealed_tokens        TEXT NOT NULL,                -- GitLab access and refresh tokens, sealed
  refresh_hash         TEXT NOT NULL,                -- keyed hash of the current gateway refresh token
  spent_refresh_hashes TEXT[] NOT NULL,              -- keyed hashes of rotated-out refresh tokens (reuse revokes)
  version              BIGINT NOT NULL,              -- compare-and-set counter
  created_at           TIMESTAMPTZ NOT NULL,
  expires_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_grants_expires_at ON oauth_grants (expires_at);
CREATE INDEX oauth_grants_subject ON oauth_grants (subject);

-- Remembered consents: the next authorization of the same client, redirect URI and scopes skips the page.
CREATE TABLE oauth_consents (
  subject      TEXT NOT NULL,
  client_id    TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scopes       TEXT[] NOT NULL,
  instances    TEXT[] NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (subject, client_id)
);
