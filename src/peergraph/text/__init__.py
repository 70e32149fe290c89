"""Stage 0: text parsing shared by loading and curation: references, citations, sentences."""
