"""Shared fixtures: the bundled essay data, loaded and built once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
EXPORTS = ROOT / "exports"
ESSAY = DATA / "sources" / "000_97aa45ef93b773ce.txt"


@pytest.fixture(scope="session")
def essay_text() -> str:
    return ESSAY.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def dataset():
    from peergraph.ingest.dataset import load

    return load(DATA)


@pytest.fixture(scope="session")
def graph(dataset):
    from peergraph.mapping.triples import build_graph

    return build_graph(dataset)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder, for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
