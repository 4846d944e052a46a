"""Statistics over the samples, and the three outputs: terminal table, results files, chart.

Besides the table of every implementation per scenario, each scenario states our channel against
three references: ``ours / floor`` (how many times the floor's ns/item ours takes), ``ours /
asyncio.Queue``, and, with ``--baseline REV``, ``ours vs <sha>`` (the change in ns/item since that
revision, in percent: positive means ours got slower). A composition scenario (select, merge,
get_many) has no floor, and states ``ours / <the usual way>`` instead: against the ``alt`` row, the
same done with our ``Channel`` methods without the feature. The summary repeats them for every
scenario and loop in one table. A row whose workload can lose items (the ``asyncio.wait`` idiom)
also reports how many it lost per run.

Those comparisons are the median of the per-repetition ratios (ours / reference, both measured in
the same repetition), with their interquartile range; the ratio of the two medians is shown
beside it. On a noisy machine the paired ratio varies far less than either median: the runs of one
repetition see much the same machine.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._workloads import Scenario

__all__ = [
    "ALT",
    "BARE",
    "BASELINE",
    "FLOOR",
    "METHODS",
    "QUEUE",
    "VIEWS",
    "Impl",
    "Results",
    "Spread",
    "applies",
    "render_markdown",
    "render_terminal",
    "write_json",
]

#: The keys of our own two rows, against which every ratio is taken.
METHODS = "ours"
VIEWS = "ours_views"
#: The keys of the rows that ours is stated against, scenario by scenario.
QUEUE = "queue"
FLOOR = "floor"
BARE = "bare"
BASELINE = "baseline"
#: The row of the composition scenarios alone: the usual way without the feature, on our Channel.
ALT = "alt"

#: The class of ``benchmarks._floor`` that each ``Scenario.floor`` names.
FLOOR_CLASSES = {"spsc": "SpscFloor", "mpmc": "MpmcFloor"}


def applies(impl: str, scenario: Scenario) -> bool:
    """Whether ``impl`` has a row in ``scenario`` at all (measured or skipped with a note): the
    ``alt`` row belongs to the composition scenarios only."""
    return impl != ALT or bool(scenario.compose)


def _floor_class(scenario: Scenario) -> str | None:
    return None if scenario.floor is None else FLOOR_CLASSES[scenario.floor]


@dataclass(frozen=True)
class Impl:
    key: str
    label: str
    color: str


@dataclass(frozen=True)
class Spread:
    """Median, quartiles and extremes of a set of samples."""

    median: float
    q1: float
    q3: float
    min: float
    max: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Spread:
        if not samples:
            raise ValueError("no samples")
        if len(samples) == 1:
            q1 = q3 = samples[0]
        else:
            q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
        return cls(statistics.median(samples), q1, q3, min(samples), max(samples))

    def as_json(self) -> dict[str, float]:
        return {
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "min": self.min,
            "max": self.max,
        }


@dataclass(frozen=True)
class Comparison:
    """Ours against one reference row in one scenario and section."""

    ours: float  # our median ns/item
    theirs: float  # the reference's median ns/item
    paired: Spread  # ours / theirs within each repetition

    @property
    def ratio(self) -> float:
        """How many times their ns/item ours takes: the median of the per-repetition ratios."""
        return self.paired.median

    @property
    def of_medians(self) -> float:
        """Our median ns/item over theirs."""
        return self.ours / self.theirs

    @property
    def percent(self) -> float:
        """The change from theirs to ours in ns/item, in percent (positive: ours is slower), from
        the median of the per-repetition ratios."""
        return (self.ratio - 1.0) * 100.0


@dataclass
class Results:
    """Everything one run measured, plus where it ran."""

    meta: dict[str, object]
    machine_line: str  # one line for the chart and the tables
    scenarios: Sequence[Scenario]
    items: dict[str, int]  # items per run, by scenario key
    impls: Sequence[Impl]
    #: section ("asyncio" or "uvloop") -> implementation key -> loop it ran on
    loops: dict[str, dict[str, str]]
    #: scenario key -> repetitions it gets
    repetitions: dict[str, int] = field(default_factory=dict[str, int])
    #: scenario key -> implementation key -> why it is not measured in that scenario
    skipped: dict[str, dict[str, str]] = field(default_factory=dict[str, dict[str, str]])
    #: section -> scenario key -> implementation key -> ns/item, one per repetition, in order
    samples: dict[str, dict[str, dict[str, list[float]]]] = field(
        default_factory=dict[str, dict[str, dict[str, list[float]]]]
    )
    #: implementation key -> idle bytes per channel
    memory: dict[str, float] = field(default_factory=dict[str, float])
    memory_labels: dict[str, str] = field(default_factory=dict[str, str])
    #: section -> scenario key -> implementation key -> items lost, one per repetition, for the
    #: workloads that can lose items (the asyncio.wait idiom) only
    lost: dict[str, dict[str, dict[str, list[int]]]] = field(
        default_factory=dict[str, dict[str, dict[str, list[int]]]]
    )

    def add(
        self, section: str, scenario: str, impl: str, ns_per_item: float, lost: int | None = None
    ) -> None:
        by_scenario = self.samples.setdefault(section, {})
        by_scenario.setdefault(scenario, {}).setdefault(impl, []).append(ns_per_item)
        if lost is not None:
            by_lost = self.lost.setdefault(section, {})
            by_lost.setdefault(scenario, {}).setdefault(impl, []).append(lost)

    def sections(self) -> list[str]:
        return list(self.loops)

    def scenario(self, key: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.key == key:
                return scenario
        raise KeyError(key)

    def impls_in(self, section: str, scenario: str | None = None) -> list[Impl]:
        """The implementations of ``section``; with ``scenario``, only those measured in it."""
        impls = [impl for impl in self.impls if impl.key in self.loops[section]]
        if scenario is None:
            return impls
        skipped = self.skipped.get(scenario, {})
        found = self.scenario(scenario)
        return [impl for impl in impls if impl.key not in skipped and applies(impl.key, found)]

    def skipped_in(self, section: str, scenario: str) -> list[tuple[Impl, str]]:
        """The implementations of ``section`` not measured in ``scenario``, with the reason."""
        skipped = self.skipped.get(scenario, {})
        return [(impl, skipped[impl.key]) for impl in self.impls_in(section) if impl.key in skipped]

    def label(self, impl: str, scenario: str) -> str:
        """``impl``'s label in ``scenario``: a composition scenario says what its ``alt`` and
        asyncio.Queue rows do, and one with ``ours_label`` what our own rows measure."""
        found = self.scenario(scenario)
        if impl == METHODS and found.ours_label:
            return found.ours_label
        if impl == VIEWS and found.ours_label:
            return f"{found.ours_label}, through the views"
        if impl == ALT and found.alt_label:
            return found.alt_label
        if impl == QUEUE and found.queue_label:
            return found.queue_label
        return self.impl(impl).label

    def lost_in(self, section: str, scenario: str, impl: str) -> list[int] | None:
        """Items lost per repetition, or None for a workload that cannot lose any."""
        return self.lost.get(section, {}).get(scenario, {}).get(impl)

    def per_received(self, section: str, scenario: str, impl: str) -> list[float] | None:
        """For a workload that can lose items: its ns per item *received*, per repetition (the
        time of the run over the items that arrived, not the items put); None otherwise."""
        lost = self.lost_in(section, scenario, impl)
        if lost is None:
            return None
        n = self.items[scenario]
        samples = self.samples[section][scenario][impl]
        return [ns * n / (n - gone) for ns, gone in zip(samples, lost, strict=True)]

    def measured(self, section: str, scenario: str, impl: str) -> bool:
        return impl in self.samples.get(section, {}).get(scenario, {})

    def impl(self, key: str) -> Impl:
        for impl in self.impls:
            if impl.key == key:
                return impl
        raise KeyError(key)

    def ns(self, section: str, scenario: str, impl: str) -> Spread:
        return Spread.of(self.samples[section][scenario][impl])

    def ratio(self, section: str, scenario: str, impl: str, ours: str = METHODS) -> float:
        """``impl``'s median ns/item over ours: how many times faster ours moves items."""
        return self.ns(section, scenario, impl).median / self.ns(section, scenario, ours).median

    def paired_ratios(
        self, section: str, scenario: str, impl: str, ours: str = METHODS
    ) -> list[float]:
        """The same ratio within each repetition (the samples were taken side by side)."""
        theirs = self.samples[section][scenario][impl]
        mine = self.samples[section][scenario][ours]
        return [t / m for t, m in zip(theirs, mine, strict=True)]

    def compare(
        self, section: str, scenario: str, reference: str, ours: str = METHODS
    ) -> Comparison | None:
        """Ours against ``reference``, or None if either was not measured there."""
        if not self.measured(section, scenario, reference) or not self.measured(
            section, scenario, ours
        ):
            return None
        mine = self.samples[section][scenario][ours]
        theirs = self.samples[section][scenario][reference]
        return Comparison(
            ours=Spread.of(mine).median,
            theirs=Spread.of(theirs).median,
            paired=Spread.of([m / t for m, t in zip(mine, theirs, strict=True)]),
        )

    def baseline_label(self) -> str | None:
        keys = {impl.key for impl in self.impls}
        return self.impl(BASELINE).label if BASELINE in keys else None

    def as_json(self) -> dict[str, object]:
        sections: dict[str, object] = {}
        for section in self.sections():
            scenarios: dict[str, object] = {}
            for scenario in self.scenarios:
                cells: dict[str, object] = {}
                for impl in self.impls_in(section, scenario.key):
                    samples = self.samples[section][scenario.key][impl.key]
                    rates = [1e9 / s for s in samples]
                    paired_m = self.paired_ratios(section, scenario.key, impl.key, METHODS)
                    paired_v = self.paired_ratios(section, scenario.key, impl.key, VIEWS)
                    cell: dict[str, object] = {
                        "label": self.label(impl.key, scenario.key),
                        "loop": self.loops[section][impl.key],
                        "ns_per_item": Spread.of(samples).as_json(),
                        "items_per_s": Spread.of(rates).as_json(),
                        "samples_ns_per_item": samples,
                        "ratio_to_methods": self.ratio(section, scenario.key, impl.key, METHODS),
                        "ratio_to_views": self.ratio(section, scenario.key, impl.key, VIEWS),
                        "paired_ratio_to_methods": Spread.of(paired_m).as_json(),
                        "paired_ratio_to_views": Spread.of(paired_v).as_json(),
                    }
                    lost = self.lost_in(section, scenario.key, impl.key)
                    received = self.per_received(section, scenario.key, impl.key)
                    if lost is not None and received is not None:
                        mine = self.samples[section][scenario.key][METHODS]
                        cell["items_lost_per_run"] = lost
                        cell["ns_per_item_received"] = Spread.of(received).as_json()
                        cell["paired_ratio_per_item_received_to_methods"] = Spread.of(
                            [r / m for r, m in zip(received, mine, strict=True)]
                        ).as_json()
                    cells[impl.key] = cell
                summary: dict[str, object] = {}
                for ours in (METHODS, VIEWS):
                    versus: dict[str, object] = {}
                    for reference in REFERENCES:
                        found = self.compare(section, scenario.key, reference, ours)
                        if found is not None:
                            versus[reference] = {
                                "ours_over_reference": found.ratio,
                                "paired_ours_over_reference": found.paired.as_json(),
                                "ratio_of_medians": found.of_medians,
                                "percent_change_in_ns_per_item": found.percent,
                            }
                    summary[ours] = versus
                scenarios[scenario.key] = {
                    "title": scenario.title,
                    "items": self.items[scenario.key],
                    "repetitions": self.repetitions.get(scenario.key),
                    "floor_variant": _floor_class(scenario),
                    "results": cells,
                    "skipped": {
                        impl.key: {"label": self.label(impl.key, scenario.key), "reason": reason}
                        for impl, reason in self.skipped_in(section, scenario.key)
                    },
                    "ours_against": summary,
                }
            sections[section] = scenarios
        return {
            "schema": 3,
            "meta": self.meta,
            "ratio_definition": (
                "ratio_to_methods = median ns/item of the row / median ns/item of aiochannel "
                "(Channel methods), from the same run; above 1 means aiochannel moves items "
                "that many times faster than the row. ratio_to_views likewise against the "
                "sender/receiver views. ours_against[ours][reference].ours_over_reference is the "
                "median over the repetitions of ours / reference within each repetition "
                "(paired_ours_over_reference: its spread; ratio_of_medians: our median over "
                "theirs): against the floor, how many times the floor's ns/item ours takes. "
                "percent_change_in_ns_per_item = (ours_over_reference - 1) * 100; against the "
                "baseline revision, positive means ours got slower. In the cancellation "
                "scenarios an item is one cancelled waiting getter. In the composition scenarios "
                "(compose: select, merge, get_many) reference 'alt' is the same done with "
                "aiochannel's Channel methods without the feature; there is no floor; in the "
                "fan-out scenarios (compose: broadcast, broadcast_idle, watch, lossy) likewise, "
                "and an item is the scenario's unit (broadcast: one item delivered to one "
                "subscriber; watch: one set; lossy and broadcast_idle: one put); in "
                "broadcast_idle, ours has 1,000 idle subscribers and 'alt' the same broadcast with "
                "1, so ours_over_reference is what 999 more idle subscribers cost a put; "
                "items_lost_per_run counts the items a workload took from a channel and dropped "
                "(the asyncio.wait idiom), and its ns/item is still per item put."
            ),
            "scenarios": [
                {
                    "key": s.key,
                    "title": s.title,
                    "maxsize": s.maxsize,
                    "producers": s.producers,
                    "consumers": s.consumers,
                    "burst": s.burst,
                    "cancel": s.cancel or None,
                    "compose": s.compose or None,
                    "channels": s.channels or None,
                    "batch": s.batch or None,
                    "subscribers": s.subscribers or None,
                    "unit": s.noun,
                    "floor_variant": _floor_class(s),
                    "items": self.items[s.key],
                    "repetitions": self.repetitions.get(s.key),
                }
                for s in self.scenarios
            ],
            "implementations": {impl.key: impl.label for impl in self.impls},
            "labels_per_scenario": {
                s.key: {ALT: s.alt_label, QUEUE: s.queue_label}
                | ({METHODS: s.ours_label} if s.ours_label else {})
                for s in self.scenarios
                if s.compose
            },
            "sections": sections,
            "idle_memory_bytes_per_channel": {
                key: {"label": self.memory_labels[key], "bytes": value}
                for key, value in self.memory.items()
            },
        }


#: The rows that ours is stated against, in the results file.
REFERENCES = (QUEUE, FLOOR, BARE, BASELINE, ALT)

# -- tables -------------------------------------------------------------------------------------

_SECTION_TITLES = {
    "asyncio": "default asyncio event loop (trio: its own loop, for reference)",
    "uvloop": "uvloop",
}
_HEADER = (
    "implementation",
    "ns/item",
    "IQR",
    "min-max",
    "Mitem/s",
    "x methods",
    "x views",
)


def _fmt_ns(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _fmt_percent(value: float) -> str:
    return f"{value:+.1f}%"


def _rows(results: Results, section: str, scenario: Scenario) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for impl in results.impls_in(section, scenario.key):
        ns = results.ns(section, scenario.key, impl.key)
        rate = 1e3 / ns.median  # million items per second
        rows.append(
            (
                results.label(impl.key, scenario.key),
                _fmt_ns(ns.median),
                f"{_fmt_ns(ns.q1)}-{_fmt_ns(ns.q3)}",
                f"{_fmt_ns(ns.min)}-{_fmt_ns(ns.max)}",
                f"{rate:.2f}",
                f"{results.ratio(section, scenario.key, impl.key, METHODS):.2f}",
                f"{results.ratio(section, scenario.key, impl.key, VIEWS):.2f}",
            )
        )
    return rows


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _heading(results: Results, scenario: Scenario) -> str:
    return (
        f"{scenario.title} ({_count(results.items[scenario.key], scenario.noun)}, "
        f"{_count(results.repetitions.get(scenario.key, 0), 'repetition')})"
    )


def _spread_note(found: Comparison, percent: bool = False) -> str:
    paired = found.paired
    if percent:
        low, high = _fmt_percent((paired.q1 - 1) * 100), _fmt_percent((paired.q3 - 1) * 100)
        medians = _fmt_percent((found.of_medians - 1) * 100)
    else:
        low, high, medians = f"{paired.q1:.2f}", f"{paired.q3:.2f}", f"{found.of_medians:.2f}"
    return f"IQR {low} to {high}, ratio of medians {medians}"


def _verdicts(results: Results, section: str, scenario: Scenario) -> list[str]:
    """Ours against the floor, asyncio.Queue and the baseline, one plain line each."""
    lines: list[str] = []
    floor = results.compare(section, scenario.key, FLOOR)
    views = results.compare(section, scenario.key, FLOOR, VIEWS)
    if floor is not None and views is not None:
        lines.append(
            f"ours / floor ({_floor_class(scenario)}) = {floor.ratio:.2f}: ours takes "
            f"{floor.ratio:.2f} times the floor's ns/item ({_spread_note(floor)}; "
            f"views {views.ratio:.2f})"
        )
    alt = results.compare(section, scenario.key, ALT)
    views = results.compare(section, scenario.key, ALT, VIEWS)
    if alt is not None and views is not None:
        ours = f"ours ({scenario.ours_label})" if scenario.ours_label else "ours"
        lines.append(
            f"{ours} / {scenario.alt_label} = {alt.ratio:.2f}: it takes {1 / alt.ratio:.2f} "
            f"times ours' ns/item ({_spread_note(alt)}; views {views.ratio:.2f})"
        )
    queue = results.compare(section, scenario.key, QUEUE)
    views = results.compare(section, scenario.key, QUEUE, VIEWS)
    if queue is not None and views is not None:
        what = scenario.queue_label or "asyncio.Queue"
        lines.append(
            f"ours / {what} = {queue.ratio:.2f}: it takes "
            f"{1 / queue.ratio:.2f} times ours' ns/item ({_spread_note(queue)}; "
            f"views {views.ratio:.2f})"
        )
    for impl in results.impls_in(section, scenario.key):
        lost = results.lost_in(section, scenario.key, impl.key)
        received = results.per_received(section, scenario.key, impl.key)
        if lost is not None and received is not None:
            n = results.items[scenario.key]
            mine = results.samples[section][scenario.key][METHODS]
            paired = statistics.median(r / m for r, m in zip(received, mine, strict=True))
            lines.append(
                f"{results.label(impl.key, scenario.key)}: lost "
                f"{statistics.median(lost):,.0f} of {n:,} items per run (median; min-max "
                f"{min(lost):,}-{max(lost):,}; each taken by a task that was done too, then "
                f"dropped). Its ns/item above is per item put; per item received it is "
                f"{_fmt_ns(statistics.median(received))} ns, {paired:.2f} times ours' ns/item "
                "(median of the per-repetition ratios)"
            )
    label = results.baseline_label()
    base = results.compare(section, scenario.key, BASELINE)
    views = results.compare(section, scenario.key, BASELINE, VIEWS)
    if label is not None and base is not None and views is not None:
        lines.append(
            f"ours vs {label} (before -> after): {_fmt_percent(base.percent)} ns/item, "
            f"{'slower' if base.percent > 0 else 'faster'} "
            f"({_spread_note(base, percent=True)}; views {_fmt_percent(views.percent)})"
        )
    for impl, reason in results.skipped_in(section, scenario.key):
        lines.append(f"skipped: {impl.label}: {reason}")
    return lines


_SUMMARY_HEADER = (
    "scenario",
    "loop",
    "ours ns/item",
    "ours / Queue",
    "ours / floor",
    "ours / without",
)


def _summary_rows(results: Results) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Per scenario and loop: our ns/item and how it stands against Queue, floor and baseline."""
    label = results.baseline_label()
    short = None if label is None else label.removeprefix("aiochannel at ")
    header = _SUMMARY_HEADER + ((f"ours vs {short}",) if short is not None else ())
    rows: list[tuple[str, ...]] = []
    for scenario in results.scenarios:
        for section in results.sections():
            ours = results.ns(section, scenario.key, METHODS).median
            row = [scenario.key, section, _fmt_ns(ours)]
            for reference in (QUEUE, FLOOR, ALT):
                found = results.compare(section, scenario.key, reference)
                row.append("-" if found is None else f"{found.ratio:.2f}")
            if label is not None:
                found = results.compare(section, scenario.key, BASELINE)
                row.append("-" if found is None else _fmt_percent(found.percent))
            rows.append(tuple(row))
    return header, rows


def _explain(results: Results) -> list[str]:
    meta = results.meta
    counts = sorted(set(results.repetitions.values()))
    repetitions = " or ".join(str(count) for count in counts) or str(meta["repetitions"])
    lines = [
        f"load average (1/5/15 min) at start {meta.get('load_average_at_start')}, at end "
        f"{meta.get('load_average_at_end')} (more than the core count means other work ran "
        "alongside and inflated the absolute figures; ratios are from side-by-side runs).",
        f"ns/item: median over the scenario's repetitions ({repetitions}); IQR and min-max "
        "over the same repetitions; Mitem/s = 1000 / median ns/item. In the cancellation "
        "scenarios an item is one waiting getter, cancelled.",
        "x methods / x views: the row's median ns/item divided by aiochannel's (Channel methods "
        "/ sender+receiver views), same run: above 1 means aiochannel is that many times faster.",
        "ours / floor: aiochannel's ns/item divided by the floor's (the cheapest hand-off that "
        "keeps the same guarantees, benchmarks/_floor.py) in the same repetition, median over "
        "the repetitions: how many times the floor's cost ours takes. ours / asyncio.Queue "
        "likewise (below 1: ours is faster). The per-repetition ratio varies much less than "
        "the medians on a noisy machine; the IQR and the ratio of medians are given beside it.",
        "ours / without: in the composition scenarios (select, merge, get_many; they have no "
        "floor), aiochannel against the same done with its Channel methods without the "
        "feature (select: asyncio.wait(FIRST_COMPLETED) over a get() task per channel; merge: a "
        "forwarding task per input into one Channel; get_many: a loop of await get()), likewise; "
        "their asyncio.Queue row does the same on queues. The asyncio.wait idiom can lose items "
        "(two tasks done at once: the one not taken had taken an item); each run counts them; "
        "its ns/item (and every ratio) is per item put, and its ns per item received is given "
        "beside.",
        "Fan-out scenarios, likewise: broadcast_1, _10 and _100 (ns per delivered item, i.e. "
        "per item per subscriber) against a Channel per subscriber that the producer puts "
        "every item into; "
        "watch_8 (ns per set) against a shared value and an asyncio.Event that each set sets and "
        "replaces; lossy_put (ns per put) against get_nowait() before each put_nowait() on a "
        "full Channel(100); broadcast_idle_1000 (ns per put_nowait) with 1,000 idle subscribers "
        "against the same broadcast with 1: its ours / without is what 999 more idle "
        "subscribers cost a put (1.00: nothing).",
    ]
    label = results.baseline_label()
    if label is not None:
        lines.append(
            f"ours vs {label}: the change in ns/item from that revision (before) to this one "
            "(after), from the same per-repetition ratios (median): positive means ours got "
            "slower."
        )
    return lines


def _table(rows: Sequence[tuple[str, ...]], numeric_from: int = 1) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines: list[str] = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:numeric_from], widths, strict=False)]
        cells += [
            cell.rjust(width)
            for cell, width in zip(row[numeric_from:], widths[numeric_from:], strict=True)
        ]
        lines.append("  " + "  ".join(cells))
    return lines


def render_terminal(results: Results) -> str:
    lines: list[str] = [results.machine_line, *_explain(results)]
    for section in results.sections():
        lines += ["", f"== {_SECTION_TITLES.get(section, section)} =="]
        for scenario in results.scenarios:
            lines.append(f"-- {_heading(results, scenario)}")
            lines += _table([_HEADER, *_rows(results, section, scenario)])
            lines += [f"  => {line}" for line in _verdicts(results, section, scenario)]
    header, rows = _summary_rows(results)
    lines += ["", "== summary: aiochannel (Channel methods) against the references =="]
    lines += _table([header, *rows], numeric_from=2)
    lines += ["", "== idle memory per channel (tracemalloc) =="]
    width = max(len(label) for label in results.memory_labels.values())
    for key, size in results.memory.items():
        lines.append(f"  {results.memory_labels[key].ljust(width)}  {size:8,.0f} bytes")
    return "\n".join(lines)


def render_markdown(results: Results) -> str:
    lines = [
        "# aiochannel benchmark results",
        "",
        f"{results.machine_line}",
        "",
        f"Made by `{results.meta['command']}` at {results.meta['created']}.",
        "",
        *[f"- {line}" for line in _explain(results)],
    ]
    header, rows = _summary_rows(results)
    lines += ["", "## Summary: aiochannel (Channel methods) against the references", ""]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|---|---|" + "---:|" * (len(header) - 2))
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    for section in results.sections():
        lines += ["", f"## {_SECTION_TITLES.get(section, section)}", ""]
        lines.append("| scenario | " + " | ".join(_HEADER) + " |")
        lines.append("|---|" + "---|" * len(_HEADER))
        notes: list[str] = []
        for scenario in results.scenarios:
            for row in _rows(results, section, scenario):
                lines.append(f"| {scenario.title} | " + " | ".join(row) + " |")
            for impl, reason in results.skipped_in(section, scenario.key):
                blank = " | ".join([""] * (len(_HEADER) - 2))
                label = results.label(impl.key, scenario.key)
                lines.append(f"| {scenario.title} | {label} | skipped: {reason} | {blank} |")
            notes += [
                f"- {scenario.title}: {line}"
                for line in _verdicts(results, section, scenario)
                if not line.startswith("skipped: ")
            ]
        lines += ["", *notes]
    lines += [
        "",
        "## idle memory per channel (tracemalloc)",
        "",
        "| channel | bytes |",
        "|---|---|",
    ]
    for key, size in results.memory.items():
        lines.append(f"| {results.memory_labels[key]} | {size:,.0f} |")
    return "\n".join(lines) + "\n"


def write_json(results: Results, path: Path) -> None:
    path.write_text(json.dumps(results.as_json(), indent=2) + "\n", encoding="utf-8")
