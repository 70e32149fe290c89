"""Errors as a contract: every failure a user can cause is a PeergraphError.

The CLI turns these into ``Error: ...`` lines on stderr and an exit code: 1 when well-formed data
breaks a rule (violations), 2 when input cannot be read or the command is used wrongly. Tracebacks
are shown only with ``--debug``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located precisely enough to fix it.

    ``kind`` is ``"input"`` for unreadable input (malformed YAML, missing file) and
    ``"violation"`` for readable data that breaks a rule (unknown term, quote not in source).
    """

    file: str
    message: str
    record: str | None = None
    field: str | None = None
    suggestion: str | None = None
    kind: str = "violation"

    def __str__(self) -> str:
        where = self.file
        if self.record:
            where += f", {self.record}"
        if self.field:
            where += f", field '{self.field}'"
        text = f"{where}: {self.message}"
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text


class PeergraphError(Exception):
    """Root of every error peergraph raises on purpose."""

    exit_code = EXIT_BAD_INPUT


class UsageError(PeergraphError):
    """The command or function was called wrongly (unknown option value, missing file)."""


class DataError(PeergraphError):
    """The input data has one or more problems; all of them are reported together."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        if any(p.kind == "input" for p in self.problems):
            return EXIT_BAD_INPUT
        return EXIT_VIOLATIONS


class ValidationFailed(PeergraphError):
    """An RDF graph does not conform to the shapes or the ontology."""

    exit_code = EXIT_VIOLATIONS
