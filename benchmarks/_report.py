"""Statistics over the samples, and the three outputs: terminal table, results files, chart."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._workloads import Scenario

__all__ = [
    "METHODS",
    "VIEWS",
    "Impl",
    "Results",
    "Spread",
    "render_markdown",
    "render_terminal",
    "write_json",
]

#: The keys of our own two rows, against which every ratio is taken.
METHODS = "ours"
VIEWS = "ours_views"


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
    #: section -> scenario key -> implementation key -> ns/item, one per repetition, in order
    samples: dict[str, dict[str, dict[str, list[float]]]] = field(
        default_factory=dict[str, dict[str, dict[str, list[float]]]]
    )
    #: implementation key -> idle bytes per channel
    memory: dict[str, float] = field(default_factory=dict[str, float])
    memory_labels: dict[str, str] = field(default_factory=dict[str, str])

    def add(self, section: str, scenario: str, impl: str, ns_per_item: float) -> None:
        by_scenario = self.samples.setdefault(section, {})
        by_scenario.setdefault(scenario, {}).setdefault(impl, []).append(ns_per_item)

    def sections(self) -> list[str]:
        return list(self.loops)

    def impls_in(self, section: str) -> list[Impl]:
        return [impl for impl in self.impls if impl.key in self.loops[section]]

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

    def as_json(self) -> dict[str, object]:
        sections: dict[str, object] = {}
        for section in self.sections():
            scenarios: dict[str, object] = {}
            for scenario in self.scenarios:
                cells: dict[str, object] = {}
                for impl in self.impls_in(section):
                    samples = self.samples[section][scenario.key][impl.key]
                    rates = [1e9 / s for s in samples]
                    paired_m = self.paired_ratios(section, scenario.key, impl.key, METHODS)
                    paired_v = self.paired_ratios(section, scenario.key, impl.key, VIEWS)
                    cells[impl.key] = {
                        "label": impl.label,
                        "loop": self.loops[section][impl.key],
                        "ns_per_item": Spread.of(samples).as_json(),
                        "items_per_s": Spread.of(rates).as_json(),
                        "samples_ns_per_item": samples,
                        "ratio_to_methods": self.ratio(section, scenario.key, impl.key, METHODS),
                        "ratio_to_views": self.ratio(section, scenario.key, impl.key, VIEWS),
                        "paired_ratio_to_methods": Spread.of(paired_m).as_json(),
                        "paired_ratio_to_views": Spread.of(paired_v).as_json(),
                    }
                scenarios[scenario.key] = {
                    "title": scenario.title,
                    "items": self.items[scenario.key],
                    "results": cells,
                }
            sections[section] = scenarios
        return {
            "schema": 1,
            "meta": self.meta,
            "ratio_definition": (
                "ratio_to_methods = median ns/item of the row / median ns/item of aiochannel "
                "(Channel methods), from the same run; above 1 means aiochannel moves items "
                "that many times faster than the row. ratio_to_views likewise against the "
                "sender/receiver views."
            ),
            "scenarios": [
                {
                    "key": s.key,
                    "title": s.title,
                    "maxsize": s.maxsize,
                    "producers": s.producers,
                    "consumers": s.consumers,
                    "burst": s.burst,
                    "items": self.items[s.key],
                }
                for s in self.scenarios
            ],
            "implementations": {impl.key: impl.label for impl in self.impls},
            "sections": sections,
            "idle_memory_bytes_per_channel": {
                key: {"label": self.memory_labels[key], "bytes": value}
                for key, value in self.memory.items()
            },
        }


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


def _rows(results: Results, section: str, scenario: Scenario) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for impl in results.impls_in(section):
        ns = results.ns(section, scenario.key, impl.key)
        rate = 1e3 / ns.median  # million items per second
        rows.append(
            (
                impl.label,
                _fmt_ns(ns.median),
                f"{_fmt_ns(ns.q1)}-{_fmt_ns(ns.q3)}",
                f"{_fmt_ns(ns.min)}-{_fmt_ns(ns.max)}",
                f"{rate:.2f}",
                f"{results.ratio(section, scenario.key, impl.key, METHODS):.2f}",
                f"{results.ratio(section, scenario.key, impl.key, VIEWS):.2f}",
            )
        )
    return rows


def _explain(results: Results) -> list[str]:
    meta = results.meta
    return [
        f"load average (1/5/15 min) at start {meta.get('load_average_at_start')}, at end "
        f"{meta.get('load_average_at_end')} (more than the core count means other work ran "
        "alongside and inflated the absolute figures; ratios are from side-by-side runs).",
        f"ns/item: median over {results.meta['repetitions']} repetitions; IQR and min-max "
        "over the same repetitions; Mitem/s = 1000 / median ns/item.",
        "x methods / x views: the row's median ns/item divided by aiochannel's (Channel methods "
        "/ sender+receiver views), same run: above 1 means aiochannel is that many times faster.",
    ]


def render_terminal(results: Results) -> str:
    lines: list[str] = [results.machine_line, *_explain(results)]
    for section in results.sections():
        lines += ["", f"== {_SECTION_TITLES.get(section, section)} =="]
        for scenario in results.scenarios:
            rows = [_HEADER, *_rows(results, section, scenario)]
            widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
            lines.append(f"-- {scenario.title} ({results.items[scenario.key]:,} items)")
            for row in rows:
                cells = [row[0].ljust(widths[0])]
                cells += [
                    cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
                ]
                lines.append("  " + "  ".join(cells))
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
    for section in results.sections():
        lines += ["", f"## {_SECTION_TITLES.get(section, section)}", ""]
        lines.append("| scenario | " + " | ".join(_HEADER) + " |")
        lines.append("|---|" + "---|" * len(_HEADER))
        for scenario in results.scenarios:
            for row in _rows(results, section, scenario):
                lines.append(f"| {scenario.title} | " + " | ".join(row) + " |")
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
