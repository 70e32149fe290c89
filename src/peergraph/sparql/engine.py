"""Named competency queries and safe SPARQL execution over the peergraph graph.

Queries run on pyoxigraph (``peergraph.export.store.open_store``) or, with ``endpoint=``, on a
remote
SPARQL 1.1 endpoint the user names. Before anything runs, the query is parsed (rdflib's SPARQL
parser, used only to parse) and refused if it is an update, or if it would make the engine
fetch from the network (``SERVICE``, ``FROM``/``FROM NAMED`` with a remote IRI): pyoxigraph
executes ``SERVICE`` with no way to turn it off. Parameters are bound with a ``VALUES`` block
built from typed RDF terms, never by splicing user text into SPARQL.

>>> import peergraph
>>> r = peergraph.query("persistence")
>>> r.columns[:2], r.rows[0]["finding"]
(['finding', 'outcomeLabel'], 'F06')
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peergraph.errors import PeergraphError, UsageError
from peergraph.iris import PGD_NS, PGV_NS, XSD_NS
from peergraph.iris import PREFIXES as _PREFIXES

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph

# Inline queries know the prefixes the exports are written with (``pg:``, ``pgv:``, ``pgd:`` ...),
# so a query can be pasted from the Turtle output (a PREFIX in the query still takes precedence);
# a --param value may use them too (``pgv:hope``).
PREFIXES = dict(_PREFIXES)
PGV, PGD, XSD = PGV_NS, PGD_NS, XSD_NS
PARAM_KINDS = ("vocab", "finding", "string", "integer", "iri", "page")
# ``# param: limit page=100`` / ``# param: offset page=0``: SPARQL has no variable LIMIT/OFFSET,
# so a paged query carries one ``LIMIT n OFFSET m`` clause (in the sub-SELECT that picks the
# page, where it saves the work) and these two parameters rewrite its numbers.
PAGE_PARAMS = ("limit", "offset")
_PAGE_CLAUSE = re.compile(r"\bLIMIT\s+\d+\s+OFFSET\s+\d+\b", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_QUERY_START = re.compile(
    r"^\s*(?:(?:#[^\n]*)?\s*)*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|"
    r"CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
# rdflib's pyparsing grammar is shared module state; serve parses from many threads
_PARSER_LOCK = threading.Lock()
_REMOTE = re.compile(r"^(?:https?|ftp|file)://", re.IGNORECASE)


class QueryError(PeergraphError):
    """A query could not be parsed or failed while running."""


class QueryRefused(PeergraphError):
    """A query asks for something peergraph will not do (update, network access)."""


class QueryTimeout(PeergraphError):
    """A query ran longer than the configured timeout."""


# --- named queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A parameter a named query accepts: ``--param name=value`` binds ``?name``."""

    name: str
    kind: str
    help: str
    default: str | None = None  # ``# param: name kind=default help``: bound when not given


@dataclass(frozen=True)
class NamedQuery:
    """A ``queries/<name>.rq`` file: its title, one-line description, parameters and text."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    # ``# materialize: store``: ``peergraph build --store`` saves its default result beside the
    # store (``peergraph.sparql.views``), because it aggregates over every finding
    materialize: bool = False


def _parse_header(name: str, text: str) -> NamedQuery:
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        if key == "param":
            pname, kind, *rest = value.split(None, 2)
            kind, eq, default = kind.partition("=")
            params.append(
                Param(pname, kind, rest[0].strip() if rest else "", default if eq else None)
            )
        else:
            meta[key.strip()] = value.strip()
    return NamedQuery(
        name,
        meta.get("title", name),
        meta.get("description", ""),
        tuple(params),
        text,
        meta.get("materialize") == "store",
    )


def named_queries() -> dict[str, NamedQuery]:
    """Every bundled named query, by name (sorted)."""
    folder = resources.files("peergraph.sparql") / "queries"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            found[name] = _parse_header(name, entry.read_text(encoding="utf-8"))
    return found


def resolve(name_or_sparql: str) -> tuple[str, NamedQuery | None]:
    """The SPARQL text for a named query, a ``.rq`` file path or inline SPARQL."""
    text = name_or_sparql.strip()
    queries = named_queries()
    if text in queries:
        return queries[text].text, queries[text]
    if _QUERY_START.match(text) or "{" in text:
        return name_or_sparql, None
    path = Path(text)
    if path.suffix.lower() in (".rq", ".sparql") or path.is_file():
        if not path.is_file():
            raise UsageError(f"{path}: no such query file")
        try:
            return path.read_text(encoding="utf-8"), None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: cannot read query file ({exc})") from None
    close = difflib.get_close_matches(text, list(queries), n=1)
    hint = f"did you mean '{close[0]}'?" if close else "see `peergraph query --list`"
    raise UsageError(f"unknown query '{text}': not a named query, .rq file or SPARQL ({hint})")


# --- safety checks ---------------------------------------------------------------------------


def _walk(node: Any) -> Iterator[Any]:
    """Every CompValue in an rdflib SPARQL parse tree."""
    stack = [node]
    while stack:
        item = stack.pop()
        name = getattr(item, "name", None)
        if isinstance(item, dict):
            if name:
                yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(list(item))


_STRINGS_AND_IRIS = re.compile(
    r"""\#[^\n]*|"{3}.*?"{3}|'{3}.*?'{3}|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>""",
    re.DOTALL,
)
_PREFIXED = re.compile(r"(?<![\w?$:])([A-Za-z][\w.-]*)?:(?!/)")


def _unknown_prefixes(text: str) -> list[str]:
    """Prefixes the query uses but neither declares nor finds among the default ones."""
    bare = _STRINGS_AND_IRIS.sub(lambda m: " " * len(m.group()), text)
    declared = {
        m[1] or "" for m in re.finditer(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", bare, re.IGNORECASE)
    }
    used = [m[1] or "" for m in _PREFIXED.finditer(bare)]
    return list(dict.fromkeys(p for p in used if p not in declared and p not in PREFIXES))


def _one_line(message: str) -> str:
    """oxigraph's message without its character-class dump (Unicode ranges), on one line."""
    message = " ".join(message.split())
    message = re.sub(r"\[[^\[\]]*(?:\.\.=|\\u\{)[^\[\]]*\]", "a name character", message)
    message = re.sub(r"\[('[^']*'(?: \| '[^']*')*)\]", r"\1", message)
    parts = [p.strip() for p in message.split(",")]
    message = ", ".join(dict.fromkeys(parts))
    return message if len(message) <= 120 else message[:117].rstrip(" ,") + "..."


def _syntax_error(text: str, exc: Any) -> QueryError:
    """A one-line syntax error with line and column (oxigraph's if it can tell, else rdflib's)."""
    where = f"line {getattr(exc, 'lineno', '?')}, column {getattr(exc, 'col', '?')}"
    message = str(getattr(exc, "msg", exc))
    if not re.search(r"\bSERVICE\b", text, re.IGNORECASE):
        # No SERVICE in the text, so letting oxigraph parse it against an empty store is safe.
        import pyoxigraph as ox

        try:
            ox.Store().query(text, prefixes=PREFIXES)
        except SyntaxError as ox_exc:
            found = re.match(r"error at (\d+):(\d+): (.*)", str(ox_exc), re.DOTALL)
            if found:
                where = f"line {found[1]}, column {found[2]}"
                message = found[3].strip()
        except Exception:  # noqa: BLE001 - only used to improve the message
            pass
    unknown = _unknown_prefixes(text)
    if "Prefix not found" in message and unknown:
        known = ", ".join(p + ":" for p in PREFIXES)
        message = (
            f"unknown prefix '{unknown[0]}:' (declare it with PREFIX {unknown[0]}: <...>; "
            f"known without PREFIX: {known})"
        )
    else:
        message = _one_line(message)
    return QueryError(f"SPARQL syntax error at {where}: {message}")


def check_query(text: str, *, allow_remote: bool = False) -> str:
    """Parse ``text`` and return its form (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``).

    Raises QueryError for a syntax error (with line and column) and QueryRefused for updates,
    ``LOAD``, ``SERVICE`` and remote ``FROM``/``FROM NAMED`` (the last two unless
    ``allow_remote``).
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        with _PARSER_LOCK:
            tree = parseQuery(text)
    except ParseException as exc:
        try:
            with _PARSER_LOCK:
                parseUpdate(text)
        except ParseException:
            raise _syntax_error(text, exc) from None
        raise QueryRefused(
            "SPARQL UPDATE/LOAD is refused: peergraph queries are read-only "
            "(change data/findings.yaml and run `peergraph build` instead)"
        ) from None
    except Exception as exc:  # rdflib raises plain exceptions for e.g. undefined prefixes
        raise QueryError(f"SPARQL error: {exc}") from None
    form = "SELECT"
    for node in _walk(tree):
        if node.name.endswith("Query"):
            form = node.name[: -len("Query")].upper()
        if allow_remote:
            continue
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(
                f"SERVICE {node.get('term').n3()} is refused: peergraph does not fetch from the "
                "network on your behalf (pass --allow-remote to permit federated queries)"
            )
        if node.name == "DatasetClause":
            named = "named" in node
            iri = node["named"] if named else node.get("default")
            if iri is not None and _REMOTE.match(str(iri)):
                raise QueryRefused(
                    f"{'FROM NAMED' if named else 'FROM'} <{iri}> is refused: it names a remote "
                    "address (pass --allow-remote if you mean it)"
                )
    return form


# --- parameter binding -----------------------------------------------------------------------


def _term(value: Any, kind: str | None) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    """A typed RDF term for a parameter value (never SPARQL text)."""
    import pyoxigraph as ox

    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    if isinstance(value, bool):
        return ox.Literal(str(value).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    text = str(value)
    try:
        if text.startswith("<") and text.endswith(">"):
            return ox.NamedNode(text[1:-1])
        prefix, colon, local = text.partition(":")
        if colon and prefix in PREFIXES and not local.startswith("//"):
            return ox.NamedNode(PREFIXES[prefix] + local)
        if kind == "iri" or (kind is None and _REMOTE.match(text)):
            return ox.NamedNode(text)
    except ValueError as exc:
        raise UsageError(f"parameter value {text!r} is not a valid IRI ({exc})") from None
    if kind == "vocab":
        return ox.NamedNode(PGV + text)
    if kind == "finding":
        return ox.NamedNode(PGD + "finding/" + text)
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise UsageError(f"parameter value {text!r} is not true or false")
        return ox.Literal(text.lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise UsageError(f"parameter value {text!r} is not an integer")
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(text)


def _scan(text: str) -> Iterator[tuple[int, str]]:
    """(offset, token) for every '{', '}' and bare word outside strings, IRIs and comments."""
    token = re.compile(
        r"""(?P<skip>\#[^\n]*|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}"""
        r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>"""
        r"""|[?$]\w+|[A-Za-z_][\w.-]*:[\w.%-]*)"""  # variables and prefixed names
        r"""|(?P<brace>[{}])|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|.""",
        re.DOTALL,
    )
    for m in token.finditer(text):
        if m.group("brace"):
            yield m.start(), m.group("brace")
        elif m.group("word"):
            yield m.start(), m.group("word")


def bind_params(
    text: str,
    params: Mapping[str, Any],
    declared: tuple[Param, ...] = (),
    *,
    into_subselects: bool = False,
) -> str:
    """``text`` with a ``VALUES`` block binding ``params`` wrapped around its WHERE pattern.

    ``{ VALUES (?a ?b) { (t1 t2) } { original pattern } }``: the original group is evaluated as
    before and joined with the bound values, which also works for sub-SELECTs and OPTIONALs. The
    values are RDF terms serialised by pyoxigraph (escaped), never user text.
    ``into_subselects``: also bind them inside sub-SELECTs (:func:`_push_into_subselects`).
    """
    if not params:
        return text
    kinds = {p.name: p.kind for p in declared}
    names, terms = [], []
    for name, value in params.items():
        if not _NAME.match(name):
            raise UsageError(f"parameter name {name!r} is not a SPARQL variable name")
        if not re.search(rf"[?$]{name}\b", text):
            known = ", ".join(p.name for p in declared) or "none"
            raise UsageError(
                f"parameter '{name}' is not a variable of this query (params: {known})"
            )
        names.append(name)
        terms.append(_term(value, kinds.get(name)))
    depth, open_at, close_at, seen_where = 0, None, None, False
    for offset, tok in _scan(text):
        if tok == "{":
            if depth == 0 and open_at is None and (seen_where or not _has_top_where(text)):
                open_at = offset
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth == 0 and open_at is not None and close_at is None:
                close_at = offset
        elif depth == 0 and tok.upper() == "WHERE":
            seen_where = True
    if open_at is None or close_at is None:
        raise UsageError("cannot bind parameters: the query has no WHERE pattern")
    bound = _wrap_group(text, open_at, close_at, names, terms)
    page = _page_group(bound)
    if page is None:
        return _push_into_subselects(bound, names, terms) if into_subselects else bound
    # a paged query picks its page in a sub-SELECT: the parameters must narrow that selection
    # too, or the page would be taken before they filter it
    inner = [(n, t) for n, t in zip(names, terms, strict=True)
             if re.search(rf"[?$]{n}\b", bound[page[0] : page[1]])]  # fmt: skip
    if not inner:
        return bound
    return _wrap_group(bound, *page, [n for n, _ in inner], [t for _, t in inner])


def _subselects(text: str) -> list[tuple[int, int, int, int]]:
    """(SELECT end, projection end, ``{``, ``}``) of every sub-SELECT, in order of appearance."""
    found, depth, pending = [], 0, []
    opens: list[tuple[int, int]] = []
    for offset, tok in _scan(text):
        if tok == "{":
            if pending:
                select_end = pending.pop()
                opens.append((depth, len(found)))
                found.append([select_end, offset, offset, -1])
            depth += 1
        elif tok == "}":
            depth -= 1
            if opens and opens[-1][0] == depth:
                found[opens.pop()[1]][3] = offset
        elif tok.upper() == "SELECT" and depth > 0:
            pending.append(offset + len(tok))
    return [tuple(f) for f in found]  # type: ignore[misc]


def _push_into_subselects(text: str, names: list[str], terms: list) -> str:
    """Also bind the values inside each sub-SELECT that projects a bound variable.

    Joining the values with a sub-SELECT's result equals joining them with its rows before it
    groups them (the variable is one of its projected, hence grouped, columns), so the rows
    are the same; but the store can then look the value up instead of counting every finding
    and discarding all but one setting's counts. Where the sub-SELECT's own pattern binds the
    variable at its top level, the ``VALUES`` goes first in that pattern, which pyoxigraph joins
    by lookup (a domain's counts at 1,000 papers: 91 -> 2 ms CPU); elsewhere it wraps the
    pattern. It holds when the variable is also bound before any OPTIONAL or MINUS around the
    sub-SELECT, as in every bundled query (tests check the rows); so only named queries use
    it, never a user's ``.rq`` file.
    """
    count = len(_subselects(text))
    for k in range(count):
        select_end, proj_end, open_at, close_at = _subselects(text)[k]
        projection = text[select_end:proj_end]
        inner = [(n, t) for n, t in zip(names, terms, strict=True)
                 if re.search(rf"[?$]{n}\b", projection)
                 and not re.search(rf"\bAS\s+[?$]{n}\b", projection, re.IGNORECASE)]  # fmt: skip
        if not inner or close_at <= open_at:
            continue
        top = _top_level(text[open_at + 1 : close_at])
        first = [(n, t) for n, t in inner if re.search(rf"[?$]{n}\b", top)]
        rest = [(n, t) for n, t in inner if (n, t) not in first]
        if rest:
            text = _wrap_group(text, open_at, close_at, [n for n, _ in rest],
                               [t for _, t in rest])  # fmt: skip
        if first:
            values = "VALUES (" + " ".join("?" + n for n, _ in first) + ") { ("
            values += " ".join(str(t) for _, t in first) + ") }"
            text = text[: open_at + 1] + f" {values} " + text[open_at + 1 :]
    return text


def _top_level(group: str) -> str:
    """A group's text outside its nested groups, filters and binds (strings and IRIs blanked):
    where a variable found is bound by the group's own triple patterns."""
    bare = _STRINGS_AND_IRIS.sub(lambda m: " " * len(m.group()), group)
    bare = re.sub(r"#[^\n]*", " ", bare)
    while True:
        stripped = re.sub(r"\{[^{}]*\}", " ", bare)
        if stripped == bare:
            break
        bare = stripped
    return re.sub(r"\b(?:FILTER|BIND)\s*\((?:[^()]|\([^()]*\))*\)", " ", bare, flags=re.IGNORECASE)


def _wrap_group(text: str, open_at: int, close_at: int, names: list[str], terms: list) -> str:
    """``{ VALUES (...) { (...) } { group } }`` in place of the group between the offsets."""
    values = "VALUES (" + " ".join("?" + n for n in names) + ") { ("
    values += " ".join(str(t) for t in terms) + ") }"
    return (
        text[: open_at + 1]
        + f" {values} {{"
        + text[open_at + 1 : close_at]
        + "} "
        + text[close_at:]
    )


def _page_group(text: str) -> tuple[int, int] | None:
    """Offsets of the ``{`` and ``}`` of the WHERE group that the page clause follows."""
    bare = _STRINGS_AND_IRIS.sub(lambda m: " " * len(m.group()), text)
    found = _PAGE_CLAUSE.search(bare)
    if found is None:
        return None
    stack: list[int] = []
    last: tuple[int, int] | None = None
    for offset, tok in _scan(text):
        if offset >= found.start():
            break
        if tok == "{":
            stack.append(offset)
        elif tok == "}" and stack:
            last = (stack.pop(), offset)
    return last


def _has_top_where(text: str) -> bool:
    depth = 0
    for _, tok in _scan(text):
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif depth == 0 and tok.upper() == "WHERE":
            return True
    return False


# --- results ---------------------------------------------------------------------------------


def to_python(term: Any) -> Any:
    """A Python value for an RDF term: IRIs as str, typed literals as int/float/bool/date/str."""
    if term is None:
        return None
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if not isinstance(term, ox.Literal):
        return str(term)
    dt = term.datatype.value[len(XSD) :] if term.datatype.value.startswith(XSD) else ""
    value = term.value
    try:
        if dt in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                  "positiveInteger", "nonPositiveInteger", "negativeInteger",
                  "unsignedInt", "unsignedLong", "gYear"):  # fmt: skip
            return int(value)
        if dt == "decimal":
            number = Decimal(value)
            return int(number) if number == number.to_integral_value() else float(number)
        if dt in ("double", "float"):
            return float(value)
        if dt == "boolean":
            return value in ("true", "1")
        if dt == "date":
            return date.fromisoformat(value)
        if dt == "dateTime":
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return value


@dataclass
class QueryResult:
    """What a query returned, in one of three shapes (``kind``).

    ``bindings``: ``columns`` and ``terms`` (tuples of pyoxigraph terms or None); ``rows`` gives
    them as dicts of Python values, ready for ``pandas.DataFrame(r.rows, columns=r.columns)``.
    ``boolean``: ``boolean``. ``graph``: ``triples`` (pyoxigraph ``Triple``\\ s).
    """

    kind: str
    columns: list[str] = field(default_factory=list)
    terms: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)
    truncated: bool = False
    # where the rows came from: "" when computed now, else a note naming the materialised view
    origin: str = ""

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [
            {c: to_python(t) for c, t in zip(self.columns, row, strict=True)} for row in self.terms
        ]

    def __len__(self) -> int:
        if self.kind == "graph":
            return len(self.triples)
        if self.kind == "boolean":
            return 1
        return len(self.terms)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    # serialisations -------------------------------------------------------------------------
    def serialize(self, fmt: str = "table") -> str:
        """``table``, ``csv``, ``tsv``, ``json``, ``xml`` for SELECT/ASK; ``turtle``, ``nt``
        for CONSTRUCT/DESCRIBE."""
        writers = {"table": self.to_table, "csv": self.to_csv, "tsv": self.to_tsv,
                   "json": self.to_json, "xml": self.to_xml, "turtle": self.to_turtle,
                   "nt": self.to_ntriples}  # fmt: skip
        if fmt not in writers:
            raise UsageError(f"unknown output format '{fmt}' (use one of {', '.join(writers)})")
        if self.kind == "graph" and fmt not in ("turtle", "nt", "table"):
            raise UsageError(f"a {self.kind} result cannot be written as {fmt} (use turtle or nt)")
        if self.kind != "graph" and fmt in ("turtle", "nt"):
            raise UsageError(
                f"--format {fmt} is for CONSTRUCT/DESCRIBE queries (use table, csv, "
                "tsv, json or xml)"
            )
        return writers[fmt]()

    def to_table(self) -> str:
        """An aligned plain-text table (long cells are kept whole)."""
        if self.kind == "graph":
            return self.to_turtle()
        if self.kind == "boolean":
            return "true" if self.boolean else "false"
        cells = [[_short(t) for t in row] for row in self.terms]
        widths = [len(c) for c in self.columns]
        for row in cells:
            widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += [
            "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            for row in cells
        ]
        note = f"({len(self.terms)} row{'s' if len(self.terms) != 1 else ''}"
        note += ", truncated)" if self.truncated else ")"
        return "\n".join(lines + [note])

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends."""
        if self.kind == "boolean":
            return "_askResult\r\n" + ("true" if self.boolean else "false") + "\r\n"
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.terms:
            writer.writerow([_plain(t) for t in row])
        return out.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV: terms in N-Triples syntax."""
        if self.kind == "boolean":
            return "?_askResult\n" + ("true" if self.boolean else "false") + "\n"
        lines = ["\t".join("?" + c for c in self.columns)]
        lines += [
            "\t".join("" if t is None else str(t).replace("\t", "\\t") for t in row)
            for row in self.terms
        ]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON."""
        if self.kind == "boolean":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)})
        bindings = [
            {c: _json_term(t) for c, t in zip(self.columns, row, strict=True) if t is not None}
            for row in self.terms
        ]
        return json.dumps(
            {"head": {"vars": self.columns}, "results": {"bindings": bindings}},
            ensure_ascii=False,
            indent=1,
        )

    def to_xml(self) -> str:
        """SPARQL Query Results XML Format (every value escaped)."""
        from xml.sax.saxutils import quoteattr  # imports urllib.request: 50 ms at start-up

        out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        if self.kind == "boolean":
            out += ["<head/>", f"<boolean>{'true' if self.boolean else 'false'}</boolean>"]
            return "\n".join(out + ["</sparql>"]) + "\n"
        out.append(
            "<head>" + "".join(f"<variable name={quoteattr(c)}/>" for c in self.columns) + "</head>"
        )
        out.append("<results>")
        for row in self.terms:
            out.append("<result>")
            for c, t in zip(self.columns, row, strict=True):
                if t is not None:
                    out.append(f"<binding name={quoteattr(c)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out += ["</results>", "</sparql>"]
        return "\n".join(out) + "\n"

    def to_turtle(self) -> str:
        return self._rdf("TURTLE")

    def to_ntriples(self) -> str:
        return self._rdf("N_TRIPLES")

    def _rdf(self, fmt: str) -> str:
        import pyoxigraph as ox

        kwargs = {}
        if fmt == "TURTLE":
            iris = {
                t.value for tr in self.triples for t in (tr.subject, tr.predicate, tr.object)
                if isinstance(t, ox.NamedNode)
            }  # fmt: skip
            used = {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}
            kwargs["prefixes"] = used
        data = ox.serialize(self.triples, format=getattr(ox.RdfFormat, fmt), **kwargs)
        return (data or b"").decode("utf-8")


def _short(term: Any) -> str:
    """Table cells: IRIs in a known namespace as ``prefix:local``, else as :func:`_plain`."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        best = max(
            (ns for ns in PREFIXES.values() if term.value.startswith(ns)), key=len, default=""
        )
        if best:
            prefix = next(p for p, ns in PREFIXES.items() if ns == best)
            return f"{prefix}:{term.value[len(best) :]}"
    return _plain(term)


def _plain(term: Any) -> str:
    if term is None:
        return ""
    import pyoxigraph as ox

    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value if hasattr(term, "value") else str(term)


def _json_term(term: Any) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _xml_term(term: Any) -> str:
    from xml.sax.saxutils import escape as xml_escape
    from xml.sax.saxutils import quoteattr

    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
    if term.datatype.value != XSD + "string":
        return (
            f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        )
    return f"<literal>{xml_escape(term.value)}</literal>"


# --- running ---------------------------------------------------------------------------------


_IF_LINE = re.compile(r"^[^\n]*#\s*if:\s*([A-Za-z_]\w*)\s*$", re.MULTILINE)


def keep_lines_for(text: str, given: Any) -> str:
    """``text`` without the lines marked ``# if: NAME`` for parameters not in ``given``.

    A drill-down query narrows by any of several optional parameters; a pattern such as
    ``?f pg:setting ?setting`` must be there when ``setting`` is bound (so the store looks the
    value up) and absent when it is not (or findings with no setting would drop out). Whole
    lines of the query's own text are kept or dropped; no user text reaches the query.
    """
    return _IF_LINE.sub(lambda m: m[0] if m[1] in given else "", text)


def prepare(
    name_or_sparql: str,
    params: Mapping[str, Any] | None = None,
    *,
    allow_remote: bool = False,
) -> tuple[str, str]:
    """Resolve, bind and check a query: returns (SPARQL text, form)."""
    text, named = resolve(name_or_sparql)
    defaults = {p.name: p.default for p in named.params if p.default is not None} if named else {}
    if defaults:
        params = {**defaults, **(params or {})}
    text = keep_lines_for(text, params or {})
    page: dict[str, Any] | None = None
    if named is not None and any(p.kind == "page" for p in named.params):
        page = {n: v for n, v in (params or {}).items() if n in PAGE_PARAMS}
        params = {n: v for n, v in (params or {}).items() if n not in PAGE_PARAMS}
    if params:
        if named is not None:
            declared = {p.name for p in named.params}
            for name in params:
                if name not in declared:
                    known = ", ".join(sorted(declared)) or "none"
                    raise UsageError(
                        f"query '{named.name}' has no parameter '{name}' (parameters: {known})"
                    )
        # check the unbound text first, so syntax errors point at the user's own lines
        check_query(text, allow_remote=allow_remote)
        text = bind_params(
            text, params, named.params if named else (), into_subselects=named is not None
        )
    if page is not None:  # after binding: the parameters go inside the page's sub-SELECT
        text = set_page(text, **page)
    form = check_query(text, allow_remote=allow_remote)
    return text, form


def _page_number(name: str, value: Any) -> int | None:
    text = str(value).strip().lower()
    if name == "limit" and text == "all":
        return None
    if not re.fullmatch(r"\d+", text) or (name == "limit" and int(text) == 0):
        what = "a positive integer or 'all'" if name == "limit" else "an integer >= 0"
        raise UsageError(f"--param {name}={value}: must be {what}")
    return int(text)


def set_page(text: str, limit: Any = 100, offset: Any = 0) -> str:
    """``text`` with its one ``LIMIT n OFFSET m`` clause set to ``limit`` and ``offset``.

    The numbers are checked as integers (``limit=all`` drops the LIMIT), so no user text reaches
    the query. Raises UsageError for a bad value, QueryError if the text has no single clause.
    """
    size, skip = _page_number("limit", limit), _page_number("offset", offset)
    bare = _STRINGS_AND_IRIS.sub(lambda m: " " * len(m.group()), text)
    found = list(_PAGE_CLAUSE.finditer(bare))
    if len(found) != 1:
        raise QueryError(f"a paged query needs one 'LIMIT n OFFSET m' clause ({len(found)} found)")
    clause = (f"LIMIT {size:d} " if size is not None else "") + f"OFFSET {skip:d}"
    return text[: found[0].start()] + clause + text[found[0].end() :]


def run_on_store(
    store: pyoxigraph.Store,
    text: str,
    *,
    limit: int | None = None,
    cancelled: Any = None,
    **dataset: Any,
) -> QueryResult:
    """Execute an already checked query on a pyoxigraph store, keeping at most ``limit`` rows.

    ``dataset``: pyoxigraph's ``default_graph`` / ``named_graphs`` (the protocol's dataset).
    """
    import pyoxigraph as ox

    # pyoxigraph result iterators must be dropped on the thread that made them, so no frame
    # (e.g. one kept alive by a traceback) may hold them: ``finally`` clears the locals.
    result: Any = None
    solution: Any = None
    try:
        result = store.query(text, prefixes=PREFIXES, **dataset)
    except SyntaxError as exc:
        raise _syntax_error(text, exc) from None
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from None
    try:
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("boolean", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            out = QueryResult("bindings", columns=columns)
            for solution in result:
                if cancelled is not None and cancelled.is_set():
                    raise QueryTimeout("query cancelled: it ran longer than the timeout")
                if limit is not None and len(out.terms) >= limit:
                    out.truncated = True
                    break
                out.terms.append(tuple(solution[c] for c in columns))
            return out
        out = QueryResult("graph")
        for solution in result:
            if cancelled is not None and cancelled.is_set():
                raise QueryTimeout("query cancelled: it ran longer than the timeout")
            if limit is not None and len(out.triples) >= limit:
                out.truncated = True
                break
            out.triples.append(solution)
        return out
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from None
    finally:
        result = solution = None


def from_views(
    folder: str | Path,
    named: NamedQuery,
    params: Mapping[str, Any] | None = None,
    *,
    limit: int | None = None,
) -> QueryResult | None:
    """The rows ``peergraph build --store`` kept for ``named`` in the store at ``folder``, or None.

    Only for a query marked ``# materialize: store``, asked with its default parameters (a
    paged one may ask for any page: the kept rows are all of them, in the query's order), when
    the kept rows match the store's fingerprint and the query's current text. Anything else is
    None, and the caller runs the query live.
    """
    if not named.materialize:
        return None
    from peergraph.sparql import views

    page = {"limit": 100, "offset": 0} if any(p.kind == "page" for p in named.params) else None
    for name, value in (params or {}).items():
        if page is not None and name in PAGE_PARAMS:
            page[name] = value
            continue
        declared = next((p for p in named.params if p.name == name), None)
        if declared is None or declared.default is None:
            return None
        if _term(value, declared.kind) != _term(declared.default, declared.kind):
            return None
    found = views.entry(folder, named.name, named.text)
    if found is None:
        return None
    start, stop = 0, None
    if page is not None:
        size, start = _page_number("limit", page["limit"]), _page_number("offset", page["offset"])
        assert start is not None
        stop = None if size is None else start + size
    solutions = views.read_rows(folder, named.name, found["rows"], start, stop)
    columns = [v.value for v in solutions.variables]
    out = QueryResult("bindings", columns=columns)
    out.origin = (
        f"materialised view of '{named.name}' ({found['rows']} rows, kept by "
        f"`peergraph build --store` for store contents {found['fingerprint'][:19]}...)"
    )
    for solution in solutions:
        if limit is not None and len(out.terms) >= limit:
            out.truncated = True
            break
        out.terms.append(tuple(solution[c] for c in columns))
    return out


def run_on_endpoint(endpoint: str, text: str, form: str, *, timeout: float = 60.0) -> QueryResult:
    """Run a query on a remote SPARQL 1.1 endpoint the user named (POST, SPARQL protocol)."""
    import urllib.error
    import urllib.request

    import pyoxigraph as ox

    from peergraph.export.push import auth_headers

    graph = form in ("CONSTRUCT", "DESCRIBE")
    accept = "application/n-triples" if graph else "application/sparql-results+json"
    request = urllib.request.Request(
        endpoint,
        data=text.encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": accept,
            **auth_headers(endpoint),
        },  # fmt: skip
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()[:1]
        raise QueryError(f"{endpoint}: HTTP {exc.code} {exc.reason}: {' '.join(detail)}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise QueryError(f"{endpoint}: cannot reach the endpoint ({exc})") from None
    try:
        if graph:
            triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            return QueryResult("graph", triples=triples)
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except SyntaxError as exc:
        raise QueryError(f"{endpoint}: unreadable results ({exc})") from None
    if isinstance(parsed, ox.QueryBoolean):
        return QueryResult("boolean", boolean=bool(parsed))
    columns = [v.value for v in parsed.variables]
    return QueryResult("bindings", columns=columns,
                       terms=[tuple(s[c] for c in columns) for s in parsed])  # fmt: skip


def query(
    name_or_sparql: str,
    params: Mapping[str, Any] | None = None,
    source: Any = None,
    *,
    endpoint: str | None = None,
    allow_remote: bool = False,
    limit: int | None = None,
) -> QueryResult:
    """Run a named query (``peergraph query --list``), a ``.rq`` path or inline SPARQL.

    Parameters
    ----------
    params: ``{"outcome": "hope"}`` binds ``?outcome`` (vocabulary ids become ``pgv:`` IRIs for
        parameters a named query declares as ``vocab``; ``<iri>`` and ``pgv:x`` forms also
        work). A paged query (README, Querying) also takes ``limit`` (default 100, ``"all"``)
        and ``offset``.
    source: what ``peergraph.export.store.open_store`` accepts (default: the bundled data), or an
        open pyoxigraph Store. On a store folder written by ``peergraph build --store``, an
        aggregate query with its default parameters returns the rows kept there
        (:func:`from_views`; ``.origin`` says so) instead of counting every finding again.
    endpoint: run on this remote SPARQL endpoint instead.
    allow_remote: permit SERVICE and remote FROM (off by default: no outbound requests).

    Returns a QueryResult; ``.rows`` is a list of dicts of Python values, ``.columns`` the names.
    Raises QueryError (syntax, with line and column), QueryRefused, UsageError.
    """
    text, form = prepare(name_or_sparql, params, allow_remote=allow_remote)
    if endpoint:
        return run_on_endpoint(endpoint, text, form)
    import pyoxigraph as ox

    from peergraph.export.store import open_store

    _, named = resolve(name_or_sparql)
    if named is not None and isinstance(source, (str, Path)) and Path(source).is_dir():
        kept = from_views(source, named, params, limit=limit)
        if kept is not None:
            return kept
    store = source if isinstance(source, ox.Store) else open_store(source)
    if params:
        check_param_terms(store, params, named.params if named else ())
    return run_on_store(store, text, limit=limit)


_PARAM_NAMESPACES = {"vocab": PGV, "finding": PGD + "finding/"}


def check_param_terms(
    store: pyoxigraph.Store, params: Mapping[str, Any], declared: tuple[Param, ...]
) -> None:
    """Refuse a ``vocab`` or ``finding`` parameter naming a term the graph does not have.

    An unknown id (``outcome=hopee``) would otherwise match nothing and print 0 rows, which
    reads as "no evidence" rather than "typo". Raises UsageError with the closest ids.
    """
    import pyoxigraph as ox

    kinds = {p.name: p.kind for p in declared}
    known: dict[str, list[str]] = {}
    for name, value in params.items():
        kind = kinds.get(name)
        namespace = _PARAM_NAMESPACES.get(kind or "")
        if namespace is None:
            continue
        term = _term(value, kind)
        if not isinstance(term, ox.NamedNode) or not term.value.startswith(namespace):
            continue
        if namespace not in known:
            text = (resources.files("peergraph.sparql") / "param-terms.rq").read_text("utf-8")
            iris = (row["term"].value for row in store.query(text))
            known[namespace] = sorted(
                iri[len(namespace) :] for iri in iris if iri.startswith(namespace)
            )
        local = term.value[len(namespace) :]
        if local in known[namespace]:
            continue
        close = difflib.get_close_matches(local, known[namespace], n=3)
        hint = (
            "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
            if close
            else f"no close match among the graph's {len(known[namespace])} ids"
        )
        what = "vocabulary id" if kind == "vocab" else "finding id"
        raise UsageError(f"--param {name}={value}: unknown {what} '{local}' ({hint})")
