"""Languages and text: language tags and maps, localisation with fallback, accent-folded search,
and the pieces public read models share."""
