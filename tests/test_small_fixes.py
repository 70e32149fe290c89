"""Issue 15's smaller points, one test each: analyze into a closed pipe, render --setting on the
evidence map, import-bib's counts, and key clashes beyond the alphabet."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from peergraph.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_analyze_into_a_closed_pipe_still_writes_its_files(tmp_path):
    out = tmp_path / "analysis"
    proc = subprocess.Popen(
        [sys.executable, "-m", "peergraph.cli", "analyze", "--data", str(ROOT / "data")]
        + ["--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the first line (like `| head -0`)
    err = proc.stderr.read().decode()
    proc.wait(timeout=600)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err
    report = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert report  # written in full before the report was printed
    assert (out / "co-support.graphml").is_file()


def _map_data(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    found = re.search(r'<script id="pg-data" type="application/json">(.*?)</script>', text, re.S)
    assert found
    return json.loads(found.group(1))


def test_render_setting_filters_the_evidence_map(dataset, tmp_path, capsys):
    out = tmp_path / "view"
    code = main(["render", "--data", str(ROOT / "data"), "--out", str(out), "--setting"]
                + ["hospital", "--quiet"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    data = _map_data(out / "evidence-map.html")
    hospital = sorted(f.id for f in dataset.findings if "hospital" in f.settings)
    assert hospital == ["F07", "F11", "F14"]
    assert sorted(data["findings"]) == hospital
    assert list(data["rows"]) == ["hospital"]
    assert all(key.startswith("hospital|") for key in data["cells"])
    full = _map_data(ROOT / "exports" / "evidence-map.html")
    assert len(full["findings"]) > len(hospital)  # the unfiltered map has them all


BIB_ONE = "@article{a, author={Zed, A.}, title={One paper}, journal={J}, year={2021}}\n"


def test_import_bib_dry_run_counts_in_the_singular(data_copy, tmp_path, capsys):
    bib = tmp_path / "one.bib"
    bib.write_text(BIB_ONE, encoding="utf-8")
    assert main(["import-bib", str(bib), "--data", str(data_copy), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would add 1 paper, 0 already present, 0 conflicting duplicates, 0 entries skipped" in (
        out
    )
    assert "papers added" not in out
    assert not (data_copy / "papers.yaml").exists()


def test_any_number_of_key_clashes_get_unique_keys(data_copy, tmp_path):
    from peergraph.curate.bibimport import import_bib

    n = 60
    entries = "".join(
        f"@article{{k{i}, author={{Smith, J.}}, title={{Peer support study {i}}}, "
        f"journal={{J}}, year={{2020}}}}\n"
        for i in range(n)
    )
    bib = tmp_path / "many.bib"
    bib.write_text(entries, encoding="utf-8")
    keys = [r.key for r in import_bib(bib, data_copy).added]
    assert len(keys) == n == len(set(keys))
    assert keys[:3] == ["smith2020", "smith2020b", "smith2020c"]
    assert keys[25:28] == ["smith2020z", "smith2020aa", "smith2020ab"]
