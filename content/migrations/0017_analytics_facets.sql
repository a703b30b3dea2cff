-- Usage counters by facet: each dimension is counted on its own rather than crossed with the others.
-- Crossing type x object x stop x detail x language x platform x app version made a year of a 50-route
-- territory half a million rows that every dashboard read had to add up, and made small cells (one
-- visitor's combination) more likely. A facet row counts one (type, object) by one thing: its total,
-- a stop, a detail (trigger, completion, stars, pack version, delta "from-to"), the narrations finished
-- at a stop (for the per-stop funnel), a language, a platform or an app version.
-- As before each counter exists per day and per month; past the retention horizon only months remain.
CREATE TABLE analytics_facets (
    span       TEXT NOT NULL CHECK (span IN ('day', 'month')),
    facet      TEXT NOT NULL CHECK (facet IN ('total', 'stop', 'detail', 'stop_finished', 'lang', 'platform', 'app_version')),
    type       TEXT NOT NULL,
    object_id  TEXT NOT NULL,
    key        TEXT NOT NULL DEFAULT '',
    day        TEXT NOT NULL,             -- YYYY-MM-DD; for span 'month', the month's first day
    kind       TEXT NOT NULL CHECK (kind IN ('route', 'poi', 'producer', 'pack')),
    count      INTEGER NOT NULL CHECK (count >= 0),
    value_sum  INTEGER NOT NULL DEFAULT 0, -- seconds listened (narration_played), stars (rating)
    PRIMARY KEY (span, facet, type, object_id, key, day)
) WITHOUT ROWID;

-- Day ranges (day and week series, the days of a partial month) without scanning every day row.
CREATE INDEX analytics_facets_by_day ON analytics_facets (span, facet, day);

INSERT INTO analytics_facets (span, facet, type, object_id, key, day, kind, count, value_sum)
SELECT span, 'total', type, object_id, '', day, kind, sum(count), sum(value_sum)
FROM analytics_counters GROUP BY span, type, object_id, day;

INSERT INTO analytics_facets (span, facet, type, object_id, key, day, kind, count, value_sum)
SELECT span, 'stop', type, object_id, stop_id, day, kind, sum(count), sum(value_sum)
FROM analytics_counters WHERE stop_id != '' GROUP BY span, type, object_id, stop_id, day;

INSERT INTO analytics_facets (span, facet, type, object_id, key, day, kind, count, value_sum)
SELECT span, 'detail', type, object_id, detail, day, kind, sum(count), sum(value_sum)
FROM analytics_counters WHERE detail != '' GROUP BY span, type, object_id, detail, day;

INSERT INTO analytics_facets (span, facet, type, object_id, key, day, kind, count, value_sum)
SELECT span, 'stop_finished', type, object_id, stop_id, day, kind, sum(count), sum(value_sum)
FROM analytics_counters WHERE type = 'narration_played' AND detail = 'finished'
GROUP BY span, type, object_id, stop_id, day;

INSERT INTO analytics_facets (span, facet, type, object_id, key, day, kind, count, value_sum)
SELECT span, 'lang', type, object_id, lang, day, kind, sum(count), sum(value_sum)
FROM analytics_counters WHERE lang != '' GROUP BY span, type, object_id, lang, day;

INSERT INTO analytics_facets (span, facet, type, object_id, key, day, kind, count, value_sum)
SELECT span, 'platform', type, object_id, platform, day, kind, sum(count), sum(value_sum)
FROM analytics_counters WHERE platform != '' GROUP BY span, type, object_id, platform, day;

INSERT INTO analytics_facets (span, facet, type, object_id, key, day, kind, count, value_sum)
SELECT span, 'app_version', type, object_id, app_version, day, kind, sum(count), sum(value_sum)
FROM analytics_counters WHERE app_version != '' GROUP BY span, type, object_id, app_version, day;

DROP TABLE analytics_counters;
