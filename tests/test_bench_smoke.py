"""A smoke run of the benchmark harness (``python -m benchmarks --quick``).

It checks that the harness runs and that its output is well formed: every scenario and
implementation present, positive figures, consistent statistics, a PNG chart. It does not check
timings. It needs the ``bench`` extra (anyio, trio, matplotlib), so it skips where only the
``test`` extra is installed; and it never touches the network: aiochannel 1.4.1 is measured only
if ``benchmarks/.legacy`` already holds it (``make bench`` installs it).
"""

from __future__ import annotations

import json
import math
import struct
import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest

pytest.importorskip("anyio")
pytest.importorskip("trio")
pytest.importorskip("matplotlib")
pytest.importorskip("uvloop")

ROOT = Path(__file__).resolve().parent.parent
LEGACY_STAMP = ROOT / "benchmarks" / ".legacy" / "REQUIREMENT"
LEGACY = LEGACY_STAMP.is_file()

SCENARIOS = {
    "spsc_unbounded": "1 producer -> 1 consumer, unbounded",
    "spsc_bounded_100": "1 producer -> 1 consumer, maxsize 100",
    "ping_pong": "1 producer -> 1 consumer, maxsize 1 (ping-pong)",
    "mpmc_4x4": "4 producers x 4 consumers, maxsize 64",
    "burst_nowait": "bursts of 1000 put_nowait, then 1000 get_nowait",
}
WITH_LEGACY: set[str] = {"legacy"} if LEGACY else set()
ON_ASYNCIO: set[str] = {"ours", "ours_views", "queue", "anyio", "trio", "floor"} | WITH_LEGACY
ON_UVLOOP: set[str] = ON_ASYNCIO - {"trio"}
MEMORY: set[str] = {"ours", "ours_views", "queue", "anyio", "trio"} | WITH_LEGACY
SPREAD_KEYS = {"median", "q1", "q3", "min", "max"}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "benchmarks", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("bench")
    done = _run("--quick", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done.stdout


def _obj(value: object) -> dict[str, object]:
    assert isinstance(value, dict), value
    return cast("dict[str, object]", value)


def _positive(value: object) -> float:
    assert isinstance(value, (int, float)), value
    assert not isinstance(value, bool)
    assert math.isfinite(value), value
    assert value > 0, value
    return float(value)


def _spread(value: object) -> dict[str, float]:
    fields = _obj(value)
    assert set(fields) == SPREAD_KEYS
    spread = {key: _positive(fields[key]) for key in SPREAD_KEYS}
    assert spread["min"] <= spread["q1"] <= spread["median"] <= spread["q3"] <= spread["max"]
    return spread


def test_results_json(smoke: tuple[Path, str]) -> None:
    out, _ = smoke
    doc = _obj(json.loads((out / "results.json").read_text(encoding="utf-8")))
    assert doc["schema"] == 1

    meta = _obj(doc["meta"])
    assert meta["repetitions"] == 1
    machine = _obj(meta["machine"])
    assert isinstance(machine["cpu"], str)
    assert machine["cpu"]
    _positive(machine["cores"])
    assert isinstance(meta["python"], str)
    assert meta["python"].startswith("CPython ") or meta["python"].startswith("PyPy ")
    versions = _obj(meta["versions"])
    for dist in ("aiochannel", "anyio", "trio", "uvloop", "matplotlib"):
        found = versions[dist]
        assert isinstance(found, str), dist
        assert found[0].isdigit(), (dist, found)
    import aiochannel

    assert versions["aiochannel"] == aiochannel.__version__
    if LEGACY:
        pinned = LEGACY_STAMP.read_text(encoding="utf-8").strip().partition("==")[2]
        assert versions["aiochannel_legacy"] == pinned
    else:
        assert versions["aiochannel_legacy"] is None

    scenarios = doc["scenarios"]
    assert isinstance(scenarios, list)
    assert [_obj(s)["key"] for s in cast("list[object]", scenarios)] == list(SCENARIOS)

    sections = _obj(doc["sections"])
    assert list(sections) == ["asyncio", "uvloop"]
    for section, expected in (("asyncio", ON_ASYNCIO), ("uvloop", ON_UVLOOP)):
        by_scenario = _obj(sections[section])
        assert list(by_scenario) == list(SCENARIOS)
        for key, title in SCENARIOS.items():
            scenario = _obj(by_scenario[key])
            assert scenario["title"] == title
            items = scenario["items"]
            assert isinstance(items, int)
            assert items > 0
            results = _obj(scenario["results"])
            assert set(results) == expected, (section, key)
            for impl, value in results.items():
                cell = _obj(value)
                assert cell["loop"] == ("trio" if impl == "trio" else section)
                ns = _spread(cell["ns_per_item"])
                rate = _spread(cell["items_per_s"])
                assert rate["median"] == pytest.approx(1e9 / ns["median"])
                samples = cell["samples_ns_per_item"]
                assert isinstance(samples, list)
                assert [_positive(s) for s in cast("list[object]", samples)] == [ns["median"]]
                _spread(cell["paired_ratio_to_methods"])
                _spread(cell["paired_ratio_to_views"])
                _positive(cell["ratio_to_methods"])
                _positive(cell["ratio_to_views"])
            assert _obj(results["ours"])["ratio_to_methods"] == 1.0
            assert _obj(results["ours_views"])["ratio_to_views"] == 1.0

    memory = _obj(doc["idle_memory_bytes_per_channel"])
    assert set(memory) == MEMORY
    for value in memory.values():
        entry = _obj(value)
        assert isinstance(entry["label"], str)
        _positive(entry["bytes"])


def test_markdown_and_terminal_tables(smoke: tuple[Path, str]) -> None:
    out, stdout = smoke
    markdown = (out / "results.md").read_text(encoding="utf-8")
    assert markdown.startswith("# aiochannel benchmark results\n")
    assert "## default asyncio event loop" in markdown
    assert "## uvloop" in markdown
    assert "## idle memory per channel (tracemalloc)" in markdown
    for title in SCENARIOS.values():
        assert f"| {title} | aiochannel (Channel methods) |" in markdown
        assert f"| {title} | asyncio.Queue |" in markdown
        assert f"-- {title} (" in stdout
    assert ("aiochannel 1.4.1" in markdown) is LEGACY
    assert "== uvloop ==" in stdout
    assert "== idle memory per channel (tracemalloc) ==" in stdout


def test_chart_is_a_png(smoke: tuple[Path, str]) -> None:
    out, _ = smoke
    data = (out / "chart.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 800
    assert height > 800


def test_require_legacy_without_it_fails(tmp_path: Path) -> None:
    done = _run(
        "--legacy", "require", "--legacy-dir", str(tmp_path / "none"), "--out", str(tmp_path)
    )
    assert done.returncode == 2
    assert done.stdout.strip() == (
        f"no aiochannel 1.x in {tmp_path / 'none'}: run python -m benchmarks.legacy_install"
    )
