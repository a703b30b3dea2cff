-- Which months of usage counters changed, and when: the key that lets a server process keep the sums of
-- months it has already read (content/analytics/cache.py) and know, from one small read, whether any
-- process has written to them since. Every write to analytics_facets (ingestion, seeding, the retention
-- roll-up, or anything else) stamps the month of the row it touches with a number higher than every
-- stamp before it, so a stamp never comes back once replaced. Rows of this table are never deleted.
CREATE TABLE analytics_changes (
    month  TEXT PRIMARY KEY,   -- YYYY-MM
    stamp  INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO analytics_changes (month, stamp)
SELECT DISTINCT substr(day, 1, 7), 1 FROM analytics_facets WHERE true;

CREATE TRIGGER analytics_facets_inserted AFTER INSERT ON analytics_facets BEGIN
    INSERT INTO analytics_changes (month, stamp)
    VALUES (substr(NEW.day, 1, 7), (SELECT coalesce(max(stamp), 0) + 1 FROM analytics_changes))
    ON CONFLICT (month) DO UPDATE SET stamp = excluded.stamp;
END;

CREATE TRIGGER analytics_facets_updated AFTER UPDATE ON analytics_facets BEGIN
    INSERT INTO analytics_changes (month, stamp)
    VALUES (substr(NEW.day, 1, 7), (SELECT coalesce(max(stamp), 0) + 1 FROM analytics_changes))
    ON CONFLICT (month) DO UPDATE SET stamp = excluded.stamp;
END;

-- A row moved to another month (nothing does that today) changes the month it left too.
CREATE TRIGGER analytics_facets_moved AFTER UPDATE OF day ON analytics_facets
WHEN substr(OLD.day, 1, 7) != substr(NEW.day, 1, 7) BEGIN
    INSERT INTO analytics_changes (month, stamp)
    VALUES (substr(OLD.day, 1, 7), (SELECT coalesce(max(stamp), 0) + 1 FROM analytics_changes))
    ON CONFLICT (month) DO UPDATE SET stamp = excluded.stamp;
END;

CREATE TRIGGER analytics_facets_deleted AFTER DELETE ON analytics_facets BEGIN
    INSERT INTO analytics_changes (month, stamp)
    VALUES (substr(OLD.day, 1, 7), (SELECT coalesce(max(stamp), 0) + 1 FROM analytics_changes))
    ON CONFLICT (month) DO UPDATE SET stamp = excluded.stamp;
END;
