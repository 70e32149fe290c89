"""Stage 1: read the curated records (YAML, sources, vocabulary, audit) and validate them."""
