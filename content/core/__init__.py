"""The shared core every aggregate builds on: the store, settings, clock, errors, events, ids,
input decoding, the closed vocabularies, paging and cursors, opening hours, reference checks."""
