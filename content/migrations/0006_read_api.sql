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
