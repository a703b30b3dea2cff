-- Accounts: bearer tokens (only their SHA-256 is stored), login throttling that survives restarts,
-- and revisions on users and offices so that edits to them use If-Match like every other editor resource.

ALTER TABLE users ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN updated_at TEXT;
ALTER TABLE users ADD COLUMN updated_by TEXT;
UPDATE users SET updated_at = created_at WHERE updated_at IS NULL;

ALTER TABLE offices ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

CREATE TABLE auth_tokens (
    token_sha256  TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    revoked_at    TEXT
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);
CREATE INDEX auth_tokens_expiry ON auth_tokens (expires_at);

-- One row per login attempt still inside the throttling window. Keys are SHA-256 digests of the
-- client address or of the normalised email, so the table holds no addresses or emails in clear.
CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY,
    scope     TEXT NOT NULL CHECK (scope IN ('address', 'account')),
    key_hash  TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (scope, key_hash, at);
CREATE INDEX login_attempts_at ON login_attempts (at);

CREATE TABLE login_locks (
    scope     TEXT NOT NULL CHECK (scope IN ('address', 'account')),
    key_hash  TEXT NOT NULL,
    until     TEXT NOT NULL,
    PRIMARY KEY (scope, key_hash)
);
