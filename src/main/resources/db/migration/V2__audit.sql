-- The audit log of tool calls (docs/audit.md): one row per tools/call, written in batches off the request
-- path. Never an argument value beyond project_id. Rows older than AUDIT_RETENTION_DAYS are purged daily.
CREATE TABLE audit_log (
  id            BIGSERIAL PRIMARY KEY,
  at            TIMESTAMPTZ NOT NULL,      -- when the call started
  subject       TEXT NOT NULL,             -- 'user:<gitlab user id>', 'server-token', 'anonymous', ...
  username      TEXT NOT NULL,             -- GitLab username when known, else ''
  instance      TEXT NOT NULL,             -- the GitLab instance the call went to
  client_id     TEXT NOT NULL,             -- the OAuth client, else ''
  tool          TEXT NOT NULL,
  project       TEXT NOT NULL,             -- the project_id argument as given, else ''
  outcome       TEXT NOT NULL,             -- ok | error | refused
  reason        TEXT NOT NULL,             -- which check refused, or why GitLab gave no answer; else ''
  gitlab_status INTEGER NOT NULL,          -- 0 when GitLab was not asked or did not answer
  duration_ms   BIGINT NOT NULL,
  request_id    TEXT NOT NULL,             -- the JSON-RPC id
  session       TEXT NOT NULL              -- first characters of the MCP session id, '-' without one
);
-- The audit command filters by time, and by user, tool or instance within a time range; the purge by time.
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_username_at ON audit_log (username, at);
CREATE INDEX audit_log_subject_at ON audit_log (subject, at);
CREATE INDEX audit_log_tool_at ON audit_log (tool, at);
CREATE INDEX audit_log_instance_at ON audit_log (instance, at);
