"""Producers of the "Goûter le Perche" network and their offers: vocabulary, editor bodies, rules."""
