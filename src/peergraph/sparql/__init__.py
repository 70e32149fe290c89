"""Asking the graph: named SPARQL queries, query checks and the SPARQL 1.1 Protocol endpoint."""
