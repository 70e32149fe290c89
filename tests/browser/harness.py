"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, recording every request.

Never runs ``playwright install``: the browser is the system one. Used by tests/test_browser_*.py
and runnable by hand: ``python -m tests.browser.harness page.html shot.png``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def chromium_path() -> str | None:
    """The system Chromium, or None (then browser tests skip)."""
    env = os.environ.get("PEERGRAPH_CHROMIUM")
    for candidate in [env] if env else ["chromium", "chromium-browser", "google-chrome"]:
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    return None


@dataclass
class PageRecord:
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def external_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]


@contextmanager
def browser() -> Iterator[object]:
    """A headless Chromium with a fresh, empty profile directory."""
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError("chromium not found")
    with tempfile.TemporaryDirectory(prefix="pg-chromium-") as profile:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile,
                executable_path=exe,
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport={"width": 1600, "height": 1000},
            )
            try:
                yield context
            finally:
                context.close()


def open_page(context, path: Path, record: PageRecord, *, timeout_ms: int = 60_000):
    """Open ``path`` from file://, recording requests, console errors, page errors, dialogs."""
    page = context.new_page()
    page.on("request", lambda req: record.requests.append(req.url))
    page.on(
        "console",
        lambda msg: record.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: record.page_errors.append(str(exc)))

    def on_dialog(dialog) -> None:
        record.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
    page.wait_for_selector("body[data-ready=true]", timeout=timeout_ms)
    return page


if __name__ == "__main__":  # pragma: no cover - manual use
    html, png = Path(sys.argv[1]), Path(sys.argv[2])
    rec = PageRecord()
    import time

    t0 = time.perf_counter()
    with browser() as ctx:
        pg = open_page(ctx, html, rec)
        print(f"opened in {time.perf_counter() - t0:.1f} s")
        pg.screenshot(path=str(png))
    print("requests:", len(rec.requests), "external:", rec.external_requests)
    print("console errors:", rec.console_errors, "page errors:", rec.page_errors)
