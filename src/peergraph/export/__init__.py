"""Stage 3: write the graph: deterministic RDF files, the pyoxigraph store, Graph Store uploads."""
