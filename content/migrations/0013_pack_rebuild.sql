-- Pack rebuilding that survives restarts and runs in one process among several workers.

-- Packs due for a rebuild, whatever marked them (an edit's event in any worker, or the history rows the
-- rebuilder reads): kept until the pack is rebuilt, so a restart or a crash loses no mark. Times are Unix
-- seconds; ``mark`` grows with every mark, so a build clears only the marks it has seen.
CREATE TABLE pack_due (
    pack_id       TEXT PRIMARY KEY,
    first_marked  REAL NOT NULL,
    last_marked   REAL NOT NULL,
    mark          INTEGER NOT NULL DEFAULT 1
);

-- The last history row whose packs have been marked due. Every edit writes its history row in its own
-- transaction, so what an edit touched can always be derived again from the rows after this one.
CREATE TABLE pack_rebuild_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    history_id  INTEGER NOT NULL
);
INSERT INTO pack_rebuild_state (id, history_id) SELECT 1, coalesce(max(id), 0) FROM history;

-- Leases: one holder at a time for a named job (the pack rebuilder), renewed while it lives; another
-- process takes it over once ``expires_at`` (Unix seconds) has passed.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  REAL NOT NULL
);
