"""Where the ontology, the bundled data and the exports live.

The ontology ships with the package (``peergraph/_ontology`` in a wheel) or is read from the source
checkout in an editable install. Data and exports default to ``./data`` and ``./exports`` when run
from a project folder, else to the checkout's own folders, so ``peergraph build`` with no arguments
builds the bundled evidence.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_ROOT = PACKAGE_DIR.parents[1]


def ontology_dir() -> Path:
    """The folder holding ``peergraph.ttl`` and ``vocabulary.ttl``."""
    env = os.environ.get("PEERGRAPH_ONTOLOGY")
    candidates = [Path(env)] if env else []
    candidates += [PACKAGE_DIR / "_ontology", CHECKOUT_ROOT / "ontology"]
    for candidate in candidates:
        if (candidate / "peergraph.ttl").is_file():
            return candidate
    return candidates[-1]


def default_data_dir() -> Path:
    """``./data`` if it holds peergraph data, else the checkout's bundled ``data/``."""
    here = Path.cwd() / "data"
    if (here / "sources.yaml").is_file():
        return here
    return CHECKOUT_ROOT / "data"


def default_exports_dir(data_dir: Path | None = None) -> Path:
    """``exports/`` beside the data folder."""
    return (data_dir or default_data_dir()).resolve().parent / "exports"
