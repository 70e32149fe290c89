"""No leftovers: a build killed by SIGTERM or SIGINT removes its temporary files, and the temporary
files of a run killed outright (SIGKILL) are removed by the next build.

Each build runs in a real subprocess that pauses inside its first export write (after a temporary
file exists) and says so through a marker file; the test then sends the signal.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

DRIVER = """
import os, sys, time
from pathlib import Path
import peergraph.export.writers as writers

marker = Path(sys.argv[1])
real_fdopen = os.fdopen

class Pausing:
    def __init__(self, fh):
        self.fh = fh
    def write(self, data):
        n = self.fh.write(data)
        self.fh.flush()
        if not marker.exists():
            marker.write_text("writing")
            for _ in range(6000):  # until the test's signal arrives
                time.sleep(0.1)
        return n
    def __getattr__(self, name):
        return getattr(self.fh, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.fh.close()

writers.os.fdopen = lambda fd, mode: Pausing(real_fdopen(fd, mode))
from peergraph.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _start_build(data: Path, out: Path, marker: Path) -> subprocess.Popen:
    args = [sys.executable, "-c", DRIVER, str(marker), "build", "--data", str(data)]
    proc = subprocess.Popen(
        [*args, "--out", str(out), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    while not marker.exists():  # bounded by the build itself: it either pauses or ends
        if proc.poll() is not None:
            pytest.fail(f"build ended before writing: {proc.stderr.read().decode()}")
        time.sleep(0.05)
    return proc


def _temps(out: Path) -> list[Path]:
    return sorted(out.rglob(".peergraph.*.tmp"))


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 130)]
)
def test_killed_build_removes_its_temporary_files(data_copy, tmp_path, sig, code):
    out = tmp_path / "out"
    proc = _start_build(data_copy, out, tmp_path / "marker")
    assert _temps(out), "the build should be inside its first write"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code
    assert b"Traceback" not in err
    assert _temps(out) == []


def test_next_build_removes_temporary_files_of_a_run_killed_outright(data_copy, tmp_path):
    out = tmp_path / "out"
    proc = _start_build(data_copy, out, tmp_path / "marker")
    proc.send_signal(signal.SIGKILL)  # nothing can clean up after this
    proc.communicate(timeout=120)
    left = _temps(out)
    assert len(left) == 1
    old_style = out / ".peergraph.ttl.abc123.tmp"  # name of an older version: no pid to check
    old_style.write_text("x", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "peergraph.cli", "build", "--data", str(data_copy)]
        + ["--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "removed   1 temporary file(s) left by a killed run" in done.stdout
    assert f"leftover  {old_style} (remove it by hand)" in done.stdout
    assert _temps(out) == [old_style]


def test_temporary_files_of_a_running_build_are_left_alone(tmp_path):
    from peergraph.export.writers import stale_temps

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        running = tmp_path / f".peergraph.{other.pid}.peergraph.ttl.x1.tmp"
        running.write_text("in progress", encoding="utf-8")
        assert stale_temps(tmp_path) == ([], [])
    finally:
        other.kill()
        other.wait()
    assert stale_temps(tmp_path) == ([running], [])


def test_scratch_folders_of_dead_runs_are_removed_and_live_ones_kept(tmp_path):
    """A build killed outright leaves its sorted-row chunks in ``peergraph-rows-<pid>-…`` (GBs
    at 100k findings); the next run removes that folder, not a running build's."""
    from peergraph.paths import remove_dead_scratch

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = tmp_path / f"peergraph-rows-{int(gone.stdout)}-abc"
    (dead / "chunk").mkdir(parents=True)
    live = tmp_path / f"peergraph-rows-{os.getpid()}-def"
    live.mkdir()
    odd = tmp_path / "peergraph-rows-xyz123"  # an older name: no pid to check
    odd.mkdir()
    assert remove_dead_scratch("rows", tmp_path) == [dead]
    assert not dead.exists() and live.is_dir() and odd.is_dir()
