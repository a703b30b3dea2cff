-- Public read API: per-database secrets (cursor HMAC), route languages, and keyset-friendly indexes.

-- Secrets generated inside the database so every process serving it agrees without configuration.
CREATE TABLE secrets (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
);
INSERT INTO secrets (name, value) VALUES ('cursor_hmac', randomblob(32));

-- Languages in which a route is complete (title and every stop), as a sorted JSON list; kept by
-- the route write functions, because deciding it needs the stops.
ALTER TABLE routes ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';

-- Public lists page by id (keyset), optionally within a category or theme.
CREATE INDEX pois_status_id ON pois (status, id);
CREATE INDEX pois_status_category_id ON pois (status, category, id);
CREATE INDEX routes_status_id ON routes (status, id);
CREATE INDEX stops_poi ON stops (poi_id);

-- Published POIs only, at exact micro-degrees (coordinates are stored rounded to 1e-6°): "near me"
-- filters, measures and sorts candidates from this index alone, and reads the pois table only for the
-- page it returns. (pois_rtree holds every POI as 32-bit floats, approximate by up to ~0.5 m.)
CREATE VIRTUAL TABLE pois_public_e6 USING rtree_i32(id, min_lon, max_lon, min_lat, max_lat);
INSERT INTO pois_public_e6
    SELECT rowid, CAST(round(lon * 1e6) AS INTEGER), CAST(round(lon * 1e6) AS INTEGER),
           CAST(round(lat * 1e6) AS INTEGER), CAST(round(lat * 1e6) AS INTEGER)
    FROM pois WHERE status = 'published';
CREATE TRIGGER pois_public_ai AFTER INSERT ON pois WHEN new.status = 'published' BEGIN
    INSERT INTO pois_public_e6 VALUES (new.rowid,
        CAST(round(new.lon * 1e6) AS INTEGER), CAST(round(new.lon * 1e6) AS INTEGER),
        CAST(round(new.lat * 1e6) AS INTEGER), CAST(round(new.lat * 1e6) AS INTEGER));
END;
CREATE TRIGGER pois_public_au AFTER UPDATE OF status, lat, lon ON pois BEGIN
    DELETE FROM pois_public_e6 WHERE id = old.rowid;
    INSERT INTO pois_public_e6 SELECT new.rowid,
        CAST(round(new.lon * 1e6) AS INTEGER), CAST(round(new.lon * 1e6) AS INTEGER),
        CAST(round(new.lat * 1e6) AS INTEGER), CAST(round(new.lat * 1e6) AS INTEGER)
        WHERE new.status = 'published';
END;
CREATE TRIGGER pois_public_ad AFTER DELETE ON pois BEGIN
    DELETE FROM pois_public_e6 WHERE id = old.rowid;
END;
