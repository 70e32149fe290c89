"""A strict fast reader for the plain layout of finding files; anything else goes to PyYAML.

Even with libyaml, PyYAML builds a Python node object per scalar and needs ~0.25 ms per finding
record (25 s for 100k findings). Generated and tidy hand-written files use a small subset of YAML:
``key: value`` lines in block mappings under ``- `` list items, values that are double-quoted
strings without escapes, identifiers, decimal integers, or flow ``[...]`` / ``{...}`` of those.
``load_simple`` reads exactly that subset and returns what ``yaml.safe_load`` would (including the
``__line__`` of every mapping, as ``peergraph.ingest.dataset`` records it), or ``None`` as soon as a
line
falls outside the subset, so the caller parses the file with PyYAML instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

_KEY_LINE = re.compile(r"^( *)(- )?([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$")
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._-]*|0|[1-9][0-9]*")
# plain scalars that YAML 1.1 resolves to something other than a string
_SPECIAL = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN|[-+]?\.?[0-9].*)$"
)
_QUOTED = re.compile(r'"[^"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*"')


class _NotSimple(Exception):
    pass


def _scalar(token: str) -> Any:
    if _SPECIAL.match(token):
        if token.isdigit() and (token == "0" or token[0] != "0"):
            return int(token)
        raise _NotSimple
    return token


def _value(text: str, pos: int, line: int) -> tuple[Any, int]:
    """Parse one flow value at ``text[pos]``; return (value, position after it)."""
    if pos >= len(text):
        raise _NotSimple
    ch = text[pos]
    if ch == '"':
        m = _QUOTED.match(text, pos)
        if not m:
            raise _NotSimple
        return json.loads(m.group()), m.end()
    if ch == "[":
        items: list[Any] = []
        pos += 1
        if text.startswith("]", pos):
            return items, pos + 1
        while True:
            item, pos = _value(text, pos, line)
            items.append(item)
            if text.startswith(", ", pos):
                pos += 2
            elif text.startswith("]", pos):
                return items, pos + 1
            else:
                raise _NotSimple
    if ch == "{":
        mapping: dict[str, Any] = {}
        pos += 1
        if text.startswith("}", pos):
            raise _NotSimple  # keep it simple: empty flow mappings go to PyYAML
        while True:
            m = _PLAIN.match(text, pos)
            if not m or not text.startswith(": ", m.end()):
                raise _NotSimple
            key = _scalar(m.group())
            if not isinstance(key, str) or key in mapping:
                raise _NotSimple
            mapping[key], pos = _value(text, m.end() + 2, line)
            if text.startswith(", ", pos):
                pos += 2
            elif text.startswith("}", pos):
                mapping["__line__"] = line
                return mapping, pos + 1
            else:
                raise _NotSimple
    m = _PLAIN.match(text, pos)
    if not m:
        raise _NotSimple
    return _scalar(m.group()), m.end()


_NO = object()
_UNQUOTED_BODY = re.compile(r'[^"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*')
_PLAIN_LIST = re.compile(r"\[(?:[A-Za-z][A-Za-z0-9._-]*(?:, [A-Za-z][A-Za-z0-9._-]*)*)?\]")
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")


def _quick(rest: str) -> Any:
    """The common values without the general flow parser: "text", ident, [ident, ...]."""
    first = rest[0]
    if first == '"':
        if rest[-1] == '"' and len(rest) > 1 and _UNQUOTED_BODY.fullmatch(rest, 1, len(rest) - 1):
            return rest[1:-1]
        return _NO
    if first == "[":
        if _PLAIN_LIST.fullmatch(rest):
            items = rest[1:-1].split(", ") if len(rest) > 2 else []
            if any(_SPECIAL.match(i) for i in items):
                return _NO
            return items
        return _NO
    if _IDENT.fullmatch(rest) and not _SPECIAL.match(rest):
        return rest
    return _NO


def _line_value(rest: str, line: int) -> Any:
    value, end = _value(rest, 0, line)
    if end != len(rest):
        raise _NotSimple
    return value


def load_simple(text: str) -> dict[str, Any] | None:
    """``{top_key: [record, ...], "__line__": n}`` for a file in the plain layout, else ``None``.

    Layout: comment and blank lines; one ``key:`` line at column 0 opening a list; list items
    ``  - key: value`` followed by ``    key: value`` lines at the same indentation.
    """
    try:
        return _load(text)
    except (_NotSimple, ValueError, RecursionError):
        return None


def _load(text: str) -> dict[str, Any]:
    walk = _walk(text.split("\n"))
    key, number = next(walk)
    return {key: list(walk), "__line__": number}


def _walk(lines: Iterable[str]) -> Iterator[Any]:
    """The one reader of the plain layout: yields ``(top_key, line)`` first, then each record
    (a dict with its ``__line__``) once complete; raises ``_NotSimple`` where the layout ends."""
    started = False
    current: dict[str, Any] | None = None
    item_indent = -1
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\n").rstrip(" ")
        if not line or line.lstrip(" ").startswith("#"):
            continue
        if "\t" in line or "\r" in line or " #" in line and '"' not in line:
            raise _NotSimple
        m = _KEY_LINE.match(line)
        if not m:
            raise _NotSimple
        indent, dash, key, rest = len(m[1]), m[2], m[3], m[4]
        if _SPECIAL.match(key):
            raise _NotSimple
        if not started:
            if indent or dash or rest is not None:
                raise _NotSimple
            started = True
            yield key, number
            continue
        if not rest:
            raise _NotSimple
        value = _quick(rest)
        if value is _NO:
            value = _line_value(rest, number)
        if dash:
            if item_indent < 0:
                item_indent = indent
            if indent != item_indent:
                raise _NotSimple
            if current is not None:
                yield current
            current = {key: value, "__line__": number}
        else:
            if current is None or indent != item_indent + 2 or key in current:
                raise _NotSimple
            current[key] = value
    if not started:
        raise _NotSimple
    if current is not None:
        yield current


class NotSimple(Exception):
    """Raised by ``iter_records`` where a file leaves the plain layout (after ``count`` records)."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


def iter_records(lines: Iterable[str], top_key: str) -> Iterator[dict[str, Any]]:
    """The records of a plain-layout file under ``top_key``, one at a time, as ``load_simple``
    reads them, without holding the file's text or its other records.

    For files of hundreds of megabytes. Raises ``NotSimple(n)`` where the layout ends (after
    ``n`` records were yielded): the caller parses the whole file with PyYAML and skips those.
    """
    yielded = 0
    walk = _walk(lines)
    try:
        key, _line = next(walk)
        if key != top_key:
            raise _NotSimple
        for record in walk:
            yield record
            yielded += 1
    except (_NotSimple, ValueError, RecursionError):
        raise NotSimple(yielded) from None
