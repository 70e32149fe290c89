"""README's two set-up commands are what CI runs, and CI names only files that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", section, re.S)]


def test_ci_runs_the_readme_setup_commands_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = _readme_commands()
    assert len(commands) == 2
    for command in commands:
        assert command in ci.splitlines(), command


def test_ci_names_only_files_that_exist():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    named = set(re.findall(r"(?:tests|benchmarks|src|docs)/[\w./-]+\.(?:py|sh|md)", ci))
    assert "tests/install-system-deps.sh" in named
    assert [p for p in sorted(named) if not (ROOT / p).is_file()] == []
