"""Any shape of any data file gives a clear error or a build, never a traceback (hypothesis).

Each example replaces one of findings.yaml, sources.yaml, reference-audit.yaml, papers.yaml in a
copy of the bundled data with a generated document: arbitrary YAML values, or the right top-level
key holding records whose known fields carry arbitrary values. Loading, the audit checks and the
mapping of the audit and imported papers to triples may raise only ``PeergraphError``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peergraph.errors import PeergraphError
from peergraph.ingest.validate import KNOWN_FIELDS

ROOT = Path(__file__).resolve().parents[1]

FILES = {
    "findings.yaml": ("findings", sorted(KNOWN_FIELDS - {"__line__"})),
    "sources.yaml": ("sources", ["id", "title", "file", "references_heading", "draft"]),
    "papers.yaml": (
        "papers",
        [
            "key",
            "authors",
            "year",
            "title",
            "journal",
            "volume",
            "issue",
            "pages",
            "doi",
            "url",
            "article_number",
            "draft",
        ],
    ),  # fmt: skip
    "reference-audit.yaml": (
        "references",
        [
            "key",
            "source",
            "status",
            "differs",
            "note",
            "resolves_to",
            "related",
            "sources",
            "finding",
            "verdict",
            "checked_against",
            "reported_in",
            "id",
            "authors",
            "title",
            "journal",
            "year",
            "doi",
            "effects",
            "match",
            "label",
        ],
    ),  # fmt: skip
}
AUDIT_LISTS = ["references", "records", "claims", "conclusions"]

words = st.sampled_from(
    ["F01", "F05", "peer-support-essay", "smit2023", "repper2011", "hope", "confirmed",
     "mismatched", "partly-supported", "sources/000_97aa45ef93b773ce.txt", "Smit, D.", "2023",
     "10.1017/S0033291722002422", "https://example.org/x", "month", ""]
)  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-10, 3000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
    | words
)


def values(keys: list[str]) -> st.SearchStrategy:
    return st.recursive(
        scalars,
        lambda kids: (
            st.lists(kids, max_size=3)
            | st.dictionaries(st.sampled_from(keys) | st.text(max_size=5), kids, max_size=4)
        ),
        max_leaves=12,
    )


def documents(name: str) -> st.SearchStrategy[str]:
    top, fields = FILES[name]
    anything = values(fields)
    record = st.dictionaries(st.sampled_from(fields), anything, max_size=6)
    tops = AUDIT_LISTS if name == "reference-audit.yaml" else [top]
    shaped = st.dictionaries(
        st.sampled_from(tops), st.lists(record | anything, max_size=3) | anything, min_size=1
    )
    as_yaml = (anything | shaped).map(lambda d: yaml.safe_dump(d, allow_unicode=True))
    return as_yaml | st.text(max_size=60)  # also text that is not YAML at all


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(ROOT / "data", folder)
    return folder


def _load_and_map(data: Path) -> None:
    from peergraph.ingest.audit import dangling_entries, read_audit
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import audit_triples, paper_triples

    ds = load(data, include_drafts=True)
    dangling_entries(ds, read_audit(data))
    list(audit_triples(ds))
    for ref in ds.library:
        list(paper_triples(None, ref))


@pytest.mark.parametrize("name", sorted(FILES))
def test_no_traceback_for_any_shape(data, name):
    original = (ROOT / "data" / name).read_bytes() if (ROOT / "data" / name).exists() else None

    @settings(
        max_examples=100,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(documents(name))
    def check(text: str) -> None:
        (data / name).write_text(text, encoding="utf-8")
        try:
            _load_and_map(data)
        except PeergraphError as exc:
            assert str(exc).strip(), "an error must say what is wrong"

    try:
        check()
    finally:
        if original is None:
            (data / name).unlink(missing_ok=True)
        else:
            (data / name).write_bytes(original)
