-- Login throttling by (account, address) instead of by account alone (issue 14, bug 5): five wrong
-- passwords from one address no longer lock the account for everyone. Attempts and locks are
-- short-lived state (15 minutes), so the tables are simply made again with the new scopes.
DROP TABLE login_attempts;
DROP TABLE login_locks;

CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY,
    scope     TEXT NOT NULL CHECK (scope IN ('address', 'pair', 'account')),
    key_hash  TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (scope, key_hash, at);
CREATE INDEX login_attempts_at ON login_attempts (at);

CREATE TABLE login_locks (
    scope     TEXT NOT NULL CHECK (scope IN ('address', 'pair')),
    key_hash  TEXT NOT NULL,
    until     TEXT NOT NULL,
    PRIMARY KEY (scope, key_hash)
);

-- (account, address) pairs that signed in successfully: the account-wide slow-down spares them.
CREATE TABLE login_known_pairs (
    key_hash  TEXT PRIMARY KEY,
    at        TEXT NOT NULL
);
CREATE INDEX login_known_pairs_at ON login_known_pairs (at);
