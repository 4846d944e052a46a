"""Soak: the randomized tests with fresh seeds, for as long as asked (``make soak SECONDS=300``).

Each round draws a seed and, on the default loop and on uvloop, runs
* a stress scenario (``_stress_support``: producers, consumers, random timeouts and cancellations;
  the seed also picks its shape), and
* a random walk of the model test (``test_model.random_walk``: the channel against the reference
  model, operation by operation);
* the randomized runs of handles, composition, stranded waiters, and fan-out (``test_broadcast``:
  subscribers of a lossless or lossy Broadcast joining, lagging, leaving and cancelled, some read
  by two tasks; Watch subscribers with several readers and timeouts);
and every tenth round the hypothesis state machine of ``test_model`` with fresh examples.

A failure prints its seed and the command that replays it, and the run goes on; the exit status
is 1 if anything failed. Stress scenarios depend on timing too, so a replay may need a few tries.

    python tests/soak.py --seconds 300
    python tests/soak.py --replay-stress SEED --loop uvloop
    python tests/soak.py --replay-walk SEED --loop asyncio
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import traceback
import warnings

import uvloop
from _stress_support import Scenario, run_composition, run_handles, run_scenario, run_stranded
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test
from test_broadcast import (
    test_subscribers_joining_lagging_leaving_and_cancelled,
    test_watch_subscribers_with_several_readers_and_timeouts,
)
from test_model import LOOPS, AsyncioChannelMachine, UvloopChannelMachine, random_walk

WALK_EPISODES = 100
WALK_LENGTH = 80
MACHINES = {"asyncio": AsyncioChannelMachine, "uvloop": UvloopChannelMachine}


def stress(seed: int, kind: str) -> None:
    main = run_scenario(Scenario.from_seed(seed))
    if kind == "asyncio":
        asyncio.run(main)
    else:
        uvloop.run(main)


def handles(seed: int, kind: str) -> None:
    main = run_handles(seed)
    if kind == "asyncio":
        asyncio.run(main)
    else:
        uvloop.run(main)


def composition(seed: int, kind: str) -> None:
    main = run_composition(seed, cancel_gets=seed % 4 != 0)
    if kind == "asyncio":
        asyncio.run(main)
    else:
        uvloop.run(main)


def fanout(seed: int, kind: str) -> None:
    """The randomized Broadcast run (lossless or lossy, by the seed), then the Watch one."""

    async def main() -> None:
        await test_subscribers_joining_lagging_leaving_and_cancelled(seed, lossy=seed % 2 == 1)
        await test_watch_subscribers_with_several_readers_and_timeouts(seed)

    if kind == "asyncio":
        asyncio.run(main())
    else:
        uvloop.run(main())


def stranded(seed: int, kind: str) -> None:
    factory = LOOPS[kind]
    run_stranded(seed, seed % 6, factory, factory)


def walk(seed: int, kind: str) -> None:
    random_walk(LOOPS[kind], seed, episodes=WALK_EPISODES, length=WALK_LENGTH)


def machine(kind: str) -> None:
    run_state_machine_as_test(
        MACHINES[kind],
        settings=settings(max_examples=300, derandomize=False, database=None, deadline=None),
    )


def replay_command(what: str, seed: int, kind: str) -> str:
    return f"{sys.executable} tests/soak.py --replay-{what} {seed} --loop {kind}"


def soak(seconds: float) -> int:
    deadline = time.monotonic() + seconds
    system = random.SystemRandom()
    rounds = failures = 0
    while time.monotonic() < deadline:
        seed = system.randrange(2**32)
        checks = [
            ("stress", stress),
            ("handles", handles),
            ("composition", composition),
            ("fanout", fanout),
            ("stranded", stranded),
            ("walk", walk),
        ]
        for kind in LOOPS:
            for what, check in checks:
                try:
                    check(seed, kind)
                except Exception:  # report it, and go on soaking
                    failures += 1
                    print(f"\nFAILED: {what} seed={seed} loop={kind}", flush=True)
                    traceback.print_exc()
                    print(f"replay: {replay_command(what, seed, kind)}\n", flush=True)
            if rounds % 10 == 9:
                try:
                    machine(kind)
                except Exception:
                    failures += 1
                    print(f"\nFAILED: hypothesis state machine on {kind}", flush=True)
                    traceback.print_exc()  # hypothesis prints the shrunk steps that fail
        rounds += 1
        if rounds % 20 == 0:
            left = max(0.0, deadline - time.monotonic())
            print(f"{rounds} rounds, {failures} failures, {left:.0f}s left", flush=True)
    print(f"soak: {rounds} rounds on {', '.join(LOOPS)}, {failures} failures")
    return 1 if failures else 0


def main() -> int:
    warnings.simplefilter("error")  # as under pytest
    parser = argparse.ArgumentParser(description="Soak the randomized tests with fresh seeds.")
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--replay-stress", type=int, metavar="SEED")
    parser.add_argument("--replay-walk", type=int, metavar="SEED")
    parser.add_argument("--replay-handles", type=int, metavar="SEED")
    parser.add_argument("--replay-stranded", type=int, metavar="SEED")
    parser.add_argument("--replay-composition", type=int, metavar="SEED")
    parser.add_argument("--replay-fanout", type=int, metavar="SEED")
    parser.add_argument("--loop", choices=list(LOOPS), default="asyncio")
    args = parser.parse_args()
    if args.replay_stress is not None:
        print(Scenario.from_seed(args.replay_stress).describe())
        stress(args.replay_stress, args.loop)
        print("passed")
        return 0
    for seed, check in (
        (args.replay_walk, walk),
        (args.replay_handles, handles),
        (args.replay_stranded, stranded),
        (args.replay_composition, composition),
        (args.replay_fanout, fanout),
    ):
        if seed is not None:
            check(seed, args.loop)
            print("passed")
            return 0
    return soak(args.seconds)


if __name__ == "__main__":
    sys.exit(main())
