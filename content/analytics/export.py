"""The figures as CSV: one long table, the same figures (and the same suppression) as the JSON."""

from __future__ import annotations

import csv
import io

from content.analytics.report import Report

__all__ = ["CSV_COLUMNS", "report_csv"]

CSV_COLUMNS = ("section", "period", "metric", "object_id", "stop_id", "dimension", "key", "value")


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for total in report.totals:
        writer.writerow(("total", "", total.metric, "", "", "", "", total.value))
    for section, all_series in (("overall", report.overall), ("series", report.series)):
        for series in all_series:
            for period, value in zip(report.periods, series.values, strict=True):
                writer.writerow((section, period, series.metric, series.object_id, "", "", "", value))
    for stop in report.stops:
        for metric, value in (
            ("stop_reached", stop.reached),
            ("narration_played", stop.narration_played),
            ("narration_finished", stop.narration_finished),
        ):
            writer.writerow(
                ("stop", "", metric, stop.route_id, stop.stop_id, "position", stop.position, value)
            )
    for split in report.splits:
        writer.writerow(("split", "", split.metric, "", "", split.dimension, split.key, split.value))
    for rating in report.ratings:
        mean = "" if rating.mean is None else f"{rating.mean:.2f}"
        writer.writerow(("rating", "", "rating_count", rating.route_id, "", "", "", rating.count))
        writer.writerow(("rating", "", "rating_mean", rating.route_id, "", "", "", mean))
    return out.getvalue()
