"""Imported once by the worker pool's fork server so each worker process starts warm.

The first SPARQL parse in a process costs about 0.4 s (rdflib's pyparsing grammar sets itself up);
doing it here, before the fork server forks, means a replacement worker answers its first query
in milliseconds.
"""

from __future__ import annotations

import pyoxigraph  # noqa: F401 - imported for the fork server's children

from peergraph.sparql.engine import check_query
from peergraph.sparql.protocol import answer  # noqa: F401 - imported for the same reason

check_query("ASK { ?s ?p ?o FILTER(?o != 1) }")
