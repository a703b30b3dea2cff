-- Imported content: where each imported POI came from, what the import last wrote (to tell a person's
-- edits from the source's), and the conflicts between the two that are still open.

CREATE TABLE import_sources (
    poi_id             TEXT PRIMARY KEY REFERENCES pois(id),
    provider           TEXT NOT NULL,
    external_id        TEXT NOT NULL,
    source_updated_at  TEXT,                       -- the source's own date (RFC 3339, UTC) or null
    digest             TEXT NOT NULL,              -- hash of the source object, for sources without dates
    baseline           TEXT NOT NULL DEFAULT '{}', -- {field: value} as the import last wrote them
    pictures           TEXT NOT NULL DEFAULT '{}', -- {picture URL: media id}
    conflicts          TEXT NOT NULL DEFAULT '{}', -- {field: {local, source, detected_at}}
    unpublished_missing INTEGER NOT NULL DEFAULT 0, -- 1 when the import unpublished it (gone from the feed)
    imported_at        TEXT NOT NULL,
    UNIQUE (provider, external_id)
);
CREATE INDEX import_sources_conflicts ON import_sources (provider) WHERE conflicts <> '{}';
