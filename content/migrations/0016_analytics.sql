-- Anonymous usage figures (issue 11): daily counters only, never an event, an address or a header.
-- Each counter exists twice: per day (span 'day') and per month (span 'month', ``day`` = the month's
-- first day), both updated by the same write. Past the retention horizon the day rows are deleted, which
-- leaves the month rows: the roll-up. Every dimension is '' when it does not apply, so that the primary key
-- (NULLs are distinct in SQLite) really makes one row per figure.
CREATE TABLE analytics_counters (
    span         TEXT NOT NULL CHECK (span IN ('day', 'month')),
    day          TEXT NOT NULL,            -- YYYY-MM-DD
    type         TEXT NOT NULL,            -- route_started, stop_reached, pack_downloaded, ...
    kind         TEXT NOT NULL CHECK (kind IN ('route', 'poi', 'producer', 'pack')),
    object_id    TEXT NOT NULL,            -- the route, POI, producer or pack counted
    stop_id      TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '', -- trigger, completion, stars, pack version, or "from-to"
    lang         TEXT NOT NULL DEFAULT '',
    platform     TEXT NOT NULL DEFAULT '',
    app_version  TEXT NOT NULL DEFAULT '',
    count        INTEGER NOT NULL CHECK (count >= 0),
    value_sum    INTEGER NOT NULL DEFAULT 0, -- seconds listened, for narration_played
    PRIMARY KEY (span, day, type, object_id, stop_id, detail, lang, platform, app_version)
) WITHOUT ROWID;

CREATE INDEX analytics_counters_by_object ON analytics_counters (kind, object_id, span, day);
