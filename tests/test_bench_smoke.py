"""A smoke run of the benchmark harness (``python -m benchmarks --quick``).

It checks that the harness runs and that its output is well formed: every scenario and
implementation present (the baseline revision too: the smoke run passes ``--baseline HEAD``),
the explicit skips of the cancellation and composition scenarios, positive figures, consistent
statistics, the comparisons against the floor, asyncio.Queue, the baseline and (select, merge,
get_many, and the fan-out scenarios of Broadcast, Watch and lossy channels) the same without the
feature, the items the asyncio.wait idiom lost, a PNG chart; and that a baseline revision without
select/merge/get_many/Broadcast/overflow is skipped there with a note, not a crash. It does
not check timings. It needs the ``bench`` extra (anyio, trio, matplotlib), so it skips where
only the ``test`` extra is installed; and it never touches the network: aiochannel
1.4.1 is measured only if ``benchmarks/.legacy`` already holds it (``make bench`` installs it).
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
    "cancel_random": "20,000 waiting getters cancelled, random order (ns per cancelled waiter)",
    "cancel_oldest": "20,000 waiting getters cancelled, oldest first (ns per cancelled waiter)",
    "select_2": "select() over 2 channels, maxsize 64 each, 1 producer round-robin -> 1 consumer",
    "select_8": "select() over 8 channels, maxsize 64 each, 1 producer round-robin -> 1 consumer",
    "merge_4": "merge() of 4 channels, maxsize 64 each, 1 producer each -> 1 consumer",
    "get_many_100": "get_many(100) on a full channel (maxsize 1000, refilled in bursts of 1000)",
    "broadcast_1": (
        "Broadcast(64) to 1 subscriber, 1 producer await put -> 1 consumer "
        "(ns per delivered item: items x subscribers)"
    ),
    "broadcast_10": (
        "Broadcast(64) to 10 subscribers, 1 producer await put -> 10 consumers "
        "(ns per delivered item: items x subscribers)"
    ),
    "broadcast_100": (
        "Broadcast(64) to 100 subscribers, 1 producer await put -> 100 consumers "
        "(ns per delivered item: items x subscribers)"
    ),
    "broadcast_idle_1000": (
        "Broadcast(64, drop_oldest) put_nowait with 1,000 idle subscribers against 1 (ns per put)"
    ),
    "watch_8": "Watch: 1 producer set() then sleep(0) -> 8 subscribers (ns per set)",
    "lossy_put": (
        "Channel(100, overflow=drop_oldest) kept full: put_nowait drops one (ns per put)"
    ),
}
CANCEL_SCENARIOS = {"cancel_random", "cancel_oldest"}
#: The composition scenarios: what they need, and how many channels they have (fan-out: none).
COMPOSE: dict[str, tuple[str, int | None]] = {
    "select_2": ("select", 2),
    "select_8": ("select", 8),
    "merge_4": ("merge", 4),
    "get_many_100": ("get_many", 1),
    "broadcast_1": ("broadcast", None),
    "broadcast_10": ("broadcast", None),
    "broadcast_100": ("broadcast", None),
    "broadcast_idle_1000": ("broadcast_idle", None),
    "watch_8": ("watch", None),
    "lossy_put": ("lossy", None),
}
#: How a skip note names what a composition scenario needs.
FEATURE_NAMES = {
    "select": "select()",
    "merge": "merge()",
    "get_many": "get_many()",
    "broadcast": "Broadcast",
    "broadcast_idle": "Broadcast",
    "watch": "Watch",
    "lossy": "Channel(overflow=...)",
}
#: The fan-out scenarios: subscribers, and what one counted unit is.
FANOUT = {
    "broadcast_1": (1, "delivered item"),
    "broadcast_10": (10, "delivered item"),
    "broadcast_100": (100, "delivered item"),
    "broadcast_idle_1000": (1000, "put"),
    "watch_8": (8, "set"),
    "lossy_put": (None, "put"),
}
#: The fan-out scenarios without an asyncio.Queue row (skipped, with a note).
NO_QUEUE_ROW = {"broadcast_idle_1000", "watch_8"}
#: broadcast_idle_1000 names our rows: 1,000 idle subscribers (its alt row has 1).
IDLE = "broadcast_idle_1000"
IDLE_OURS = "Broadcast(64, drop_oldest), 1,000 idle subscribers"
SELECT_SCENARIOS = {"select_2", "select_8"}
SELECT_IDIOM = "Channel + asyncio.wait(FIRST_COMPLETED) over a get() task per channel"
#: The labels of the ``alt`` and asyncio.Queue rows in each composition scenario.
COMPOSE_LABELS = {
    "select_2": (
        f"{SELECT_IDIOM} (can lose items)",
        "asyncio.Queue + asyncio.wait idiom (can lose items)",
    ),
    "select_8": (
        f"{SELECT_IDIOM} (can lose items)",
        "asyncio.Queue + asyncio.wait idiom (can lose items)",
    ),
    "merge_4": (
        "Channel + a forwarding task per input into one Channel",
        "asyncio.Queue + a forwarding task per input into one Queue",
    ),
    "get_many_100": ("Channel, a loop of await get()", "asyncio.Queue, a loop of await get()"),
    "broadcast_1": (
        "a Channel(64) per subscriber, the producer puts every item into each",
        "an asyncio.Queue(64) per subscriber, every item into each, sentinels",
    ),
    "broadcast_10": (
        "a Channel(64) per subscriber, the producer puts every item into each",
        "an asyncio.Queue(64) per subscriber, every item into each, sentinels",
    ),
    "broadcast_100": (
        "a Channel(64) per subscriber, the producer puts every item into each",
        "an asyncio.Queue(64) per subscriber, every item into each, sentinels",
    ),
    "broadcast_idle_1000": ("the same Broadcast with 1 idle subscriber", ""),
    "watch_8": ("a shared value + an asyncio.Event that set() sets and replaces", ""),
    "lossy_put": (
        "Channel(100): if full(): get_nowait(); then put_nowait()",
        "asyncio.Queue(100): if full(): get_nowait(); then put_nowait()",
    ),
}
FLOOR_VARIANTS: dict[str, str | None] = {
    key: None
    if key in COMPOSE
    else "MpmcFloor"
    if key == "mpmc_4x4" or key in CANCEL_SCENARIOS
    else "SpscFloor"
    for key in SCENARIOS
}
WITH_LEGACY: set[str] = {"legacy"} if LEGACY else set()
ON_ASYNCIO: set[str] = {
    "ours",
    "ours_views",
    "baseline",
    "queue",
    "anyio",
    "trio",
    "floor",
    "bare",
} | WITH_LEGACY
ON_UVLOOP: set[str] = ON_ASYNCIO - {"trio"}
#: Not measured in the cancellation scenarios, and said so.
SKIPPED_IN_CANCEL = {"anyio", "trio", "bare"}
#: Not measured in the composition scenarios, and said so (1.4.1 has none of the features).
SKIPPED_IN_COMPOSE = {"anyio", "trio", "floor", "bare"} | WITH_LEGACY
MEMORY: set[str] = {
    "ours",
    "ours_views",
    "baseline",
    "broadcast",
    "subscriber",
    "queue",
    "anyio",
    "trio",
} | WITH_LEGACY
SPREAD_KEYS = {"median", "q1", "q3", "min", "max"}


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


HEAD = _git("rev-parse", "HEAD")
HEAD_SHORT = _git("rev-parse", "--short", "HEAD")
if HEAD is None or HEAD_SHORT is None:
    pytest.skip("the smoke run measures --baseline HEAD: needs git", allow_module_level=True)


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
    baselines = tmp_path_factory.mktemp("baselines")
    done = _run(
        "--quick", "--out", str(out), "--baseline", "HEAD", "--baseline-dir", str(baselines)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (baselines / str(HEAD) / "aiochannel" / "__init__.py").is_file()
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
    assert doc["schema"] == 3

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
    assert versions["aiochannel_baseline"] == aiochannel.__version__
    baseline = _obj(meta["baseline"])
    assert baseline["requested"] == "HEAD"
    assert baseline["revision"] == HEAD
    assert baseline["short"] == HEAD_SHORT
    assert baseline["label"] == f"aiochannel at {HEAD_SHORT}"
    assert isinstance(baseline["imported_from"], str)
    assert f"{HEAD}/aiochannel/" in baseline["imported_from"]
    assert _obj(doc["implementations"])["baseline"] == f"aiochannel at {HEAD_SHORT}"

    scenarios = doc["scenarios"]
    assert isinstance(scenarios, list)
    assert [_obj(s)["key"] for s in cast("list[object]", scenarios)] == list(SCENARIOS)
    for value in cast("list[object]", scenarios):
        scenario = _obj(value)
        key = scenario["key"]
        assert isinstance(key, str)
        assert scenario["floor_variant"] == FLOOR_VARIANTS[key]
        assert scenario["repetitions"] == 1
        assert scenario["cancel"] == (
            key.removeprefix("cancel_") if key in CANCEL_SCENARIOS else None
        )
        compose, channels = COMPOSE.get(key, (None, None))
        assert scenario["compose"] == compose
        assert scenario["channels"] == channels
        assert scenario["batch"] == (100 if key == "get_many_100" else None)
        subscribers, unit = FANOUT.get(key, (None, "item"))
        assert scenario["subscribers"] == subscribers
        assert scenario["unit"] == ("waiting getter" if key in CANCEL_SCENARIOS else unit)
    assert _obj(doc["labels_per_scenario"]) == {
        key: {"alt": alt, "queue": queue} | ({"ours": IDLE_OURS} if key == IDLE else {})
        for key, (alt, queue) in COMPOSE_LABELS.items()
    }

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
            assert scenario["floor_variant"] == FLOOR_VARIANTS[key]
            results = _obj(scenario["results"])
            skipped = _obj(scenario["skipped"])
            if key in CANCEL_SCENARIOS:
                assert set(results) == expected - SKIPPED_IN_CANCEL, (section, key)
                assert set(skipped) == expected & SKIPPED_IN_CANCEL, (section, key)
                for reason in skipped.values():
                    assert isinstance(_obj(reason)["reason"], str)
            elif key in COMPOSE:
                # HEAD, the baseline, has every feature: it is measured.
                no_queue: set[str] = {"queue"} if key in NO_QUEUE_ROW else set()
                measured = (expected - SKIPPED_IN_COMPOSE - no_queue) | {"alt"}
                assert set(results) == measured, (section, key)
                assert set(skipped) == expected & (SKIPPED_IN_COMPOSE | no_queue), (section, key)
                feature = FEATURE_NAMES[COMPOSE[key][0]]
                for impl, value in skipped.items():
                    reason = _obj(value)["reason"]
                    assert isinstance(reason, str)
                    if impl == "queue":
                        assert reason.startswith("no asyncio.Queue row: ")
                    else:
                        assert reason.startswith(f"has no {feature}")
                alt, queue = COMPOSE_LABELS[key]
                assert _obj(results["alt"])["label"] == alt
                if not no_queue:
                    assert _obj(results["queue"])["label"] == queue
                if key == IDLE:
                    assert _obj(results["ours"])["label"] == IDLE_OURS
                    assert _obj(results["ours_views"])["label"] == f"{IDLE_OURS}, through the views"
            else:
                assert set(results) == expected, (section, key)
                assert skipped == {}
            for impl, value in results.items():
                cell = _obj(value)
                assert cell["loop"] == ("trio" if impl == "trio" else section)
                if key in SELECT_SCENARIOS and impl in ("alt", "queue"):
                    # The asyncio.wait idiom: what it lost, and its ns per item received.
                    lost = cell["items_lost_per_run"]
                    assert isinstance(lost, list)
                    (gone,) = cast("list[object]", lost)
                    assert isinstance(gone, int)
                    assert 0 <= gone < items
                    received = _spread(cell["ns_per_item_received"])
                    assert received["median"] == pytest.approx(
                        _spread(cell["ns_per_item"])["median"] * items / (items - gone)
                    )
                    _spread(cell["paired_ratio_per_item_received_to_methods"])
                else:
                    assert "items_lost_per_run" not in cell
                    assert "ns_per_item_received" not in cell
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
            against = _obj(scenario["ours_against"])
            assert set(against) == {"ours", "ours_views"}
            for ours in ("ours", "ours_views"):
                versus = _obj(against[ours])
                references = {"queue", "floor", "baseline"}
                if key in COMPOSE:
                    references = {"alt", "baseline"}
                    if key not in NO_QUEUE_ROW:
                        references.add("queue")
                elif key not in CANCEL_SCENARIOS:
                    references.add("bare")
                assert set(versus) == references
                for reference in references:
                    comparison = _obj(versus[reference])
                    ratio = _positive(comparison["ours_over_reference"])
                    _positive(comparison["ratio_of_medians"])
                    assert _spread(comparison["paired_ours_over_reference"])["median"] == ratio
                    percent = comparison["percent_change_in_ns_per_item"]
                    assert percent == pytest.approx((ratio - 1) * 100)

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
    baseline = f"aiochannel at {HEAD_SHORT}"
    for key, title in SCENARIOS.items():
        ours = IDLE_OURS if key == IDLE else "aiochannel (Channel methods)"
        assert f"| {title} | {ours} |" in markdown
        assert f"| {title} | {baseline} |" in markdown
        assert f"-- {title} (" in stdout
        if key in FANOUT:
            # --quick: 200 counted units each (broadcast_100: 2 items to 100 subscribers)
            assert f"-- {title} (200 {FANOUT[key][1]}s, 1 repetition)" in stdout
        if key in COMPOSE:
            alt, queue = COMPOSE_LABELS[key]
            feature = FEATURE_NAMES[COMPOSE[key][0]]
            assert f"| {title} | {alt} |" in markdown
            named = f"ours ({IDLE_OURS})" if key == IDLE else "ours"
            assert f"- {title}: {named} / {alt} = " in markdown
            if key in NO_QUEUE_ROW:
                assert f"| {title} | asyncio.Queue | skipped: no asyncio.Queue row: " in markdown
            else:
                assert f"| {title} | {queue} |" in markdown
                assert f"- {title}: ours / {queue} = " in markdown
            for peer in ("anyio memory object stream", "floor (guarantee-preserving hand-off)"):
                assert f"| {title} | {peer} | skipped: has no {feature} |" in markdown
            if key in SELECT_SCENARIOS:
                assert f"- {title}: {alt}: lost " in markdown
                assert f"- {title}: {queue}: lost " in markdown
            for section in ("asyncio", "uvloop"):
                assert f"| {key} | {section} |" in markdown
            continue
        assert f"| {title} | asyncio.Queue |" in markdown
        assert f"| {title} | floor (guarantee-preserving hand-off) |" in markdown
        if key in CANCEL_SCENARIOS:
            assert f"| {title} | anyio memory object stream | skipped: " in markdown
            assert f"| {title} | bare deque (no-op await per put/get) | skipped: " in markdown
        else:
            assert f"| {title} | bare deque (no-op await per put/get) |" in markdown
        for section in ("asyncio", "uvloop"):
            assert f"| {key} | {section} |" in markdown
    for text in (markdown, stdout):
        assert "ours / floor (SpscFloor) = " in text
        assert "ours / floor (MpmcFloor) = " in text
        assert "ours / asyncio.Queue = " in text
        assert f"ours vs {baseline} (before -> after): " in text
    # (2 cancellation + 10 composition scenarios) x 2 loops; trio on the default loop only
    assert stdout.count("skipped: anyio memory object stream: ") == 24
    assert stdout.count("skipped: trio memory channel (trio loop): ") == 12
    assert stdout.count("skipped: asyncio.Queue: no asyncio.Queue row: ") == 2 * 2
    assert stdout.count(": has no select()") == 2 * 2 * len(SKIPPED_IN_COMPOSE - {"trio"}) + 2
    assert ("aiochannel 1.4.1" in markdown) is LEGACY
    assert "== uvloop ==" in stdout
    assert "== summary: aiochannel (Channel methods) against the references ==" in stdout
    assert "## Summary: aiochannel (Channel methods) against the references" in markdown
    assert (
        "| scenario | loop | ours ns/item | ours / Queue | ours / floor | ours / without | "
        f"ours vs {HEAD_SHORT} |" in markdown
    )
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


def test_a_bad_baseline_fails_before_measuring(tmp_path: Path) -> None:
    done = _run("--quick", "--baseline", "no-such-revision", "--out", str(tmp_path))
    assert done.returncode == 2
    # The last line (a note that aiochannel 1.x is not installed may come first).
    assert done.stdout.strip().splitlines()[-1] == (
        f"baseline: --baseline no-such-revision: not a git revision of {ROOT}"
    )
    assert not (tmp_path / "results.json").exists()


def test_a_baseline_is_extracted_once(tmp_path: Path) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks._baseline import Baseline, prepare

    first = prepare("HEAD", tmp_path)
    assert first == Baseline("HEAD", str(HEAD), str(HEAD_SHORT), tmp_path / str(HEAD))
    assert first.label == f"aiochannel at {HEAD_SHORT}"
    init = first.package_dir / "aiochannel" / "__init__.py"
    assert init.read_text(encoding="utf-8").strip() == _git(
        "show", "HEAD:src/aiochannel/__init__.py"
    )
    stamp = init.stat().st_mtime_ns
    again = prepare(str(HEAD_SHORT), tmp_path)  # the same commit, named otherwise
    assert again == Baseline(str(HEAD_SHORT), str(HEAD), str(HEAD_SHORT), first.package_dir)
    assert init.stat().st_mtime_ns == stamp  # not extracted again
    assert [path.name for path in tmp_path.iterdir()] == [str(HEAD)]  # no partial copy left


#: A revision before select(), merge() and get_many() (issue 16), measured as a baseline.
BEFORE_COMPOSITION = "7be6e03"


def test_a_baseline_without_the_features_is_skipped_there(tmp_path: Path) -> None:
    if _git("rev-parse", "--verify", "--quiet", f"{BEFORE_COMPOSITION}^{{commit}}") is None:
        pytest.skip(f"{BEFORE_COMPOSITION} is not in this clone's history")
    short = _git("rev-parse", "--short", BEFORE_COMPOSITION)
    keys = ("spsc_unbounded", "select_2", "merge_4", "get_many_100", "broadcast_100", "lossy_put")
    done = _run(
        "--quick",
        *(arg for key in keys for arg in ("--scenario", key)),
        "--loop",
        "asyncio",
        "--peer",
        "queue",
        "--peer",
        "alt",
        "--baseline",
        BEFORE_COMPOSITION,
        "--baseline-dir",
        str(tmp_path / "baselines"),
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    doc = _obj(json.loads((tmp_path / "results.json").read_text(encoding="utf-8")))
    section = _obj(_obj(doc["sections"])["asyncio"])
    plain = _obj(section["spsc_unbounded"])
    assert set(_obj(plain["results"])) == {"ours", "ours_views", "baseline", "queue"}
    assert "baseline" in _obj(_obj(plain["ours_against"])["ours"])
    for key in keys[1:]:
        feature = FEATURE_NAMES[COMPOSE[key][0]]
        scenario = _obj(section[key])
        assert set(_obj(scenario["results"])) == {"ours", "ours_views", "alt", "queue"}
        reason = f"has no {feature}: not measured in this scenario"
        assert _obj(scenario["skipped"]) == {
            "baseline": {"label": f"aiochannel at {short}", "reason": reason}
        }
        assert set(_obj(_obj(scenario["ours_against"])["ours"])) == {"queue", "alt"}
        assert f"  => skipped: aiochannel at {short}: {reason}\n" in done.stdout
