-- Core schema: offices, users, POIs, routes and stops, media, producers and offers, history.
-- Multilingual fields are JSON objects {lang: text}; media references are JSON lists or maps of media ids.

CREATE TABLE offices (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE producers (
    rowid          INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    office_id      TEXT REFERENCES offices(id),
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    revision       INTEGER NOT NULL DEFAULT 1,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '{}',
    lat            REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon            REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    address        TEXT,
    commune        TEXT,
    contact        TEXT NOT NULL DEFAULT '{}',
    labels         TEXT NOT NULL DEFAULT '[]',
    opening_hours  TEXT,
    pickup_points  TEXT NOT NULL DEFAULT '[]',
    images         TEXT NOT NULL DEFAULT '[]',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'producer')),
    office_id      TEXT REFERENCES offices(id),
    producer_id    TEXT REFERENCES producers(id),
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    CHECK (role != 'staff' OR office_id IS NOT NULL),
    CHECK (role != 'producer' OR producer_id IS NOT NULL)
);

CREATE TABLE pois (
    rowid          INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    office_id      TEXT REFERENCES offices(id),
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    revision       INTEGER NOT NULL DEFAULT 1,
    category       TEXT NOT NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '{}',
    lat            REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon            REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    address        TEXT,
    commune        TEXT,
    opening_hours  TEXT,
    contact        TEXT NOT NULL DEFAULT '{}',
    accessibility  TEXT NOT NULL DEFAULT '{}',
    images         TEXT NOT NULL DEFAULT '[]',
    audio          TEXT NOT NULL DEFAULT '{}',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT
);
CREATE INDEX pois_status_category ON pois (status, category);

CREATE TABLE routes (
    rowid          INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    office_id      TEXT REFERENCES offices(id),
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    revision       INTEGER NOT NULL DEFAULT 1,
    title          TEXT NOT NULL,
    summary        TEXT NOT NULL DEFAULT '{}',
    description    TEXT NOT NULL DEFAULT '{}',
    theme          TEXT NOT NULL,
    mode           TEXT NOT NULL,
    difficulty     TEXT NOT NULL,
    geometry       TEXT NOT NULL,
    length_m       REAL NOT NULL,
    duration_min   INTEGER NOT NULL,
    min_lon        REAL NOT NULL,
    min_lat        REAL NOT NULL,
    max_lon        REAL NOT NULL,
    max_lat        REAL NOT NULL,
    cover          TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT
);
CREATE INDEX routes_status_theme ON routes (status, theme);

CREATE TABLE stops (
    id                TEXT PRIMARY KEY,
    route_id          TEXT NOT NULL REFERENCES routes(id) ON DELETE CASCADE,
    position          INTEGER NOT NULL CHECK (position >= 1),
    title             TEXT NOT NULL,
    story             TEXT NOT NULL DEFAULT '{}',
    lat               REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon               REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    trigger_radius_m  INTEGER NOT NULL DEFAULT 30 CHECK (trigger_radius_m BETWEEN 5 AND 500),
    audio             TEXT NOT NULL DEFAULT '{}',
    images            TEXT NOT NULL DEFAULT '[]',
    poi_id            TEXT REFERENCES pois(id),
    UNIQUE (route_id, position)
);

CREATE TABLE offers (
    rowid               INTEGER PRIMARY KEY,
    id                  TEXT NOT NULL UNIQUE,
    producer_id         TEXT NOT NULL REFERENCES producers(id),
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    revision            INTEGER NOT NULL DEFAULT 1,
    product             TEXT NOT NULL,
    category            TEXT NOT NULL,
    price_amount_cents  INTEGER CHECK (price_amount_cents IS NULL OR price_amount_cents >= 0),
    price_currency      TEXT,
    price_unit          TEXT,
    availability        TEXT NOT NULL CHECK (availability IN ('available', 'limited', 'sold_out', 'on_request')),
    season_months       TEXT NOT NULL DEFAULT '[]',
    valid_until         TEXT NOT NULL,
    images              TEXT NOT NULL DEFAULT '[]',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT
);
CREATE INDEX offers_producer ON offers (producer_id, status);

CREATE TABLE media (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('image', 'audio')),
    source_sha256  TEXT NOT NULL UNIQUE,
    source_type    TEXT NOT NULL,
    source_size    INTEGER NOT NULL,
    width          INTEGER,
    height         INTEGER,
    duration_s     REAL,
    placeholder    TEXT,
    probe          TEXT NOT NULL DEFAULT '{}',
    credit         TEXT,
    licence        TEXT,
    alt            TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT
);

CREATE TABLE media_variants (
    media_id    TEXT NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    profile     TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    type        TEXT NOT NULL,
    width       INTEGER,
    height      INTEGER,
    duration_s  REAL,
    PRIMARY KEY (media_id, name)
);
CREATE INDEX media_variants_sha256 ON media_variants (sha256);

CREATE TABLE history (
    id           INTEGER PRIMARY KEY,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    action       TEXT NOT NULL,
    user_id      TEXT,
    at           TEXT NOT NULL,
    before       TEXT NOT NULL DEFAULT '{}',
    after        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX history_entity ON history (entity_type, entity_id, id);

-- Spatial indexes (R*Tree) and text indexes (FTS5, diacritics folded), kept in step by triggers
-- so that every write path, present and future, updates them in the same transaction.
CREATE VIRTUAL TABLE pois_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
CREATE VIRTUAL TABLE routes_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
CREATE VIRTUAL TABLE producers_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
CREATE VIRTUAL TABLE pois_fts USING fts5(name, description, place, tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER pois_ai AFTER INSERT ON pois BEGIN
    INSERT INTO pois_rtree VALUES (new.rowid, new.lon, new.lon, new.lat, new.lat);
    INSERT INTO pois_fts (rowid, name, description, place) VALUES (
        new.rowid,
        (SELECT group_concat(value, ' ') FROM json_each(new.name)),
        (SELECT group_concat(value, ' ') FROM json_each(new.description)),
        coalesce(new.commune, '') || ' ' || coalesce(new.address, ''));
END;
CREATE TRIGGER pois_au AFTER UPDATE ON pois BEGIN
    UPDATE pois_rtree SET min_lon = new.lon, max_lon = new.lon, min_lat = new.lat, max_lat = new.lat
        WHERE id = new.rowid;
    DELETE FROM pois_fts WHERE rowid = old.rowid;
    INSERT INTO pois_fts (rowid, name, description, place) VALUES (
        new.rowid,
        (SELECT group_concat(value, ' ') FROM json_each(new.name)),
        (SELECT group_concat(value, ' ') FROM json_each(new.description)),
        coalesce(new.commune, '') || ' ' || coalesce(new.address, ''));
END;
CREATE TRIGGER pois_ad AFTER DELETE ON pois BEGIN
    DELETE FROM pois_rtree WHERE id = old.rowid;
    DELETE FROM pois_fts WHERE rowid = old.rowid;
END;

CREATE TRIGGER routes_ai AFTER INSERT ON routes BEGIN
    INSERT INTO routes_rtree VALUES (new.rowid, new.min_lon, new.max_lon, new.min_lat, new.max_lat);
END;
CREATE TRIGGER routes_au AFTER UPDATE ON routes BEGIN
    UPDATE routes_rtree SET min_lon = new.min_lon, max_lon = new.max_lon,
        min_lat = new.min_lat, max_lat = new.max_lat WHERE id = new.rowid;
END;
CREATE TRIGGER routes_ad AFTER DELETE ON routes BEGIN
    DELETE FROM routes_rtree WHERE id = old.rowid;
END;

CREATE TRIGGER producers_ai AFTER INSERT ON producers BEGIN
    INSERT INTO producers_rtree VALUES (new.rowid, new.lon, new.lon, new.lat, new.lat);
END;
CREATE TRIGGER producers_au AFTER UPDATE ON producers BEGIN
    UPDATE producers_rtree SET min_lon = new.lon, max_lon = new.lon, min_lat = new.lat, max_lat = new.lat
        WHERE id = new.rowid;
END;
CREATE TRIGGER producers_ad AFTER DELETE ON producers BEGIN
    DELETE FROM producers_rtree WHERE id = old.rowid;
END;
