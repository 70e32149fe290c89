"""Where the ontology, the bundled data and the exports live.

The ontology is, in this order: the folder named by ``PEERGRAPH_ONTOLOGY``; ``./ontology`` when the
working folder has one (a project's own ontology wins over the installed one); the copy shipped
with the package (``peergraph/_ontology`` in a wheel); the source checkout's ``ontology/``.
Data defaults to ``./data`` when run from a project folder, else to the checkout's bundled data.
Exports go beside the data folder only when that is a project folder (see ``default_exports_dir``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_ROOT = PACKAGE_DIR.parents[1]


def ontology_dir() -> Path:
    """The folder holding ``peergraph.ttl`` and ``vocabulary.ttl``."""
    return ontology_origin()[0]


def ontology_origin() -> tuple[Path, str]:
    """The ontology folder and why it was chosen (printed in the build summary).

    ``PEERGRAPH_ONTOLOGY`` is used as given, even without ``peergraph.ttl`` in it: a typo there
    must fail loudly rather than fall back to another ontology.
    """
    env = os.environ.get("PEERGRAPH_ONTOLOGY")
    if env:
        return Path(env), "$PEERGRAPH_ONTOLOGY"
    candidates = [
        (Path.cwd() / "ontology", "working folder"),
        (PACKAGE_DIR / "_ontology", "installed package"),
        (CHECKOUT_ROOT / "ontology", "peergraph checkout"),
    ]
    for candidate, why in candidates:
        if (candidate / "peergraph.ttl").is_file():
            return candidate, why
    return candidates[-1]


def default_data_dir() -> Path:
    """``./data`` if it holds peergraph data, else the checkout's bundled ``data/``."""
    here = Path.cwd() / "data"
    if (here / "sources.yaml").is_file():
        return here
    return CHECKOUT_ROOT / "data"


def default_exports_dir(data_dir: Path | None = None) -> Path:
    """``exports/`` beside the data folder, when that folder is a project folder.

    A project folder is the working folder, or one with ``ontology/peergraph.ttl`` or an
    ``exports/`` folder: ``build --data /tmp/x`` must not create ``/tmp/exports`` by surprise,
    so elsewhere ``--out`` is required (``UsageError``).
    """
    from peergraph.errors import UsageError

    data = (data_dir or default_data_dir()).resolve()
    project = data.parent
    if (
        project == Path.cwd().resolve()
        or (project / "ontology" / "peergraph.ttl").is_file()
        or (project / "exports").is_dir()
        or data == (CHECKOUT_ROOT / "data").resolve()
    ):
        return project / "exports"
    raise UsageError(
        f"{data} is not in a project folder (no ontology/ or exports/ beside it), so there is "
        "no default output folder: pass --out FOLDER"
    )


def scratch_dir(kind: str) -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder ``peergraph-<kind>-<pid>-…``, removed when the run ends.

    A run killed outright (SIGKILL, out of memory) cannot remove its folder, and a large build's
    sorted chunks there take gigabytes; the pid in the name lets the next run remove the folders
    of runs that are no longer alive (a live run's folder, or one of unknown shape, is kept).
    """
    remove_dead_scratch(kind)
    return tempfile.TemporaryDirectory(prefix=f"peergraph-{kind}-{os.getpid()}-")


def remove_dead_scratch(kind: str, folder: Path | None = None) -> list[Path]:
    """Remove ``peergraph-<kind>-<pid>-…`` folders in ``folder`` (the temporary folder) whose
    process is gone; return them."""
    import shutil

    removed = []
    for path in (folder or Path(tempfile.gettempdir())).glob(f"peergraph-{kind}-*-*"):
        pid = path.name.removeprefix(f"peergraph-{kind}-").split("-", 1)[0]
        if not pid.isdigit() or process_running(int(pid)) or not path.is_dir():
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def process_running(pid: int) -> bool:
    """Whether process ``pid`` still runs: its temporary files are then not a killed run's."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it runs, as another user
        return True
    return True
