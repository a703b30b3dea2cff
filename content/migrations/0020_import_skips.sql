-- Objects an import skipped (no coordinates, unmapped type…), remembered with the source date or content
-- hash and the options that decided it, so that re-running an unchanged feed does not read them again.

CREATE TABLE import_skips (
    provider           TEXT NOT NULL,
    external_id        TEXT NOT NULL,
    source_updated_at  TEXT,
    digest             TEXT NOT NULL,
    fingerprint        TEXT NOT NULL,              -- hash of the mapping table and area that decided it
    reason             TEXT NOT NULL,
    kind               TEXT NOT NULL DEFAULT '',   -- the source type, for "unmapped category"
    PRIMARY KEY (provider, external_id)
);
