"""The benchmark's floors (``benchmarks/_floor.py``) keep the guarantees they are measured for.

A floor that lost an item, let a ``*_nowait`` barge, or skipped the thread check would flatter the
ratio it is compared by, so both variants are checked here: a randomized exercise (producers and
consumers, random ``Task.cancel()`` and ``asyncio.wait_for`` timeouts) that checks exactly-once
delivery and per-producer order, and one test per guarantee. Every async test runs on asyncio's
default loop and on uvloop (``tests/conftest.py``).
"""

from __future__ import annotations

import asyncio
import gc
import random
import sys
import weakref
from collections.abc import Callable, Coroutine
from pathlib import Path

import pytest
import uvloop

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` run as a script does not put the project root on the path
    sys.path.insert(0, str(ROOT))

from benchmarks._floor import (  # noqa: E402
    FloorClosed,
    FloorEmpty,
    FloorFull,
    MpmcFloor,
    SpscFloor,
)

Floor = SpscFloor | MpmcFloor
FLOORS: list[type[Floor]] = [SpscFloor, MpmcFloor]
LOOP_FACTORIES: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop,
    "uvloop": uvloop.new_event_loop,
}
#: Encodes (producer, sequence number) in one int: the floors carry ints only.
STRIDE = 1_000_000
#: What ``op()`` returns for an operation that was cancelled.
CANCELLED = object()


async def settle(rounds: int = 5) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0)


# -- the randomized exercise --------------------------------------------------------------------


async def _exercise(
    make: Callable[[int], Floor], seed: int, producers: int, consumers: int, maxsize: int
) -> None:
    """Producers and consumers with random cancellations and timeouts; checks exactly-once delivery
    and, with one consumer, per-producer order. At most one put per producer and one get per
    consumer is in flight at a time (which is all ``SpscFloor`` allows with one of each)."""
    rng = random.Random(seed)
    floor = make(maxsize)
    per_producer = 120
    put: list[int] = []  # the items of the puts that returned
    received: list[list[int]] = [[] for _ in range(consumers)]
    in_flight: list[asyncio.Task[object]] = []
    stop = asyncio.Event()

    def checked() -> None:
        broken = floor.invariants()
        assert not broken, broken

    async def op(coro: Coroutine[object, object, object]) -> object:
        """Run one operation in a task of its own, which ``chaos()`` may cancel; returns
        ``CANCELLED`` if it was (raising only if the caller itself is cancelled)."""
        task = asyncio.ensure_future(coro)
        in_flight.append(task)
        try:
            await asyncio.wait([task])
        finally:
            in_flight.remove(task)
            checked()
        return CANCELLED if task.cancelled() else task.result()

    def cancel_one() -> None:
        if in_flight:
            rng.choice(in_flight).cancel()

    def timeout() -> float:
        return rng.choice((0.0, 0.0, 1e-5, 1e-4, 1e-3))

    async def produce(p: int) -> None:
        for seq in range(per_producer):
            item = p * STRIDE + seq
            mode = rng.random()
            try:
                if mode < 0.2:
                    floor.put_nowait(item)
                elif mode < 0.45:
                    await asyncio.wait_for(floor.put(item), timeout())
                elif await op(floor.put(item)) is CANCELLED:
                    continue
            except (FloorFull, asyncio.TimeoutError):
                checked()
                await asyncio.sleep(0)
                continue
            checked()
            put.append(item)
            if rng.random() < 0.3:
                cancel_one()  # often a getter that this put has just promised its item to

    async def consume(c: int) -> None:
        while True:
            mode = rng.random()
            try:
                if mode < 0.15:
                    item = floor.get_nowait()
                elif mode < 0.4:
                    item = await asyncio.wait_for(floor.get(), timeout())
                else:
                    got = await op(floor.__anext__() if mode < 0.6 else floor.get())
                    if got is CANCELLED:
                        continue
                    assert isinstance(got, int)
                    item = got
            except FloorEmpty:
                checked()
                await asyncio.sleep(0)
                continue
            except asyncio.TimeoutError:
                checked()
                continue
            except (FloorClosed, StopAsyncIteration):
                checked()
                return
            checked()
            received[c].append(item)
            if rng.random() < 0.2:
                cancel_one()  # often a putter that this get has just granted a slot to

    async def chaos() -> None:
        while not stop.is_set():
            for _ in range(rng.randint(0, 3)):
                await asyncio.sleep(0)
            checked()
            if rng.random() < 0.5:
                cancel_one()

    async def produce_then_close() -> None:
        await asyncio.gather(*(produce(p) for p in range(producers)))
        floor.close()
        checked()

    chaos_task = asyncio.ensure_future(chaos())
    try:
        # The first failure anywhere ends the test (gather raises it at once).
        await asyncio.wait_for(
            asyncio.gather(produce_then_close(), *(consume(c) for c in range(consumers))), 30
        )
    finally:
        stop.set()
    await chaos_task
    checked()

    everything = [item for items in received for item in items]
    assert len(set(everything)) == len(everything), "an item was received twice"
    assert sorted(everything) == sorted(put), "received items differ from the puts that returned"
    assert len(put) > per_producer * producers // 4, "too few puts returned to test anything"
    if consumers == 1:
        for p in range(producers):
            seqs = [item % STRIDE for item in received[0] if item // STRIDE == p]
            assert seqs == sorted(seqs), f"producer {p}'s items arrived out of order"


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("maxsize", [0, 1, 2, 5])
async def test_spsc_floor_delivers_exactly_once_in_order(seed: int, maxsize: int) -> None:
    await _exercise(SpscFloor, seed, producers=1, consumers=1, maxsize=maxsize)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    ("producers", "consumers", "maxsize"),
    [(1, 1, 1), (3, 1, 2), (4, 1, 0), (1, 3, 0), (2, 2, 1), (4, 4, 3), (3, 5, 64)],
)
async def test_mpmc_floor_delivers_exactly_once(
    seed: int, producers: int, consumers: int, maxsize: int
) -> None:
    await _exercise(MpmcFloor, seed, producers, consumers, maxsize)


# -- one guarantee at a time --------------------------------------------------------------------


@pytest.mark.parametrize("make", FLOORS)
async def test_an_item_put_while_a_getter_waits_is_promised_to_it(make: type[Floor]) -> None:
    floor = make(0)
    getter = asyncio.ensure_future(floor.get())
    await settle()
    floor.put_nowait(1)
    with pytest.raises(FloorEmpty):
        floor.get_nowait()  # no barging: the item is the waiting getter's
    assert await getter == 1


@pytest.mark.parametrize("make", FLOORS)
async def test_a_slot_freed_while_a_putter_waits_is_granted_to_it(make: type[Floor]) -> None:
    floor = make(1)
    floor.put_nowait(0)
    putter = asyncio.ensure_future(floor.put(1))
    await settle()
    assert floor.get_nowait() == 0
    with pytest.raises(FloorFull):
        floor.put_nowait(2)  # no barging: the slot is the waiting putter's
    await putter
    assert floor.get_nowait() == 1


@pytest.mark.parametrize("make", FLOORS)
async def test_put_with_room_and_get_with_an_item_never_yield(make: type[Floor]) -> None:
    floor = make(2)
    ran: list[bool] = []
    asyncio.get_running_loop().call_soon(ran.append, True)
    await floor.put(1)
    await floor.put(2)
    assert await floor.get() == 1
    assert await floor.__anext__() == 2
    assert not ran
    await settle()
    assert ran


@pytest.mark.parametrize("make", FLOORS)
async def test_close_ends_iteration_once_drained(make: type[Floor]) -> None:
    floor = make(2)
    floor.put_nowait(1)
    floor.put_nowait(2)
    putter = asyncio.ensure_future(floor.put(3))
    await settle()
    floor.close()
    with pytest.raises(FloorClosed):
        await putter
    with pytest.raises(FloorClosed):
        floor.put_nowait(4)
    assert [item async for item in floor] == [1, 2]
    with pytest.raises(FloorClosed):
        await floor.get()
    with pytest.raises(FloorClosed):
        floor.get_nowait()


@pytest.mark.parametrize("make", FLOORS)
async def test_close_dismisses_a_waiting_getter(make: type[Floor]) -> None:
    floor = make(0)
    getter = asyncio.ensure_future(floor.get())
    iterator = asyncio.ensure_future(floor.__anext__()) if make is MpmcFloor else None
    await settle()
    floor.close()
    with pytest.raises(FloorClosed):
        await getter
    if iterator is not None:
        with pytest.raises(StopAsyncIteration):
            await iterator


@pytest.mark.parametrize("make", FLOORS)
async def test_a_promised_getter_cancelled_returns_its_item_to_the_head(make: type[Floor]) -> None:
    floor = make(0)
    getter = asyncio.ensure_future(floor.get())
    await settle()
    floor.put_nowait(1)  # promised to the getter
    floor.put_nowait(2)
    getter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await getter
    assert floor.get_nowait() == 1
    assert floor.get_nowait() == 2


async def test_a_promised_getter_cancelled_passes_the_promise_on() -> None:
    floor = MpmcFloor(0)
    first = asyncio.ensure_future(floor.get())
    second = asyncio.ensure_future(floor.get())
    await settle()
    floor.put_nowait(1)  # promised to the first
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await second == 1
    with pytest.raises(FloorEmpty):
        floor.get_nowait()


@pytest.mark.parametrize("make", FLOORS)
async def test_close_with_room_refuses_puts(make: type[Floor]) -> None:
    floor = make(0)
    floor.close()
    with pytest.raises(FloorClosed):
        floor.put_nowait(1)
    with pytest.raises(FloorClosed):
        await floor.put(1)
    assert not floor.invariants()


async def test_each_waiting_getter_is_promised_an_item_in_turn() -> None:
    floor = MpmcFloor(0)
    getters = [asyncio.ensure_future(floor.get()) for _ in range(2)]
    await settle()
    floor.put_nowait(1)  # promised to the first getter
    floor.put_nowait(2)  # and this one to the second, not left in the buffer
    with pytest.raises(FloorEmpty):
        floor.get_nowait()
    assert [await getter for getter in getters] == [1, 2]


async def test_a_getter_left_behind_a_cancelled_one_is_still_promised() -> None:
    floor = MpmcFloor(0)
    getters = [asyncio.ensure_future(floor.get()) for _ in range(3)]
    await settle()
    getters[0].cancel()
    await settle()  # the cancelled getter has left; the other two still wait
    assert not floor.invariants()
    floor.put_nowait(1)
    with pytest.raises(FloorEmpty):
        floor.get_nowait()
    floor.put_nowait(2)
    assert [await getter for getter in getters[1:]] == [1, 2]


async def test_every_slot_freed_goes_to_the_putters_in_turn() -> None:
    floor = MpmcFloor(1)
    floor.put_nowait(0)
    putters = [asyncio.ensure_future(floor.put(i)) for i in (1, 2, 3)]
    await settle()
    got: list[int] = []
    for _ in range(3):
        got.append(floor.get_nowait())  # grants the freed slot to the oldest waiting putter
        assert not floor.invariants()
        await settle()  # which fills it
    assert got == [0, 1, 2]
    assert all(putter.done() for putter in putters)
    assert floor.get_nowait() == 3


async def test_a_cancelled_getter_receives_nothing() -> None:
    floor = MpmcFloor(0)
    first = asyncio.ensure_future(floor.get())
    second = asyncio.ensure_future(floor.get())
    await settle()
    first.cancel()  # not yet resumed: its future is cancelled, and still in the line
    floor.put_nowait(1)
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await second == 1


async def test_a_granted_putter_cancelled_passes_the_slot_on() -> None:
    floor = MpmcFloor(1)
    floor.put_nowait(0)
    first = asyncio.ensure_future(floor.put(1))
    second = asyncio.ensure_future(floor.put(2))
    await settle()
    assert floor.get_nowait() == 0  # grants the slot to the first putter
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    await second
    assert floor.get_nowait() == 2
    with pytest.raises(FloorEmpty):
        floor.get_nowait()  # the cancelled put added nothing


async def test_a_slot_freed_by_a_promise_is_granted_to_the_next_putter() -> None:
    floor = MpmcFloor(1)
    floor.put_nowait(0)
    first = asyncio.ensure_future(floor.put(1))
    await settle()
    # In one loop iteration: the first getter takes 0 and grants the slot to the first putter;
    # the second getter finds nothing and waits; the second putter finds no room and waits.
    # Only then does the first putter resume.
    getters = [asyncio.ensure_future(floor.get()) for _ in range(2)]
    second = asyncio.ensure_future(floor.put(2))
    await settle()
    # The first putter's item went straight to the waiting getter, so its slot was free again,
    # and granted at once to the second putter.
    assert first.done()
    assert [await getter for getter in getters] == [0, 1]
    assert second.done()
    assert floor.get_nowait() == 2


async def test_a_granted_spsc_putter_cancelled_frees_its_slot() -> None:
    floor = SpscFloor(1)
    floor.put_nowait(0)
    putter = asyncio.ensure_future(floor.put(1))
    await settle()
    assert floor.get_nowait() == 0
    putter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await putter
    floor.put_nowait(2)
    assert floor.get_nowait() == 2
    with pytest.raises(FloorEmpty):
        floor.get_nowait()


async def test_close_keeps_a_getter_for_each_outstanding_promise() -> None:
    floor = MpmcFloor(0)
    first = asyncio.ensure_future(floor.get())
    second = asyncio.ensure_future(floor.get())
    third = asyncio.ensure_future(floor.get())
    await settle()
    floor.put_nowait(1)  # promised to the first, which has not resumed
    floor.close()  # the second is kept, in case the promise comes back; the third is dismissed
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await second == 1
    with pytest.raises(FloorClosed):
        await third


async def test_a_kept_getter_is_dismissed_once_the_last_promise_is_claimed() -> None:
    floor = MpmcFloor(0)
    first = asyncio.ensure_future(floor.get())
    second = asyncio.ensure_future(floor.__anext__())
    await settle()
    floor.put_nowait(1)
    floor.close()
    assert await first == 1
    with pytest.raises(StopAsyncIteration):
        await second


@pytest.mark.parametrize("make", FLOORS)
async def test_waking_a_waiter_from_another_thread_is_refused(make: type[Floor]) -> None:
    floor = make(1)
    getter = asyncio.ensure_future(floor.get())
    await settle()
    with pytest.raises(RuntimeError, match="thread"):
        await asyncio.to_thread(floor.put_nowait, 1)
    with pytest.raises(RuntimeError, match="thread"):
        await asyncio.to_thread(floor.close)
    assert not getter.done()
    floor.put_nowait(1)  # nothing changed: the getter still waits, and gets it
    assert await getter == 1

    floor.put_nowait(2)
    putter = asyncio.ensure_future(floor.put(3))
    await settle()
    with pytest.raises(RuntimeError, match="thread"):
        await asyncio.to_thread(floor.get_nowait)
    assert floor.get_nowait() == 2
    await putter
    assert floor.get_nowait() == 3


@pytest.mark.parametrize("loop_name", list(LOOP_FACTORIES))
@pytest.mark.parametrize("make", FLOORS)
def test_no_pinned_loop(make: type[Floor], loop_name: str) -> None:
    floor = make(0)
    loop = LOOP_FACTORIES[loop_name]()

    async def wait_and_give_up() -> None:
        getter = asyncio.ensure_future(floor.get())
        await settle()
        getter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await getter

    loop.run_until_complete(wait_and_give_up())
    loop.close()
    gone = weakref.ref(loop)
    del loop
    gc.collect()
    assert gone() is None, "the floor keeps its waiters' loop alive"


@pytest.mark.parametrize("make", FLOORS)
def test_a_wait_from_another_loop_is_refused_while_waiters_wait(make: type[Floor]) -> None:
    floor = make(0)
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        getter = first.create_task(floor.get())
        first.run_until_complete(settle())
        with pytest.raises(RuntimeError, match="another event loop"):
            second.run_until_complete(floor.get())
        floor.put_nowait(1)
        assert first.run_until_complete(getter) == 1
        # Nothing waits any more: the floor may be used from the other loop now.
        getter = second.create_task(floor.get())
        second.run_until_complete(settle())
        floor.put_nowait(2)
        assert second.run_until_complete(getter) == 2
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("order", ["random", "oldest", "newest"])
async def test_cancelled_waiters_are_compacted(order: str) -> None:
    """Cancelled waiters stay in their line until skipped or compacted; the line never holds
    more than twice its live waiters once they have left (so cancelling n costs O(n))."""
    floor = MpmcFloor(1)
    count = 1000
    getters = [asyncio.ensure_future(floor.get()) for _ in range(count)]
    await settle()
    chosen = list(getters)
    if order == "random":
        random.Random(7).shuffle(chosen)
    elif order == "newest":
        chosen.reverse()
    for task in chosen[:600]:
        task.cancel()
    await settle()
    assert floor.waiting()[0] <= 2 * 400
    for task in chosen[600:]:
        task.cancel()
    await asyncio.gather(*getters, return_exceptions=True)
    assert floor.waiting() == (0, 0)
    floor.put_nowait(1)  # no cancelled getter took it
    assert floor.get_nowait() == 1

    floor.put_nowait(0)
    putters = [asyncio.ensure_future(floor.put(i)) for i in range(1, count + 1)]
    await settle()
    for putter in putters:
        putter.cancel()
    await asyncio.gather(*putters, return_exceptions=True)
    assert floor.waiting() == (0, 0)
    assert floor.get_nowait() == 0
    with pytest.raises(FloorEmpty):
        floor.get_nowait()
