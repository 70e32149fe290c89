"""What every HTML page shares: the Jinja environment (autoescaping on), script-safe JSON, and
pyvis's bundled vis-network, inlined so pages open from ``file://`` with no request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"
VIS_VERSION = "9.1.2"


def safe_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` characters."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def vis_assets() -> dict[str, str]:
    """vis-network's JS and CSS as bundled with pyvis (licence header kept in the JS).

    Found with ``find_spec``, which locates the package without running its ``__init__``
    (that imports pyvis.network, networkx and IPython).
    """
    from importlib.util import find_spec

    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - broken install
        raise RuntimeError("pyvis is not installed; it provides the bundled vis-network")
    package = Path(next(iter(spec.submodule_search_locations))).resolve()
    lib = package / "templates" / "lib" / f"vis-{VIS_VERSION}"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():  # pragma: no cover - upgrade guard
        raise RuntimeError("bundled vis-network contains a closing tag; cannot inline it")
    return {"vis_js": js, "vis_css": css}


def template_env():
    """Our Jinja environment: autoescaping on, templates shipped in ``peergraph/templates``."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    env.filters["json_script"] = lambda v: Markup(safe_json(v))
    env.filters["raw_asset"] = Markup  # only for the bundled vis-network files
    return env
