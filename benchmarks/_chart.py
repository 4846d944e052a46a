"""The PNG chart: per loop, ns/item and the ratios to aiochannel per scenario; then idle memory."""

# matplotlib's stubs leave ``**kwargs`` unannotated on nearly every plotting method, which strict
# pyright reports as a partially unknown member type at each call; that rule alone is off here.
# pyright: reportUnknownMemberType=false

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ._report import METHODS, Impl, Results, Spread

__all__ = ["write_chart"]

_CHART_TITLES = {"asyncio": "default loop (trio: own loop)", "uvloop": "uvloop"}


# -- chart --------------------------------------------------------------------------------------


def write_chart(results: Results, path: Path) -> None:
    """A PNG: per loop, ns/item and the ratios to aiochannel per scenario; then idle memory.

    A cell that was not measured (anyio, trio and the bare deque in the cancellation scenarios;
    everything but ours, the ``alt`` row and asyncio.Queue in the composition scenarios) leaves a
    gap in its group of bars.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    sections = results.sections()
    scenarios = results.scenarios
    ticks = list(range(len(scenarios)))
    panel_height = 4.4
    width = max(18.0, 2.0 * len(scenarios))
    fig = Figure(figsize=(width, panel_height * 2 * len(sections) + 3.8), layout="constrained")
    grid = fig.add_gridspec(
        2 * len(sections) + 1, 1, height_ratios=[panel_height] * 2 * len(sections) + [2.6]
    )

    def bars(
        ax: Axes, section: str, impls: list[Impl], value: Callable[[str, str], Spread]
    ) -> None:
        width = 0.84 / len(impls)
        for i, impl in enumerate(impls):
            measured = [
                (j, value(scenario.key, impl.key))
                for j, scenario in enumerate(scenarios)
                if results.measured(section, scenario.key, impl.key)
            ]
            xs = [j - 0.42 + width * (i + 0.5) for j, _ in measured]
            medians = [spread.median for _, spread in measured]
            drawn = ax.bar(
                xs,
                medians,
                width=width,
                color=impl.color,
                label=impl.label,
                yerr=[
                    [spread.median - spread.q1 for _, spread in measured],
                    [spread.q3 - spread.median for _, spread in measured],
                ],
                capsize=1.5,
                error_kw={"elinewidth": 0.6},
            )
            labels = [f"{m:,.0f}" if m >= 10 else f"{m:.2f}" for m in medians]
            ax.bar_label(drawn, labels, rotation=90, fontsize=6, padding=2)
        ax.set_yscale("log")
        ax.set_xticks(ticks, [scenario.short for scenario in scenarios], fontsize="small")
        ax.set_xlim(-0.5, len(scenarios) - 0.5)
        ax.grid(axis="y", which="both", alpha=0.25)
        ax.set_ylim(top=ax.get_ylim()[1] * 4)  # room for the bar labels

    for row, section in enumerate(sections):
        title = _CHART_TITLES.get(section, section)
        impls = results.impls_in(section)

        def ns(scenario: str, impl: str, section: str = section) -> Spread:
            return results.ns(section, scenario, impl)

        def ratio(scenario: str, impl: str, section: str = section) -> Spread:
            value = results.ratio(section, scenario, impl)
            return Spread(value, value, value, value, value)

        top = fig.add_subplot(grid[2 * row, 0])
        bars(top, section, impls, ns)
        top.set_ylabel("ns per item (lower is better)")
        top.set_title(
            f"{title}: ns per item (median, IQR); cancellation scenarios: ns per cancelled "
            "waiter (anyio, trio, bare deque not measured there)\nselect, merge, get_many: "
            "against the same without the feature, on Channel and on asyncio.Queue (the "
            "asyncio.wait idiom loses items; its ns per item is per item put)\nfan-out: "
            "Broadcast per delivered item, Watch per set, drop_oldest per put; idle "
            "subscribers: ours has 1,000, the row without the feature 1",
            fontsize="medium",
        )

        bottom = fig.add_subplot(grid[2 * row + 1, 0])
        bars(bottom, section, [impl for impl in impls if impl.key != METHODS], ratio)
        bottom.axhline(1.0, color="black", linewidth=0.8)
        bottom.axhline(2.0, color="black", linewidth=0.8, linestyle="--")
        bottom.set_ylabel("row's ns per item / aiochannel methods'")
        bottom.set_title(
            f"{title}: ratio to aiochannel methods (>1: aiochannel faster; dashed: 2x; "
            "floor below 1: ours takes 1/ratio times the floor's cost; baseline: before/after)",
            fontsize="medium",
        )

    memory = fig.add_subplot(grid[2 * len(sections), 0])
    keys = list(results.memory)
    sizes = [results.memory[key] for key in keys]
    colors = {impl.key: impl.color for impl in results.impls}
    drawn = memory.barh(
        [results.memory_labels[key] for key in keys],
        sizes,
        color=[colors.get(key, "grey") for key in keys],
    )
    memory.bar_label(drawn, [f"{size:,.0f} B" for size in sizes], padding=3, fontsize="small")
    memory.invert_yaxis()
    memory.set_xlabel(
        "idle bytes per channel, or per subscriber where it says so (tracemalloc, lower is better)"
    )
    memory.set_xlim(0, max(sizes) * 1.12)

    handles, labels = fig.axes[0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="outside lower center", ncols=(len(labels) + 1) // 2, fontsize="small"
    )
    start, end = results.meta.get("load_average_at_start"), results.meta.get("load_average_at_end")
    load = ""
    if isinstance(start, list) and isinstance(end, list) and start and end:
        load = f", 1-min load average {start[0]} at start, {end[0]} at end"
    fig.suptitle(
        f"aiochannel benchmarks, {results.meta['repetitions']} interleaved repetitions, "
        f"{results.meta['created']}{load}\n{results.machine_line}",
        fontsize="medium",
    )
    fig.savefig(path, dpi=80)
