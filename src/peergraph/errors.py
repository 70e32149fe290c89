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


class OutputError(PeergraphError):
    """An output folder or file cannot be written (read-only, full disk, not a folder)."""


def output_error(path: object, exc: OSError) -> OutputError:
    """One line for a failed write, with a hint for the usual causes (EROFS/EACCES, ENOSPC)."""
    import errno

    hint = {
        errno.ENOSPC: "free some disk space or pass --out to write elsewhere",
        errno.EDQUOT: "free some disk space or pass --out to write elsewhere",
        errno.EROFS: "the file system is read-only: pass --out to write elsewhere",
        errno.EACCES: "no permission to write there: pass --out to write elsewhere",
        errno.EPERM: "no permission to write there: pass --out to write elsewhere",
    }.get(exc.errno or 0, "check the output folder or pass --out")
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"{path}: cannot write ({reason}; {hint}); earlier outputs left untouched")


def unreadable_rdf(path: object, exc: BaseException) -> DataError:
    """A Turtle file of the ontology that cannot be read or parsed, as one line with its line.

    rdflib's ``BadSyntax`` (line in ``lines``, 0-based, reason in ``_why``) and pyoxigraph's
    ``SyntaxError`` (``lineno``, message "Parser error at line L column C: reason") both count.
    """
    import re

    if isinstance(exc, OSError):
        return DataError([Problem(str(path), f"cannot read ({exc.strerror})", kind="input")])
    if isinstance(exc, UnicodeDecodeError):
        return DataError([Problem(str(path), f"not UTF-8 text ({exc.reason})", kind="input")])
    line = getattr(exc, "lineno", None)
    reason = getattr(exc, "_why", None)
    if reason is not None:  # rdflib
        line = getattr(exc, "lines", 0) + 1
    else:
        text = str(getattr(exc, "msg", None) or exc).splitlines()[0]
        found = re.match(r"Parser error at line (\d+)(?: column (\d+))?:\s*(.*)", text)
        if found:
            line = int(found[1])
            reason = found[3]
        else:
            reason = text
    where = f"{path}:{line}" if line else str(path)
    return DataError(
        [
            Problem(
                where,
                f"malformed Turtle: {reason}",
                suggestion="fix the ontology file near that line",
                kind="input",
            )
        ]
    )


class ValidationFailed(PeergraphError):
    """An RDF graph does not conform to the shapes or the ontology."""

    exit_code = EXIT_VIOLATIONS
