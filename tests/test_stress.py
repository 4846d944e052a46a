"""Randomized cancellation stress: producers and consumers with random timeouts and cancellations.

Fixed seeds here; ``make soak`` runs fresh ones for as long as asked (see ``_stress_support``
for what each run checks).
"""

from __future__ import annotations

import asyncio

import pytest
import uvloop
from _stress_support import (
    Scenario,
    run_composition,
    run_handles,
    run_scenario,
    run_stranded,
)

CASES = [
    # maxsize 0 (unbounded), 1 and small values; one consumer (order checked whatever happens),
    # several consumers that cancel their gets, and several that do not (order checked).
    *(Scenario(seed, maxsize, 3, 1, 300) for seed, maxsize in ((1, 0), (2, 1), (3, 2), (4, 4))),
    *(Scenario(seed, maxsize, 3, 3, 300) for seed, maxsize in ((5, 0), (6, 1), (7, 2), (8, 3))),
    *(
        Scenario(seed, maxsize, 4, 3, 200, cancel_gets=False)
        for seed, maxsize in ((9, 0), (10, 1), (11, 2))
    ),
    # Closed at a random moment while producers still put.
    *(
        Scenario(seed, maxsize, 3, 3, 200, close_early=True)
        for seed, maxsize in ((12, 0), (13, 1), (14, 2))
    ),
    *(Scenario.from_seed(seed) for seed in range(101, 125)),
]


@pytest.mark.parametrize("sc", CASES, ids=[sc.describe().replace(" ", ",") for sc in CASES])
async def test_stress(sc: Scenario) -> None:
    record = await run_scenario(sc)
    assert any(record.received.values()) or not record.sent
    if not sc.close_early:
        assert record.sent


LOOP_KINDS = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}


@pytest.mark.parametrize("second", list(LOOP_KINDS))
@pytest.mark.parametrize("first", list(LOOP_KINDS))
@pytest.mark.parametrize("maxsize", [0, 1, 2, 5])
@pytest.mark.parametrize("seed", range(10))
def test_loop_closed_during_traffic(seed: int, maxsize: int, first: str, second: str) -> None:
    """Issue 14: waiters of a closed loop count as gone (what they held comes back)."""
    run_stranded(seed, maxsize, LOOP_KINDS[first], LOOP_KINDS[second])


@pytest.mark.parametrize("seed", range(40))
async def test_handles_closed_and_hung_up_during_traffic(seed: int) -> None:
    """Issue 15: per-handle close and hang-up race with puts, gets and cancellations."""
    await run_handles(seed)


@pytest.mark.parametrize("cancel_gets", [True, False])
@pytest.mark.parametrize("seed", range(25))
async def test_select_merge_and_get_many_racing_everything(seed: int, cancel_gets: bool) -> None:
    """Issue 16: exactly once through select, merge and get_many, whatever is cancelled."""
    await run_composition(seed, cancel_gets)
