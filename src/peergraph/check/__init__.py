"""Checking the graph: SHACL, OWL reasoning, the ontology QC report, the evidence audit."""
