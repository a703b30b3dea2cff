"""Places: GeoJSON geometries, distances and boxes, and the SQL maths for spatial queries."""
