"""Stage 1: read the curated data (YAML + source texts) and the references inside the sources.

``load()`` reads everything, parses each source's reference list by code, validates the findings
(``peergraph.ingest.validate``) and returns a ``Dataset`` — or raises one ``DataError`` that lists
every problem found, so a curator fixes them all in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peergraph.errors import DataError, Problem
from peergraph.ingest.records import (
    Dataset,
    Source,
    display_path,
)
from peergraph.ingest.vocabulary import Vocabulary, load_vocabulary
from peergraph.paths import default_data_dir

if TYPE_CHECKING:  # pragma: no cover
    from peergraph.progress import Reporter


class _LineLoader:
    """A YAML safe loader that records the line of every mapping as ``__line__``.

    Uses libyaml's C parser (``yaml.CSafeLoader``) when PyYAML has it: about 10x faster on large
    finding files. Node marks still give line numbers. Error messages come from the pure-Python
    loader, re-run only on failure, so they read the same with or without libyaml.
    """

    @staticmethod
    def load(text: str) -> Any:
        import yaml

        from peergraph.ingest.fastyaml import load_simple

        simple = load_simple(text)
        if simple is not None:
            return simple
        try:
            return yaml.load(text, Loader=_loader_class(True))  # noqa: S506 - safe loader
        except yaml.YAMLError:
            return yaml.load(text, Loader=_loader_class(False))  # noqa: S506 - safe loader


@lru_cache(maxsize=2)
def _loader_class(fast: bool) -> Any:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    def construct_mapping(loader: Any, node: Any) -> dict[str, Any]:
        mapping = loader.construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    """Parse one YAML file; a syntax error becomes a Problem with line and column."""
    import yaml

    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(shown, "file not found", kind="input"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, f"not UTF-8 text ({exc.reason})", kind="input"))
        return None
    try:
        return _LineLoader.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(
            Problem(
                where,
                f"malformed YAML: {reason}",
                suggestion="check indentation and quoting near that line",
                kind="input",
            )
        )
        return None


def finding_files(data_dir: Path) -> list[Path]:
    """``findings*.yaml`` in data/ and every ``*.yaml`` in data/findings/, sorted."""
    files = sorted(data_dir.glob("findings*.yaml"))
    if (data_dir / "findings").is_dir():
        files += sorted((data_dir / "findings").glob("*.yaml"))
    return files


def read_sources(
    data_dir: Path,
    problems: list[Problem],
    *,
    include_drafts: bool = True,
    skipped_drafts: set[str] | None = None,
) -> dict[str, Source]:
    """Read ``sources.yaml``, each source's text, and parse its reference list."""
    from peergraph.ingest.sourcerefs import read_references

    path = data_dir / "sources.yaml"
    shown = display_path(path)
    doc = read_yaml(path, problems)
    if doc is None:
        return {}
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        problems.append(Problem(shown, "expected a mapping with a 'sources' list", kind="input"))
        return {}
    sources: dict[str, Source] = {}
    for i, rec in enumerate(doc["sources"], 1):
        if not isinstance(rec, dict):
            problems.append(Problem(shown, "each source must be a mapping", f"source #{i}"))
            continue
        sid = rec.get("id")
        label = f"source {sid}" if sid else f"source #{i}"
        if rec.get("draft") is True and not include_drafts:
            if skipped_drafts is not None and sid:
                skipped_drafts.add(str(sid))
            continue  # a drafted source (peergraph extract) enters builds only when accepted
        missing = [k for k in ("id", "title", "file") if not rec.get(k)]
        for key in missing:
            problems.append(Problem(shown, "required field is missing", label, key))
        if missing:
            continue
        wrong = [k for k in ("id", "title", "file") if isinstance(rec[k], (list, dict, bool))]
        for key in wrong:
            problems.append(Problem(shown, "expected text", label, key, kind="input"))
        if wrong:
            continue
        sid = str(sid)
        if sid in sources:
            problems.append(Problem(shown, f"duplicate source id '{sid}'", label, "id"))
            continue
        file = data_dir / str(rec["file"])
        try:
            text = file.read_bytes().decode("utf-8")
        except FileNotFoundError:
            problems.append(Problem(shown, f"source file '{rec['file']}' not found", label, "file"))
            continue
        except UnicodeDecodeError:
            problems.append(Problem(shown, f"'{rec['file']}' is not UTF-8 text", label, "file"))
            continue
        if text.startswith("\ufeff"):
            text = text[1:]
        source = Source(
            id=str(sid),
            title=str(rec["title"]),
            path=file,
            text=text,
            references_heading=str(rec.get("references_heading", "References")),
        )
        refs = read_references(data_dir, rec, source, problems, label)  # stored, else parsed
        seen_doi: dict[str, str] = {}
        for ref in refs:
            source.references[ref.key] = ref
            if ref.doi is None:
                continue
            lowered = ref.doi.lower()
            if lowered in seen_doi:
                problems.append(
                    Problem(
                        display_path(file),
                        f"DOI {ref.doi} appears twice in the reference list",
                        f"reference {ref.key}",
                        "doi",
                        suggestion=f"same DOI as {seen_doi[lowered]}",
                    )
                )
            seen_doi[lowered] = ref.key
        sources[source.id] = source
    return sources


# Reading, checking, mapping and writing every RDF export is bounded (measured: a 202 MB file of
# 366,000 synthetic findings loads in 1.2 GiB, about 6 MiB per MiB of findings; the rows are
# sorted in chunks on disk). The checks (SHACL and the reasoning, each on an in-memory store of
# the triples it reads), the HTML views and the ontology docs hold memory in proportion to the
# graph. Measured on a full ``peergraph build`` of 100k synthetic findings (50.6 MiB of findings,
# 5.2M triples, issue 12): 4.46 GiB in the largest process (the checks worker), 4.9 GiB for all
# its processes together (sampled every 2 s). So the estimate for a build is
# ``BUILD_BASE_GIB + BUILD_GIB_PER_FINDINGS_MB * MiB of findings``, and ``peergraph build`` with
# any of those steps refuses, before reading anything, findings whose estimate exceeds the
# memory this machine has available (``MemAvailable`` in /proc/meminfo; where that cannot be
# read, ``MAX_FINDINGS_MB``). PEERGRAPH_MAX_FINDINGS_MB sets the limit in MiB instead.
# ``load()`` and builds without those steps (``steps=RDF_ONLY``) are not limited.
BUILD_BASE_GIB = 0.5
BUILD_GIB_PER_FINDINGS_MB = 0.09  # (4.9 - 0.5) GiB / 50.6 MiB, rounded up
MAX_FINDINGS_MB = 8.0
MEMINFO = Path("/proc/meminfo")


def available_gib(meminfo: Path = MEMINFO) -> float | None:
    """The memory this machine can give a new process now (Linux ``MemAvailable``), or None."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20  # kB
    except (OSError, ValueError, IndexError):
        return None
    return None


def estimated_build_gib(findings_mib: float) -> float:
    """Peak memory of a full build of this many MiB of findings (all its processes)."""
    return BUILD_BASE_GIB + BUILD_GIB_PER_FINDINGS_MB * findings_mib


def check_input_size(files: list[Path], meminfo: Path = MEMINFO) -> None:
    """Refuse, with one clear line, findings too large to build within the memory available."""
    import os

    sizes = {path: path.stat().st_size for path in files}
    total = sum(sizes.values()) / 2**20
    need = estimated_build_gib(total)
    setting = os.environ.get("PEERGRAPH_MAX_FINDINGS_MB")
    available = None if setting else available_gib(meminfo)
    if setting:
        limit = float(setting)
        why = "set by PEERGRAPH_MAX_FINDINGS_MB"
    elif available is not None:
        limit = max(0.0, (available - BUILD_BASE_GIB) / BUILD_GIB_PER_FINDINGS_MB)
        why = f"{available:.1f} GiB of memory available"
    else:
        limit = MAX_FINDINGS_MB
        why = "the default where the available memory is unknown"
    if total <= limit:
        return
    biggest = max(sizes, key=lambda p: sizes[p])
    raise DataError(
        [
            Problem(
                display_path(biggest),
                f"{total:,.1f} MiB of findings ({len(files)} file(s), this one "
                f"{sizes[biggest] / 2**20:,.1f} MiB) needs about {need:.1f} GiB for a full build "
                f"({BUILD_GIB_PER_FINDINGS_MB:g} GiB per MiB of findings, measured); the limit is "
                f"{limit:g} MiB ({why})",
                suggestion="build a subset, free memory, or set PEERGRAPH_MAX_FINDINGS_MB to "
                "the MiB of findings to allow",
                kind="input",
            )
        ]
    )


def _records(
    files: list[Path], problems: list[Problem], draft_ids: set[str]
) -> Iterator[tuple[Path, Any]]:
    """Finding records, one at a time, each let go once it has been checked.

    Files in the plain layout are read record by record (``fastyaml.iter_records``), so memory
    does not grow with a file's size (parsed YAML takes ~7x the file); other files are parsed
    whole by PyYAML, one at a time. ``draft_ids`` collects the ids of ``draft: true`` records.
    """
    from peergraph.ingest.fastyaml import NotSimple, iter_records

    for path in files:
        done = 0  # records already read by the streaming reader
        try:
            with open(path, encoding="utf-8") as fh:
                for rec in iter_records(fh, "findings"):
                    done += 1
                    if rec.get("draft") is True:
                        draft_ids.add(str(rec.get("id")))
                    yield path, rec
            continue
        except (NotSimple, OSError, UnicodeDecodeError):
            pass  # not the plain layout (or unreadable): PyYAML, or the error, as before
        doc = read_yaml(path, problems)
        if doc is None:
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
            problems.append(
                Problem(
                    display_path(path),
                    "expected a mapping with a 'findings' list",
                    suggestion="start the file with 'findings:' and list records under it",
                    kind="input",
                )
            )
            continue
        items = doc.pop("findings")[done:]
        del doc
        items.reverse()
        while items:
            rec = items.pop()  # the list no longer holds it: freed once validated
            if isinstance(rec, dict) and rec.get("draft") is True:
                draft_ids.add(str(rec.get("id")))
            yield path, rec


def load(
    data_dir: str | Path | None = None,
    *,
    include_drafts: bool = False,
    vocabulary: Vocabulary | None = None,
    progress: Reporter | None = None,
) -> Dataset:
    """Read and validate the data in ``data_dir`` (default: the bundled ``data/``).

    Raises ``DataError`` listing every problem (file, record, field, what is wrong, a suggestion).
    ``progress`` draws progress bars for reading and validating (``peergraph.progress``).
    """
    from peergraph.ingest.validate import validate_findings
    from peergraph.progress import QUIET

    bars = progress or QUIET

    data = Path(data_dir) if data_dir is not None else default_data_dir()
    problems: list[Problem] = []
    if not data.is_dir():
        raise DataError([Problem(display_path(data), "data folder not found", kind="input")])
    vocab = vocabulary or load_vocabulary()
    files = finding_files(data)
    if not files:
        problems.append(Problem(display_path(data), "no findings*.yaml file found", kind="input"))
    draft_sources: set[str] = set()
    sources = read_sources(
        data, problems, include_drafts=include_drafts, skipped_drafts=draft_sources
    )
    read_problems: list[Problem] = []
    draft_ids: set[str] = set()
    with bars("load", None) as bar:
        records = _records(files, read_problems, draft_ids)
        checked: list[Problem] = []
        findings = validate_findings(
            records,
            sources,
            vocab,
            checked,
            include_drafts=include_drafts,
            progress=bar,
            draft_sources=frozenset(draft_sources),
        )
    problems += read_problems + checked  # the order of a whole-file read: reading, then checks
    from peergraph.ingest.papers import read_papers

    library, library_problems = read_papers(data, include_drafts=include_drafts)
    problems += library_problems
    if problems:
        raise DataError(problems)
    built = {f.id for f in findings}
    drafts = frozenset(draft_ids - built)
    return Dataset(
        data_dir=data,
        sources=sources,
        findings=findings,
        vocabulary=vocab,
        library=library,
        draft_findings=drafts,
        draft_sources=frozenset(draft_sources),
    )
