"""The records peergraph is built from: sources, findings and their parts, and the dataset.

Plain dataclasses with no behaviour beyond what their fields imply, so every stage can import them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from peergraph.ingest.vocabulary import Vocabulary
from peergraph.text.references import Reference


@dataclass
class Source:
    """A document whose claims become findings (the essay)."""

    id: str
    title: str
    path: Path
    text: str
    references_heading: str = "References"
    references: dict[str, Reference] = field(default_factory=dict)  # citation key -> reference
    style: str = "apa"  # reference style id (peergraph.text.styles.STYLES)
    labels: dict[str, str] = field(default_factory=dict)  # key -> printed number (numbered lists)
    # every in-text citation as (start, end, key or None when it matches no reference), when
    # they were read for the whole document (stored by extract, or any non-APA list); None: the
    # citations of a quote are found in the quote itself (APA author-date)
    citations: tuple[tuple[int, int, str | None], ...] | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Persistence:
    """How long an effect lasts. ``horizon`` True: the sentence says effects were still reported
    *up to* ``minimum``-``maximum`` units (a follow-up horizon), never a guaranteed duration."""

    minimum: float
    maximum: float
    unit: str
    measured_from: str
    horizon: bool = False


@dataclass(slots=True)
class Cue:
    """The words of the sentence that set a finding's certainty, with offsets in the source."""

    level: str  # a pgv:certainty concept id (asserted, hedged, speculative, necessary-condition)
    text: str | None = None
    start: int = 0  # 0-based offset of the cue in the source text
    end: int = 0


@dataclass(slots=True, frozen=True)
class InText:
    """An in-text citation of a finding's quote and the reference it names, as validation
    resolved it: ``start``/``end`` are offsets in the source text, ``printed`` the citation as
    printed ("Smit et al., 2023", or "1–3" in a numbered document, once per reference)."""

    printed: str
    start: int
    end: int
    key: str


@dataclass(slots=True)
class Moderator:
    """A setting or organisational feature the sentence says makes peer support work better
    (favours), worse (disfavours) or differently (differs), on which outcomes."""

    kind: str  # setting-moderator | organisational-moderator
    effect: str  # favours | disfavours | differs
    moderator: str | None = None  # concept id; None when the sentence names only the kind
    relative_to: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class EssayClassification:
    """The source files ``concept`` under ``group`` where the vocabulary (CHIME) does not."""

    concept: str
    group: str
    cue: Cue | None = None


@dataclass(slots=True)
class Comparison:
    favours: str
    over: list[str]
    outcomes: list[str]


@dataclass(slots=True)  # one per finding: no __dict__ each (memory)
class Finding:
    """One claim of a source, anchored to its exact sentence."""

    id: str
    source: str
    label: str
    quote: str
    start: int
    end: int
    cites: list[str]
    intervention: str
    outcomes: list[str]
    direction: str | None = None
    magnitude: list[str] = field(default_factory=list)
    populations: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    mechanisms: list[str] = field(default_factory=list)
    organisational_factors: list[str] = field(default_factory=list)
    persistence: Persistence | None = None
    comparisons: list[Comparison] = field(default_factory=list)
    kind: str = "finding"  # finding | definition | background (not evidence)
    certainty: Cue | None = None
    mechanism_certainty: Cue | None = None
    moderators: list[Moderator] = field(default_factory=list)
    essay_classifications: list[EssayClassification] = field(default_factory=list)
    # the quote's in-text citations, in order: resolved once, by validation, for the mapping
    in_text: list[InText] = field(default_factory=list)
    note: str | None = None
    draft: bool = False
    file: str = ""
    line: int | None = None


@dataclass
class Dataset:
    """Everything the build needs, validated."""

    data_dir: Path
    sources: dict[str, Source]
    findings: list[Finding]
    vocabulary: Vocabulary
    library: list[Reference] = field(default_factory=list)  # data/papers.yaml (import-bib)
    draft_findings: frozenset[str] = frozenset()  # ids left out as drafts (not --include-drafts)
    draft_sources: frozenset[str] = frozenset()

    def papers(self) -> list[tuple[Source, Reference]]:
        """Every reference of every source, in source then key order."""
        return [(s, s.references[k]) for s in self.sources.values() for k in sorted(s.references)]


def display_path(path: Path) -> str:
    """A path as a user would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
