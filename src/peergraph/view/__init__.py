"""Offline HTML views: the interactive graph, the evidence gap map, the ontology docs."""
