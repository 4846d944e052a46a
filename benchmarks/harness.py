"""The benchmark harness: runs every scenario for aiochannel and its peers, side by side.

Within each repetition, for each scenario, every (implementation, loop) pair runs once, in an
order shuffled afresh (seeded), so that no implementation always runs first, last, or right after
a given other one. aiochannel 1.4.1 and the ``--baseline`` revision of ours each run in a worker
process (see ``benchmarks._worker``), called in the same interleaved order. Each run uses a fresh
event loop, with the garbage collector collected before and disabled during it. After a warm-up
pass (which also checks every workload), the repetitions are the samples: medians, quartiles and
extremes are over them. A scenario with ``max_repetitions`` (the cancellation scenarios) takes
part in that many of the first repetitions only.

The composition scenarios (select, merge, get_many) have a row of their own, ``alt``: the usual way
of doing the same with our ``Channel`` methods and without the feature. The peers that have no such
feature (anyio, trio, the floor, the bare deque) are skipped there, and so is a worker's package
that lacks it (aiochannel 1.4.1, or a ``--baseline`` revision before it), each with a note.

``python -m benchmarks --help`` lists the options; ``make bench`` runs the full set.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from aiochannel import (
    Broadcast,
    Channel,
    ChannelClosed,
    ChannelLagged,
    ReceiveChannel,
    SendChannel,
    Watch,
    merge,
    select,
)

from ._baseline import BASELINE_DIR, Baseline, BaselineError, prepare
from ._chart import write_chart
from ._floor import MpmcFloor, SpscFloor
from ._legacy import LEGACY_DIR, installed_requirement
from ._memory import idle_bytes
from ._peers import anyio_pair, run_anyio, run_trio, trio_pair
from ._report import (
    ALT,
    BARE,
    BASELINE,
    FLOOR,
    FLOOR_CLASSES,
    METHODS,
    QUEUE,
    VIEWS,
    Impl,
    Results,
    applies,
    render_markdown,
    render_terminal,
    write_json,
)
from ._worker import FEATURES, ROOT, PackageWorker
from ._workloads import (
    FANOUT,
    LOOPS,
    SCENARIOS,
    BroadcastEnds,
    BroadcastOverflow,
    Drained,
    Ends,
    FanOut,
    LoopName,
    Outcome,
    PutNowait,
    Scenario,
    WatchEnds,
    bare_workload,
    broadcast_idle_workload,
    channel_workload,
    compose_workload,
    fan_out_workload,
    fanout_workload,
    forward_workload,
    get_loop_workload,
    keep_latest_workload,
    latest_value_workload,
    queue_compose_workload,
    queue_fanout_workload,
    queue_workload,
    run_on_loop,
    select_idiom_workload,
)

__all__ = ["main"]

RESULTS_DIR = ROOT / "benchmarks" / "results"

#: Every implementation but the baseline, whose label names its revision (``_baseline_impl``).
IMPLS = (
    Impl(METHODS, "aiochannel (Channel methods)", "#1f77b4"),
    Impl(VIEWS, "aiochannel (sender/receiver views)", "#6baed6"),
    Impl(
        ALT,
        "aiochannel Channel without the feature (select: asyncio.wait idiom, can lose items;\n"
        "merge: forwarding tasks; get_many: a get() loop; Broadcast: a Channel per subscriber;\n"
        "Watch: a value + asyncio.Event; drop_oldest: get_nowait before put_nowait;\n"
        "idle subscribers: 1 instead of 1,000)",
        "#8c564b",
    ),
    Impl(QUEUE, "asyncio.Queue", "#ff7f0e"),
    Impl("legacy", "aiochannel 1.4.1", "#9467bd"),
    Impl("anyio", "anyio memory object stream", "#2ca02c"),
    Impl("trio", "trio memory channel (trio loop)", "#d62728"),
    Impl(FLOOR, "floor (guarantee-preserving hand-off)", "#525252"),
    Impl(BARE, "bare deque (no-op await per put/get)", "#bdbdbd"),
)
BASELINE_COLOR = "#17becf"
#: Where the baseline goes among the rows: right after our own two.
BASELINE_POSITION = 2


def _baseline_impl(baseline: Baseline) -> Impl:
    return Impl(BASELINE, baseline.label, BASELINE_COLOR)


#: The peers that have none of the composition features.
_WITHOUT_COMPOSITION = ("anyio", "trio", FLOOR, BARE)
#: The fan-out scenarios without an asyncio.Queue row, and why.
_NO_QUEUE_ROW = {
    "broadcast_idle": "no asyncio.Queue row: the scenario compares 1,000 idle subscribers with 1",
    "watch": "no asyncio.Queue row: the row without Watch is already plain asyncio",
}


def _skip_reason(impl: str, scenario: Scenario, workers: dict[str, PackageWorker]) -> str | None:
    """Why ``impl`` is not measured in ``scenario``, or None if it is."""
    if scenario.cancel and impl in ("anyio", "trio"):
        return "not measured in the cancellation scenarios (asyncio-shaped channels only)"
    if scenario.cancel and impl == BARE:
        return "cannot wait, so it has no waiting getters to cancel"
    if scenario.compose:
        feature = FEATURES[scenario.compose]
        if impl in _WITHOUT_COMPOSITION:
            return f"has no {feature}"
        if impl == QUEUE and scenario.compose in _NO_QUEUE_ROW:
            return _NO_QUEUE_ROW[scenario.compose]
        worker = workers.get(impl)
        if worker is not None and scenario.compose not in worker.features:
            return f"has no {feature}: not measured in this scenario"
    return None


def _ours_methods(maxsize: int) -> tuple[Channel[int], Channel[int], Callable[[], None]]:
    ch = Channel[int](maxsize)
    return ch, ch, ch.close


def _ours_views(
    maxsize: int,
) -> tuple[SendChannel[int], ReceiveChannel[int], Callable[[], None]]:
    ch = Channel[int](maxsize)
    tx, rx = ch.sender, ch.receiver
    return tx, rx, tx.close


def _missed(error: BaseException) -> int | None:
    return error.missed if isinstance(error, ChannelLagged) else None


def _broadcast(maxsize: int, overflow: BroadcastOverflow) -> BroadcastEnds:
    broadcast = Broadcast[int](maxsize, overflow=overflow)
    return broadcast, broadcast.subscribe, broadcast.close


def _broadcast_views(maxsize: int, overflow: BroadcastOverflow) -> BroadcastEnds:
    broadcast = Broadcast[int](maxsize, overflow=overflow)
    tx = broadcast.sender
    return tx, broadcast.subscribe, tx.close


def _watch(initial: int) -> WatchEnds:
    watch = Watch[int](initial)
    return watch.set, watch.subscribe, watch.close


def _watch_views(initial: int) -> WatchEnds:
    watch = Watch[int](initial)
    tx = watch.sender
    return tx.put_nowait, watch.subscribe, tx.close


def _lossy(maxsize: int) -> tuple[PutNowait, Drained]:
    ch = Channel[int](maxsize, overflow="drop_oldest")
    return ch, ch


def _lossy_views(maxsize: int) -> tuple[PutNowait, Drained]:
    ch = Channel[int](maxsize, overflow="drop_oldest")
    return ch.sender, ch.receiver


def _plain_channel(maxsize: int) -> Channel[int]:
    return Channel[int](maxsize)


#: Our fan-out features: with the Broadcast / Watch / Channel methods, and through their views.
_FANOUT_METHODS = FanOut(_broadcast, _watch, _lossy, _missed)
_FANOUT_VIEWS = FanOut(_broadcast_views, _watch_views, _lossy_views, _missed)


def _spsc_floor(maxsize: int) -> Ends:
    floor = SpscFloor(maxsize)
    return floor, floor, floor.close


def _mpmc_floor(maxsize: int) -> Ends:
    floor = MpmcFloor(maxsize)
    return floor, floor, floor.close


class _Runner:
    """Runs one implementation on one scenario: nanoseconds, and items lost if it can lose any."""

    def __init__(self, workers: dict[str, PackageWorker]) -> None:
        self.workers = workers

    def run(self, impl: str, scenario: Scenario, n: int, loop: LoopName) -> Outcome:
        if impl in self.workers:
            return Outcome(self.workers[impl].run(scenario.key, n, loop))
        if scenario.compose in FANOUT:
            return Outcome(run_on_loop(loop, lambda: self._fanout(impl, scenario, n)))
        if scenario.compose:
            return self._compose(impl, scenario, n, loop)
        return Outcome(self._plain(impl, scenario, n, loop))

    def _plain(self, impl: str, scenario: Scenario, n: int, loop: LoopName) -> int:
        if impl == METHODS:
            return run_on_loop(loop, lambda: channel_workload(_ours_methods, scenario, n))
        if impl == VIEWS:
            return run_on_loop(loop, lambda: channel_workload(_ours_views, scenario, n))
        if impl == QUEUE:
            return run_on_loop(loop, lambda: queue_workload(scenario, n))
        if impl == FLOOR:
            floor = _spsc_floor if scenario.floor == "spsc" else _mpmc_floor
            return run_on_loop(loop, lambda: channel_workload(floor, scenario, n))
        if impl == BARE:
            return run_on_loop(loop, lambda: bare_workload(scenario, n))
        if impl == "anyio":
            return run_anyio(scenario, n, loop)
        if impl == "trio":
            return run_trio(scenario, n)
        raise ValueError(f"{impl!r} is not measured in {scenario.key}")

    def _compose(self, impl: str, scenario: Scenario, n: int, loop: LoopName) -> Outcome:
        if impl == METHODS:
            return Outcome(
                run_on_loop(
                    loop, lambda: compose_workload(_ours_methods, select, merge, scenario, n)
                )
            )
        if impl == VIEWS:
            return Outcome(
                run_on_loop(loop, lambda: compose_workload(_ours_views, select, merge, scenario, n))
            )
        if impl == QUEUE:
            return run_on_loop(loop, lambda: queue_compose_workload(scenario, n))
        if impl == ALT:
            methods = _ours_methods
            if scenario.compose == "select":
                return run_on_loop(
                    loop, lambda: select_idiom_workload(methods, ChannelClosed, scenario, n)
                )
            if scenario.compose == "merge":
                return Outcome(run_on_loop(loop, lambda: forward_workload(methods, scenario, n)))
            return Outcome(run_on_loop(loop, lambda: get_loop_workload(methods, scenario, n)))
        raise ValueError(f"{impl!r} is not measured in {scenario.key}")

    async def _fanout(self, impl: str, scenario: Scenario, n: int) -> int:
        if impl == METHODS:
            return await fanout_workload(_FANOUT_METHODS, scenario, n)
        if impl == VIEWS:
            return await fanout_workload(_FANOUT_VIEWS, scenario, n)
        if impl == QUEUE:
            return await queue_fanout_workload(scenario, n)
        if impl != ALT:
            raise ValueError(f"{impl!r} is not measured in {scenario.key}")
        if scenario.compose == "broadcast":
            return await fan_out_workload(_ours_methods, scenario, n)
        if scenario.compose == "broadcast_idle":
            return await broadcast_idle_workload(_FANOUT_METHODS, 1, scenario, n)
        if scenario.compose == "watch":
            return await latest_value_workload(scenario, n)
        return await keep_latest_workload(_plain_channel, scenario, n)


# -- where it ran -------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def _load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine skews the figures."""
    try:
        return [round(load, 2) for load in os.getloadavg()]
    except OSError:
        return None


def _git_revision() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    revision = git("rev-parse", "--short", "HEAD")
    if not revision:
        return "unknown revision"
    if git("status", "--porcelain", "--", "src"):
        revision += " + uncommitted changes in src/"
    return revision


def _meta(
    args: argparse.Namespace,
    legacy: PackageWorker | None,
    baseline: tuple[Baseline, PackageWorker] | None,
    argv: list[str],
) -> tuple[dict[str, object], str]:
    """The run's metadata for the results file, and the one-line summary of it."""
    import aiochannel

    machine: dict[str, object] = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
    }
    python = f"{platform.python_implementation()} {platform.python_version()}"
    versions: dict[str, str | None] = {
        "aiochannel": aiochannel.__version__,
        "aiochannel_revision": _git_revision(),
        "aiochannel_legacy": legacy.version if legacy is not None else None,
        "aiochannel_baseline": baseline[1].version if baseline is not None else None,
        "anyio": _version("anyio"),
        "trio": _version("trio"),
        "uvloop": _version("uvloop"),
        "matplotlib": _version("matplotlib"),
    }
    meta: dict[str, object] = {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["python -m benchmarks", *argv]),
        "machine": machine,
        "python": python,
        "versions": versions,
        "repetitions": args.repetitions,
        "seed": args.seed,
        "memory_channels": args.memory_channels,
        "load_average_at_start": _load_average(),
        "baseline": None
        if baseline is None
        else {
            "requested": baseline[0].requested,
            "revision": baseline[0].revision,
            "short": baseline[0].short,
            "label": baseline[0].label,
            "version": baseline[1].version,
            "imported_from": baseline[1].location,
        },
        "floors": {key: f"benchmarks._floor.{name}" for key, name in FLOOR_CLASSES.items()},
        "method": (
            "interleaved: per repetition and scenario, every (implementation, loop) pair once "
            "in a freshly shuffled order; fresh event loop per run; gc collected before and "
            "disabled during each run; one warm-up pass first; the cancellation scenarios take "
            "part in their first max_repetitions repetitions only"
        ),
    }
    before = (
        f"baseline {baseline[0].label} ({baseline[0].requested})"
        if baseline is not None
        else "no baseline"
    )
    line = (
        f"{machine['cpu']}, {machine['cores']} cores; {python}; "
        f"aiochannel {versions['aiochannel']} ({versions['aiochannel_revision']}), {before}, "
        f"aiochannel {versions['aiochannel_legacy'] or '1.x: not measured'}, "
        f"anyio {versions['anyio']}, trio {versions['trio']}, uvloop {versions['uvloop']}"
    )
    return meta, line


# -- memory -------------------------------------------------------------------------------------


def _measure_memory(
    count: int, legacy: PackageWorker | None, baseline: tuple[Baseline, PackageWorker] | None
) -> tuple[dict[str, float], dict[str, str]]:
    import trio
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    def ours() -> tuple[object, ...]:
        return (Channel[int](),)

    def ours_views() -> tuple[object, ...]:
        ch = Channel[int]()
        _ = ch.sender, ch.receiver
        return (ch,)

    def queue() -> tuple[object, ...]:
        return (asyncio.Queue[int](),)

    def anyio_streams() -> tuple[object, ...]:
        return anyio_pair()

    def trio_channels() -> tuple[object, ...]:
        return trio_pair()

    def close(obj: object) -> None:
        if isinstance(
            obj,
            (
                MemoryObjectSendStream,
                MemoryObjectReceiveStream,
                trio.MemorySendChannel,
                trio.MemoryReceiveChannel,
            ),
        ):
            obj.close()

    def broadcast() -> tuple[object, ...]:
        return (Broadcast[int](64),)

    hub = Broadcast[int](64)

    def subscriber() -> tuple[object, ...]:
        return (hub.subscribe(),)

    makers: list[tuple[str, str, Callable[[], tuple[object, ...]]]] = [
        (VIEWS, "aiochannel Channel + sender + receiver", ours_views),
        (METHODS, "aiochannel Channel (no views made)", ours),
        ("broadcast", "aiochannel Broadcast(64), no subscriber", broadcast),
        ("subscriber", "aiochannel Broadcast: per idle subscriber (subscribe())", subscriber),
        ("queue", "asyncio.Queue", queue),
        ("anyio", "anyio memory object stream pair", anyio_streams),
        ("trio", "trio memory channel pair", trio_channels),
    ]
    sizes: dict[str, float] = {}
    labels: dict[str, str] = {}

    async def measure() -> None:
        for key, label, make in makers:
            sizes[key] = idle_bytes(make, count, close)
            labels[key] = label
            if key == METHODS and baseline is not None:
                sizes[BASELINE] = baseline[1].idle_bytes(count)
                labels[BASELINE] = f"{baseline[0].label} Channel (no views made)"
            if key == QUEUE and legacy is not None:
                sizes["legacy"] = legacy.idle_bytes(count)
                labels["legacy"] = f"aiochannel {legacy.version} Channel"

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(measure())
    finally:
        loop.close()
    return sizes, labels


# -- main ---------------------------------------------------------------------------------------


def _items(scenario: Scenario, args: argparse.Namespace) -> int:
    unit = scenario.unit
    if args.quick:
        return unit * max(1, 200 // unit)
    wanted = scenario.items * float(args.scale)
    return max(unit, round(wanted / unit) * unit)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark aiochannel against asyncio.Queue, aiochannel 1.4.1, anyio, trio, "
        "the floor (the cheapest hand-off with the same guarantees) and a bare deque; with "
        "--baseline, against an earlier revision of itself too.",
    )
    parser.add_argument("--repetitions", type=int, default=12, help="samples per figure")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every item count")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: about 200 items per scenario, one repetition, no warm-up",
    )
    parser.add_argument("--seed", type=int, default=20240505, help="seed of the run order")
    parser.add_argument(
        "--memory-channels", type=int, default=1000, help="channels per memory figure"
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="directory for the results")
    parser.add_argument("--legacy-dir", type=Path, default=LEGACY_DIR)
    parser.add_argument(
        "--legacy",
        choices=("auto", "require", "skip"),
        default="auto",
        help="aiochannel 1.4.1: 'auto' measures it if --legacy-dir holds it (install it with "
        "'python -m benchmarks.legacy_install'), 'require' fails if not",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also measure src/aiochannel of this git revision (before/after from one run); it "
        "is extracted with git archive into --baseline-dir/<full sha> unless already there",
    )
    parser.add_argument("--baseline-dir", type=Path, default=BASELINE_DIR)
    parser.add_argument(
        "--scenario",
        action="append",
        choices=[scenario.key for scenario in SCENARIOS],
        help="run only this scenario (repeatable; default: all)",
    )
    parser.add_argument(
        "--loop",
        action="append",
        choices=LOOPS,
        help="run only on this asyncio loop (repeatable; default: both)",
    )
    parser.add_argument(
        "--peer",
        action="append",
        choices=[impl.key for impl in IMPLS if impl.key not in (METHODS, VIEWS)],
        help="measure only this peer besides aiochannel (repeatable; default: all; the "
        "--baseline revision is measured whenever given)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.repetitions = 1
        args.memory_channels = min(args.memory_channels, 50)
    if args.repetitions < 1:
        parser.error("--repetitions must be at least 1")
    return args


def _repetitions(scenario: Scenario, args: argparse.Namespace) -> int:
    wanted: int = args.repetitions
    return min(wanted, scenario.max_repetitions) if scenario.max_repetitions else wanted


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parse(argv)
    started = time.perf_counter()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    legacy_dir: Path = args.legacy_dir
    scenarios = [s for s in SCENARIOS if args.scenario is None or s.key in args.scenario]
    section_names = [loop for loop in LOOPS if args.loop is None or loop in args.loop]
    peers: set[str] = {impl.key for impl in IMPLS} if args.peer is None else set(args.peer)
    if args.peer is not None and "legacy" not in peers:
        args.legacy = "skip"
    use_legacy = args.legacy != "skip" and installed_requirement(legacy_dir) is not None
    if args.legacy == "require" and not use_legacy:
        print(f"no aiochannel 1.x in {legacy_dir}: run python -m benchmarks.legacy_install")
        return 2
    if args.legacy == "auto" and not use_legacy:
        print(f"note: aiochannel 1.x not measured (nothing installed in {legacy_dir})")
    baseline_rev: Baseline | None = None
    if args.baseline is not None:
        try:
            baseline_rev = prepare(args.baseline, args.baseline_dir)
        except BaselineError as exc:
            print(f"baseline: {exc}")
            return 2

    with ExitStack() as stack:
        legacy = (
            stack.enter_context(PackageWorker(legacy_dir, "aiochannel 1.4.1"))
            if use_legacy
            else None
        )
        baseline = (
            (
                baseline_rev,
                stack.enter_context(PackageWorker(baseline_rev.package_dir, baseline_rev.label)),
            )
            if baseline_rev is not None
            else None
        )
        workers = {"legacy": legacy} if legacy is not None else {}
        impls = [
            impl
            for impl in IMPLS
            if impl.key in (METHODS, VIEWS)
            or (impl.key in peers and (impl.key != "legacy" or legacy is not None))
        ]
        if baseline is not None:
            workers[BASELINE] = baseline[1]
            impls.insert(BASELINE_POSITION, _baseline_impl(baseline[0]))
        impl_keys = [impl.key for impl in impls]
        loops: dict[str, dict[str, str]] = {}
        for name in section_names:
            loops[name] = {key: name for key in impl_keys if key != "trio" or name == "asyncio"}
            if "trio" in loops[name]:
                loops[name]["trio"] = "trio"
        items = {scenario.key: _items(scenario, args) for scenario in scenarios}
        repetitions = {scenario.key: _repetitions(scenario, args) for scenario in scenarios}
        skipped: dict[str, dict[str, str]] = {}
        for scenario in scenarios:
            for key in impl_keys:
                reason = _skip_reason(key, scenario, workers)
                if reason is not None and applies(key, scenario):
                    skipped.setdefault(scenario.key, {})[key] = reason
        meta, machine_line = _meta(args, legacy, baseline, argv)
        results = Results(
            meta=meta,
            machine_line=machine_line,
            scenarios=scenarios,
            items=items,
            impls=impls,
            loops=loops,
            repetitions=repetitions,
            skipped=skipped,
        )
        runner = _Runner(workers)
        jobs = {
            scenario.key: [
                (section, key)
                for section in loops
                for key in loops[section]
                if applies(key, scenario) and key not in skipped.get(scenario.key, {})
            ]
            for scenario in scenarios
        }
        rng = random.Random(args.seed)

        if not args.quick:
            print("warm-up ...", file=sys.stderr, flush=True)
            for scenario in scenarios:
                n = max(scenario.unit, items[scenario.key] // 10 // scenario.unit * scenario.unit)
                for section, key in jobs[scenario.key]:
                    runner.run(key, scenario, n, _loop(section))
        for repetition in range(args.repetitions):
            print(
                f"repetition {repetition + 1}/{args.repetitions} "
                f"({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
            for scenario in scenarios:
                order = list(jobs[scenario.key])
                rng.shuffle(order)
                if repetition >= repetitions[scenario.key]:
                    continue
                n = items[scenario.key]
                for section, key in order:
                    ns, lost = runner.run(key, scenario, n, _loop(section))
                    results.add(section, scenario.key, key, ns / n, lost)
        results.memory, results.memory_labels = _measure_memory(
            args.memory_channels, legacy, baseline
        )
        meta["load_average_at_end"] = _load_average()

    write_json(results, out / "results.json")
    (out / "results.md").write_text(render_markdown(results), encoding="utf-8")
    write_chart(results, out / "chart.png")
    print(render_terminal(results))
    print(
        f"\nwrote {out / 'results.json'}, {out / 'results.md'}, {out / 'chart.png'} "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return 0


def _loop(section: str) -> LoopName:
    return "uvloop" if section == "uvloop" else "asyncio"
