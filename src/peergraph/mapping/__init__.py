"""Stage 2: records → triples, the one mapping every export and store is made from."""
