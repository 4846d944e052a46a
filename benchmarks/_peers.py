"""The anyio and trio peers, each in its own idiom: task groups / nurseries, one clone of each end
per task, and consumers iterating with ``async for`` until every send end is closed.

anyio runs on its asyncio backend (on uvloop through ``backend_options={"use_uvloop": True}``);
trio runs on its own loop, as a reference.
"""

from __future__ import annotations

import math
from time import perf_counter_ns
from typing import Protocol

import anyio
import trio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ._workloads import LoopName, Scenario, check, timed

__all__ = ["anyio_pair", "run_anyio", "run_trio", "trio_pair"]


def _buffer(maxsize: int) -> float:
    return maxsize or math.inf


class _NowaitSend(Protocol):
    def send_nowait(self, item: int, /) -> None: ...


class _NowaitReceive(Protocol):
    def receive_nowait(self) -> int: ...


def _burst(send: _NowaitSend, receive: _NowaitReceive, burst: int, n: int) -> int:
    """Nanoseconds for ``n`` items in bursts of ``send_nowait`` then ``receive_nowait`` (both peers
    spell them alike)."""
    last = -1
    start = perf_counter_ns()
    for _ in range(n // burst):
        for i in range(burst):
            send.send_nowait(i)
        for _ in range(burst):
            last = receive.receive_nowait()
    elapsed = perf_counter_ns() - start
    check(last == burst - 1, f"last item {last}")
    return elapsed


# -- anyio --------------------------------------------------------------------------------------


def anyio_pair(
    maxsize: int = 0,
) -> tuple[MemoryObjectSendStream[int], MemoryObjectReceiveStream[int]]:
    return anyio.create_memory_object_stream[int](_buffer(maxsize))


async def _anyio_produce(send: MemoryObjectSendStream[int], start: int, count: int) -> None:
    async with send:
        for i in range(start, start + count):
            await send.send(i)


async def _anyio_consume(receive: MemoryObjectReceiveStream[int], counts: list[int]) -> None:
    count = 0
    async with receive:
        async for _ in receive:
            count += 1
    counts.append(count)


async def _anyio_main(scenario: Scenario, n: int) -> int:
    if scenario.burst:
        send, receive = anyio_pair()
        with send, receive:
            return _burst(send, receive, scenario.burst, n)
    send, receive = anyio_pair(scenario.maxsize)
    per_producer = n // scenario.producers
    counts: list[int] = []
    start = perf_counter_ns()
    async with anyio.create_task_group() as tg:
        with send, receive:
            for _ in range(scenario.consumers):
                tg.start_soon(_anyio_consume, receive.clone(), counts)
            for k in range(scenario.producers):
                tg.start_soon(_anyio_produce, send.clone(), k * per_producer, per_producer)
    elapsed = perf_counter_ns() - start
    check(sum(counts) == n, f"received {sum(counts)} of {n} items")
    return elapsed


def run_anyio(scenario: Scenario, n: int, loop: LoopName) -> int:
    """Nanoseconds to move ``n`` items through an anyio memory object stream."""
    return timed(
        lambda: anyio.run(
            _anyio_main,
            scenario,
            n,
            backend="asyncio",
            backend_options={"use_uvloop": loop == "uvloop"},
        )
    )


# -- trio ---------------------------------------------------------------------------------------


def trio_pair(
    maxsize: int = 0,
) -> tuple[trio.MemorySendChannel[int], trio.MemoryReceiveChannel[int]]:
    return trio.open_memory_channel[int](_buffer(maxsize))


async def _trio_produce(send: trio.MemorySendChannel[int], start: int, count: int) -> None:
    async with send:
        for i in range(start, start + count):
            await send.send(i)


async def _trio_consume(receive: trio.MemoryReceiveChannel[int], counts: list[int]) -> None:
    count = 0
    async with receive:
        async for _ in receive:
            count += 1
    counts.append(count)


async def _trio_main(scenario: Scenario, n: int) -> int:
    if scenario.burst:
        send, receive = trio_pair()
        with send, receive:
            return _burst(send, receive, scenario.burst, n)
    send, receive = trio_pair(scenario.maxsize)
    per_producer = n // scenario.producers
    counts: list[int] = []
    start = perf_counter_ns()
    async with trio.open_nursery() as nursery:
        with send, receive:
            for _ in range(scenario.consumers):
                nursery.start_soon(_trio_consume, receive.clone(), counts)
            for k in range(scenario.producers):
                nursery.start_soon(_trio_produce, send.clone(), k * per_producer, per_producer)
    elapsed = perf_counter_ns() - start
    check(sum(counts) == n, f"received {sum(counts)} of {n} items")
    return elapsed


def run_trio(scenario: Scenario, n: int) -> int:
    """Nanoseconds to move ``n`` items through a trio memory channel, on trio's own loop."""
    return timed(lambda: trio.run(_trio_main, scenario, n))
