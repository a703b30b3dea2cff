-- A counter that every change to pois bumps: each server process keeps its own in-memory "near me"
-- index of published POIs (content/pois/near_index.py), and compares this generation with the one its
-- index was built at, whenever SQLite's PRAGMA data_version says that the database changed, so that
-- a committed edit is never answered from an outdated index.
CREATE TABLE poi_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO poi_generation (id, n) VALUES (1, 0);
CREATE TRIGGER poi_generation_ai AFTER INSERT ON pois BEGIN
    UPDATE poi_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER poi_generation_au AFTER UPDATE ON pois BEGIN
    UPDATE poi_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER poi_generation_ad AFTER DELETE ON pois BEGIN
    UPDATE poi_generation SET n = n + 1 WHERE id = 1;
END;
