-- Offline packs: the areas an operator defines, the packs served, every version kept for deltas,
-- and the cache of delta ZIPs (blobs, like packs).

-- An area is a box: ``geometry`` may hold a GeoJSON polygon for display, the box decides membership.
CREATE TABLE areas (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,            -- {lang: text}
    min_lon     REAL NOT NULL,
    min_lat     REAL NOT NULL,
    max_lon     REAL NOT NULL,
    max_lat     REAL NOT NULL,
    geometry    TEXT,
    created_at  TEXT NOT NULL,
    CHECK (min_lon <= max_lon AND min_lat <= max_lat)
);

-- The version currently served of each pack. ``stale`` is set when content it holds changed.
CREATE TABLE packs (
    id          TEXT PRIMARY KEY,         -- route:{route_id} | area:{area_id}
    kind        TEXT NOT NULL CHECK (kind IN ('route', 'area')),
    title       TEXT NOT NULL,            -- {lang: text}
    version     INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    built_at    TEXT NOT NULL,
    languages   TEXT NOT NULL,            -- JSON list
    min_lon     REAL NOT NULL,
    min_lat     REAL NOT NULL,
    max_lon     REAL NOT NULL,
    max_lat     REAL NOT NULL,
    stale       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE pack_versions (
    pack_id     TEXT NOT NULL,
    version     INTEGER NOT NULL,
    manifest    BLOB NOT NULL,            -- the exact manifest.json bytes
    signature   BLOB NOT NULL,            -- the exact manifest.sig bytes
    sha256      TEXT NOT NULL,            -- of the ZIP (a blob)
    size        INTEGER NOT NULL,
    built_at    TEXT NOT NULL,
    PRIMARY KEY (pack_id, version)
);

CREATE TABLE pack_deltas (
    pack_id       TEXT NOT NULL,
    from_version  INTEGER NOT NULL,
    to_version    INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    PRIMARY KEY (pack_id, from_version, to_version)
);
