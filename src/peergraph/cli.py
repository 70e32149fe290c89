"""The ``peergraph`` command: a thin argparse layer over the library.

Each command lives in ``peergraph/_cli/<name>.py`` with ``add_arguments(parser)`` and
``run(args) -> int``; it is imported only when that command runs, so ``--help`` stays fast.
Errors: ``PeergraphError`` → ``Error: …`` lines on stderr and its exit code; tracebacks only with
``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command -> one-line help. Add a line here when adding peergraph/_cli/<module>.py.
COMMANDS: dict[str, str] = {
    "build": "validate the data, build the graph and write every export",
    "render": "write the interactive graph and the evidence gap map as offline HTML pages",
    "query": "run a named competency query, a .rq file or SPARQL over the graph",
    "serve": "serve the graph as a read-only SPARQL endpoint on 127.0.0.1",
    "push": "upload the graph to a triple store (SPARQL Graph Store Protocol)",
    "synth": "write a synthetic evidence base (papers, source text, findings) for scale tests",
    "extract": "draft sources and findings (all 'draft: true') from a new text/Markdown document",
    "validate": "check a Turtle file (or the built graph) against the SHACL shapes",
    "reason": "check consistency and infer types with an OWL reasoner (HermiT, or OWL 2 RL)",
    "report": "ontology quality report: labels, definitions, declarations, OWL 2 DL profile",
    "import-bib": "add papers from a BibTeX or RIS export to data/papers.yaml (as drafts)",
    "analyze": "network analysis: evidence strength, centrality, communities, paths (networkx)",
    "audit": "reference and claim audit: statuses, support levels, fragility (CSV, JSON)",
}


def _module_name(command: str) -> str:
    return "peergraph._cli." + command.replace("-", "_")


def make_parser(load_commands: Sequence[str] = ()) -> argparse.ArgumentParser:
    from peergraph import __version__

    parser = argparse.ArgumentParser(
        prog="peergraph",
        description="A knowledge graph of the evidence on peer support in mental health recovery.",
    )
    parser.add_argument("--version", action="version", version=f"peergraph {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, text in COMMANDS.items():
        p = sub.add_parser(name, help=text, description=text)
        if name in load_commands:
            importlib.import_module(_module_name(name)).add_arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from peergraph.errors import EXIT_BAD_INPUT, PeergraphError

    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if a in COMMANDS), None)
    parser = make_parser([command] if command else [])
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    _exit_on_sigterm()
    try:
        return int(importlib.import_module(_module_name(args.command)).run(args) or 0)
    except PeergraphError as exc:
        if args.debug:
            raise
        for line in str(exc).splitlines() or [type(exc).__name__]:
            print(f"Error: {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader stopped early (`| head`): the command's files are written by then; silence
        # the flush at exit, which would otherwise print a second BrokenPipeError
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # an environment error no command turned into a PeergraphError
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"Error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _exit_on_sigterm() -> None:
    """SIGTERM (kill, a time-out) unwinds like Ctrl-C, so temporary files are removed.

    Python's default for SIGTERM ends the process at once, skipping every ``finally``.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
