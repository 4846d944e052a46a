"""Issue 14, at the edges of an event loop's life and of its thread: waiters of a closed loop count
as gone, use from another thread is refused before anything changes, cancelling many waiters costs
O(n), an idle channel pins no loop, and ``maxsize`` is checked as the int it becomes.

Most tests here drive loops themselves, so they run once per loop kind."""

from __future__ import annotations

import asyncio
import gc
import random
import threading
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Iterator
from typing import Any, TypeVar

import pytest
import uvloop
from test_model import iterations_per_step, step

from aiochannel import Channel, ChannelClosed, ChannelEmpty, ChannelFull
from aiochannel._state import Waiter

LoopFactory = Callable[[], asyncio.AbstractEventLoop]
T = TypeVar("T")

LOOPS: dict[str, LoopFactory] = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}
GUARD = 10.0  # seconds: a wait that never ends fails the test instead of hanging it
IN_USE = (
    "^channel is in use by tasks of another event loop: "
    "a channel can only be waited on from one loop at a time$"
)
HINT = (
    r"hand the call to the loop's thread with loop\.call_soon_threadsafe\(\.\.\.\), "
    r"or asyncio\.run_coroutine_threadsafe\(\.\.\.\) for a call that waits$"
)
WRONG_THREAD = (
    "^channel used from a thread other than the one running the event loop of its waiting "
    f"tasks: a channel is not thread-safe; {HINT}"
)
OTHER_THREAD_WAITS = (
    f"^channel is in use by tasks of an event loop in another thread: a channel is not "
    f"thread-safe; {HINT}"
)


def waiters(ch: Channel[int]) -> tuple[int, int, int, int, int]:
    """(live getters, live putters, live joiners, reserved, granted) from the private state."""
    s = ch._s  # pyright: ignore[reportPrivateUsage]

    def live(line: Iterable[Waiter] | None) -> int:
        return sum(not f.done() for f in line or ())

    return (live(s.getters), live(s.putters), live(s.joiners), s.reserved, s.granted)


@pytest.fixture(params=list(LOOPS))
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def run(kind: str, main: Coroutine[object, object, T]) -> T:
    """``asyncio.run(main)`` on a fresh loop of this kind, guarded against hangs."""
    guarded = asyncio.wait_for(main, GUARD)
    if kind == "asyncio":
        return asyncio.run(guarded)
    return uvloop.run(guarded)


def strand(kind: str, make: Callable[[], Iterable[Awaitable[object]]]) -> list[asyncio.Task[Any]]:
    """Start the waits ``make()`` returns as tasks of a fresh loop, run the loop until they all
    wait, then close the loop with the tasks still waiting: they can never resume."""
    loop = LOOPS[kind]()
    tasks = [loop.create_task(_awaited(aw)) for aw in make()]
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))
    assert not any(t.done() for t in tasks)
    loop.close()
    return tasks


async def _awaited(aw: Awaitable[T]) -> T:
    return await aw


# -- fix 1: waiters of a closed event loop --------------------------------------------------------


def test_put_nowait_with_a_stranded_getter_buffers_the_item(kind: str) -> None:
    ch: Channel[int] = Channel(1)
    strand(kind, lambda: [ch.get()])
    ch.put_nowait(1)  # raised "Event loop is closed" and parked the item where nobody could take it
    assert ch.qsize() == 1
    assert ch.get_nowait() == 1
    assert waiters(ch) == (0, 0, 0, 0, 0)


def test_close_with_stranded_waiters_of_every_kind(kind: str) -> None:
    ch: Channel[int] = Channel(1)
    full: Channel[int] = Channel(1)
    full.put_nowait(0)
    strand(kind, lambda: [ch.get(), ch.join(), full.put(1), full.join()])
    ch.close()  # raised before
    full.close()
    assert ch.closed()
    assert full.closed()
    for tx in (ch, ch.sender, full):
        with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
            tx.put_nowait(2)  # succeeded after close() when a joiner was stranded

    async def put_and_join() -> None:
        with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
            await ch.put(3)
        await ch.join()
        assert full.get_nowait() == 0
        await full.join()

    run(kind, put_and_join())
    assert waiters(ch) == waiters(full) == (0, 0, 0, 0, 0)


def test_get_nowait_with_a_stranded_putter_keeps_the_slot_free(kind: str) -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    strand(kind, lambda: [ch.put(1)])
    assert ch.get_nowait() == 0  # raised before, and the item was gone
    assert not ch.full()
    ch.put_nowait(2)  # the slot is not granted to the stranded putter
    assert list(ch) == [2]
    assert waiters(ch) == (0, 0, 0, 0, 0)


def test_an_item_promised_to_a_stranded_getter_comes_back(kind: str) -> None:
    ch: Channel[int] = Channel()
    loop = LOOPS[kind]()
    getters = [loop.create_task(_awaited(ch.get())) for _ in range(2)]
    loop.run_until_complete(asyncio.sleep(0))
    ch.put_nowait(1)
    ch.put_nowait(2)  # both promised; the getters never resume
    loop.close()
    assert not any(g.done() for g in getters)
    assert (ch.qsize(), waiters(ch)[3]) == (0, 2)
    assert ch.get_nowait() == 1  # ChannelEmpty before: the items were stranded
    assert ch.get_nowait() == 2
    with pytest.raises(ChannelEmpty):
        ch.get_nowait()


def test_a_slot_granted_to_a_stranded_putter_comes_back(kind: str) -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    loop = LOOPS[kind]()
    putter = loop.create_task(_awaited(ch.put(1)))
    loop.run_until_complete(asyncio.sleep(0))
    assert ch.get_nowait() == 0  # grants the slot to the putter, which never resumes
    loop.close()
    assert not putter.done()
    ch.put_nowait(2)  # ChannelFull before
    assert list(ch) == [2]
    with pytest.raises(ChannelFull):
        ch.put_nowait(3)


@pytest.mark.parametrize("other", list(LOOPS))
def test_another_loop_may_wait_once_the_waiters_loop_is_closed(kind: str, other: str) -> None:
    ch: Channel[int] = Channel(1)
    cancelled: Channel[int] = Channel()
    promised: Channel[int] = Channel()
    strand(kind, lambda: [ch.get(), ch.join()])
    # A cancelled waiter whose loop closed before its task resumed.
    loop = LOOPS[kind]()
    task = loop.create_task(_awaited(cancelled.get()))
    loop.run_until_complete(asyncio.sleep(0))
    task.cancel()
    loop.close()
    # A promise held by a getter whose loop closed before it resumed.
    loop = LOOPS[kind]()
    holder = loop.create_task(_awaited(promised.get()))
    loop.run_until_complete(asyncio.sleep(0))
    promised.put_nowait(5)
    loop.close()
    assert not holder.done()

    async def main() -> list[int]:
        # Each of these raised "in use by tasks of another event loop" before.
        getter = asyncio.ensure_future(ch.get())
        other_getter = asyncio.ensure_future(cancelled.get())
        await asyncio.sleep(0)
        ch.put_nowait(1)
        cancelled.put_nowait(2)
        got = [await getter, await other_getter, await promised.get()]
        ch.close()
        await ch.join()
        return got

    assert run(other, main()) == [1, 2, 5]
    assert waiters(ch) == waiters(cancelled) == waiters(promised) == (0, 0, 0, 0, 0)


def test_a_wait_after_its_loop_closed_finds_the_items_that_came_back(kind: str) -> None:
    """A getter of a new loop is promised at once what a waiter of the closed loop held, and a
    putter of a new loop gets the slot that a stranded putter held."""
    ch: Channel[int] = Channel(1)
    full: Channel[int] = Channel(1)
    full.put_nowait(0)
    loop = LOOPS[kind]()
    holder = loop.create_task(_awaited(ch.get()))
    putter = loop.create_task(_awaited(full.put(1)))
    loop.run_until_complete(asyncio.sleep(0))
    ch.put_nowait(9)  # promised to holder
    assert full.get_nowait() == 0  # the slot is granted to putter
    loop.close()
    assert not holder.done()
    assert not putter.done()

    async def main() -> list[int]:
        got = [await ch.get()]  # 9 came back; the wait binds the new loop, and is served at once
        await full.put(2)  # the granted slot came back
        got.append(full.get_nowait())
        return got

    assert run(kind, main()) == [9, 2]
    assert waiters(ch) == waiters(full) == (0, 0, 0, 0, 0)


def test_join_returns_when_all_that_is_left_was_promised_to_a_closed_loop(kind: str) -> None:
    ch: Channel[int] = Channel()
    loop = LOOPS[kind]()
    holder = loop.create_task(_awaited(ch.get()))
    loop.run_until_complete(asyncio.sleep(0))
    ch.put_nowait(1)
    ch.close()
    loop.close()
    assert not holder.done()

    async def main() -> list[int]:
        return [item async for item in ch]

    assert run(kind, main()) == [1]  # the item came back; then closed and drained
    run(kind, ch.join())


# -- fix 3: use from another thread ---------------------------------------------------------------


class LoopThread:
    """A loop of the given kind running in a thread of its own."""

    def __init__(self, kind: str) -> None:
        self.loop = LOOPS[kind]()
        self.thread = threading.Thread(target=self.loop.run_forever)
        self.thread.start()

    def run(self, aw: Coroutine[object, object, T]) -> T:
        return asyncio.run_coroutine_threadsafe(aw, self.loop).result(GUARD)

    def start(self, aw: Coroutine[object, object, T]) -> asyncio.Future[T]:
        async def spawn() -> asyncio.Future[T]:
            return asyncio.ensure_future(aw)

        task = self.run(spawn())
        self.run(asyncio.sleep(0))
        return task

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(GUARD)
        self.loop.close()


@pytest.fixture
def other_thread(kind: str) -> Iterator[LoopThread]:
    lt = LoopThread(kind)
    try:
        yield lt
    finally:
        lt.stop()


def test_put_nowait_from_another_thread_is_refused_before_anything_changes(
    other_thread: LoopThread,
) -> None:
    ch: Channel[int] = Channel()
    getter = other_thread.start(ch.get())
    with pytest.raises(RuntimeError, match=WRONG_THREAD):
        ch.put_nowait(1)  # accepted before, and the getter was not woken
    with pytest.raises(RuntimeError, match=WRONG_THREAD):
        ch.sender.put_nowait(1)
    assert ch.qsize() == 0
    assert waiters(ch) == (1, 0, 0, 0, 0)
    other_thread.loop.call_soon_threadsafe(ch.put_nowait, 2)  # the documented way
    assert _wait(getter) == 2


def _wait(fut: asyncio.Future[T]) -> T:
    """The result of a future of another thread's loop, waited for from this thread."""
    done = threading.Event()
    fut.get_loop().call_soon_threadsafe(lambda: fut.add_done_callback(lambda _: done.set()))
    assert done.wait(GUARD)
    return fut.result()


def test_close_and_get_nowait_from_another_thread_are_refused(other_thread: LoopThread) -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    putter = other_thread.start(ch.put(1))
    with pytest.raises(RuntimeError, match=WRONG_THREAD):
        ch.get_nowait()
    assert list(ch) == [0]
    with pytest.raises(RuntimeError, match=WRONG_THREAD):
        ch.close()
    assert not ch.closed()
    assert waiters(ch) == (0, 1, 0, 0, 0)

    async def drain() -> list[int]:
        got = [ch.get_nowait()]
        ch.close()
        return got

    assert other_thread.run(drain()) == [0]
    with pytest.raises(ChannelClosed):
        _wait(putter)
    assert ch.closed()


def test_a_wait_from_a_loop_in_another_thread_is_refused(kind: str) -> None:
    ch: Channel[int] = Channel()
    a, b = LoopThread(kind), LoopThread(kind)
    try:
        getter = a.start(ch.get())
        with pytest.raises(RuntimeError, match=WRONG_THREAD):
            b.run(ch.put(1))  # accepted before: loop a's getter was never woken
        for wait in (ch.get, ch.join):
            with pytest.raises(RuntimeError, match=OTHER_THREAD_WAITS):
                b.run(wait())
        assert waiters(ch) == (1, 0, 0, 0, 0)
        a.loop.call_soon_threadsafe(ch.put_nowait, 3)
        assert _wait(getter) == 3
        assert b.run(_put_then_get(ch, 4)) == 4  # nothing waits on loop a any more
    finally:
        a.stop()
        b.stop()


async def _put_then_get(ch: Channel[int], item: int) -> int:
    getter = asyncio.ensure_future(ch.get())
    await asyncio.sleep(0)
    await ch.put(item)
    return await getter


def test_the_waiters_loop_need_not_be_running(kind: str) -> None:
    ch: Channel[int] = Channel()
    lt = LoopThread(kind)
    getter = lt.start(ch.get())
    lt.loop.call_soon_threadsafe(lt.loop.stop)
    lt.thread.join(GUARD)
    try:
        assert not lt.loop.is_running()
        assert not lt.loop.is_closed()
        with pytest.raises(RuntimeError, match=WRONG_THREAD):
            ch.put_nowait(1)
        with pytest.raises(RuntimeError, match=WRONG_THREAD):
            ch.close()
        assert waiters(ch) == (1, 0, 0, 0, 0)
    finally:
        getter.cancel()
        lt.loop.close()
    ch.put_nowait(2)  # its loop is closed now: the getter is gone
    assert list(ch) == [2]


def test_debug_mode_put_nowait_from_another_thread_changes_nothing(kind: str) -> None:
    """In asyncio's debug mode the call raised *after* parking the item, and the getter's task
    could no longer be cancelled."""
    ch: Channel[int] = Channel()
    lt = LoopThread(kind)
    lt.loop.set_debug(True)
    try:
        getter = lt.start(ch.get())
        with pytest.raises(RuntimeError, match=WRONG_THREAD):
            ch.put_nowait(1)
        assert ch.qsize() == 0
        lt.loop.call_soon_threadsafe(getter.cancel)
        with pytest.raises(asyncio.CancelledError):
            _wait(getter)
    finally:
        lt.stop()


def test_nowait_calls_from_another_thread_with_nobody_waiting_work(kind: str) -> None:
    ch: Channel[int] = Channel()
    lt = LoopThread(kind)
    try:
        assert lt.run(_put_then_get(ch, 1)) == 1  # bound to the loop's thread, now idle
        ch.put_nowait(2)
        assert ch.get_nowait() == 2
        ch.close()
    finally:
        lt.stop()


def test_a_second_loop_in_the_same_thread_keeps_the_old_message(kind: str) -> None:
    ch: Channel[int] = Channel()
    a = LOOPS[kind]()
    try:
        getter = a.create_task(_awaited(ch.get()))
        a.run_until_complete(asyncio.sleep(0))
        with pytest.raises(RuntimeError, match=IN_USE):
            run(kind, ch.get())
        run(kind, ch.put(7))  # does not wait; same thread: allowed, and wakes loop a's getter
        assert a.run_until_complete(getter) == 7
    finally:
        a.close()


# -- fix 4: cancelling many waiters costs O(n) ----------------------------------------------------


class CountingDeque(deque[Waiter]):
    """A waiting line that counts the entries its searches and scans visit."""

    visited = 0

    def __iter__(self) -> Iterator[Waiter]:
        CountingDeque.visited += len(self)
        return super().__iter__()

    def __contains__(self, value: object) -> bool:
        CountingDeque.visited += len(self)
        return super().__contains__(value)

    def remove(self, value: Waiter) -> None:
        CountingDeque.visited += len(self)
        super().remove(value)


@pytest.mark.parametrize("order", ["random", "oldest first", "newest first"])
async def test_cancelling_n_waiters_visits_o_of_n_entries(order: str) -> None:
    """Removing a cancelled waiter scanned its line twice: quadratic in the number of waiters."""
    n = 4000
    ch: Channel[int] = Channel()
    ch._s.getters = CountingDeque()  # pyright: ignore[reportPrivateUsage]
    ch._s.promised = deque()  # pyright: ignore[reportPrivateUsage]
    tasks = [asyncio.ensure_future(ch.get()) for _ in range(n)]
    await asyncio.sleep(0)
    if order == "random":
        random.Random(1).shuffle(tasks)
    elif order == "newest first":
        tasks.reverse()
    CountingDeque.visited = 0
    longest = 0
    for i, task in enumerate(tasks):
        task.cancel()
        if i % 7 == 0:
            await asyncio.sleep(0)  # some resume before the next are cancelled
            line = ch._s.getters  # pyright: ignore[reportPrivateUsage]
            longest = max(longest, len(line or ()) - 2 * (n - i - 1))
    await asyncio.gather(*tasks, return_exceptions=True)
    assert CountingDeque.visited <= 4 * n  # about n*n/2 before
    assert longest <= 8  # the line stays within twice the live waiters (plus those in flight)
    assert waiters(ch) == (0, 0, 0, 0, 0)
    assert len(ch._s.getters or ()) <= 1  # pyright: ignore[reportPrivateUsage]
    ch.put_nowait(1)  # nobody is served: the item is available
    assert ch.get_nowait() == 1


async def test_cancelled_waiters_are_skipped_and_order_holds() -> None:
    ch: Channel[int] = Channel()
    tasks = [asyncio.ensure_future(ch.get()) for _ in range(10)]
    await asyncio.sleep(0)
    for i in (0, 3, 4, 8):
        tasks[i].cancel()
    for item in range(6):
        ch.put_nowait(item)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    got = [r for r in results if not isinstance(r, BaseException)]
    assert got == list(range(6))
    assert [isinstance(r, asyncio.CancelledError) for r in results] == [
        i in (0, 3, 4, 8) for i in range(10)
    ]


# -- fix 5: an idle channel pins no loop -----------------------------------------------------------


def test_an_idle_channel_holds_no_loop(kind: str) -> None:
    ch: Channel[int] = Channel(1)
    full: Channel[int] = Channel(1)
    loop = LOOPS[kind]()

    async def use() -> None:
        getter = asyncio.ensure_future(ch.get())
        await asyncio.sleep(0)
        ch.put_nowait(1)
        await getter
        full.put_nowait(0)
        putter = asyncio.ensure_future(full.put(1))
        await asyncio.sleep(0)
        full.get_nowait()
        await putter
        joiner = asyncio.ensure_future(ch.join())
        await asyncio.sleep(0)
        ch.close()
        await joiner

    loop.run_until_complete(use())
    loop.close()
    ref = weakref.ref(loop)
    del loop
    gc.collect()
    assert ref() is None  # the channels kept the loop (and, unclosed, its selector) alive
    assert ch.closed()
    assert list(full) == [1]


def test_a_never_closed_loop_is_not_pinned_either(kind: str) -> None:
    ch: Channel[int] = Channel()
    loop = LOOPS[kind]()
    assert loop.run_until_complete(_put_then_get(ch, 1)) == 1
    ref = weakref.ref(loop)
    loop.close()  # closed only after the check below would have failed, to free the selector
    del loop
    gc.collect()
    assert ref() is None


# -- fix 6: maxsize is checked as the int it becomes ----------------------------------------------


class Sly(int):
    """An int that compares as non-negative but converts to -1."""

    def __int__(self) -> int:
        return -1

    def __lt__(self, other: object) -> bool:
        return False


def test_maxsize_is_converted_before_it_is_checked() -> None:
    expected = r"^maxsize must be an int >= 0 \(0 means unbounded\), got -1$"
    with pytest.raises(ValueError, match=expected):
        Channel(Sly(5))


def test_an_int_subclass_maxsize_becomes_a_plain_int() -> None:
    class Size(int):
        pass

    ch: Channel[int] = Channel(Size(3))
    assert type(ch.maxsize) is int
    assert ch.maxsize == 3


# -- more closed-loop and leaving paths ------------------------------------------------------------


def test_close_releases_a_slot_granted_to_a_stranded_putter(kind: str) -> None:
    """The putter had left the line (its slot granted) when its loop closed."""
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    loop = LOOPS[kind]()
    putter = loop.create_task(_awaited(ch.put(1)))
    loop.run_until_complete(asyncio.sleep(0))
    assert ch.get_nowait() == 0  # grants the slot; the putter never resumes
    loop.close()
    assert not putter.done()
    assert ch.full()
    ch.close()
    assert not ch.full()  # stayed full before: the grant was never released
    assert waiters(ch) == (0, 0, 0, 0, 0)


def test_a_joiner_stranded_after_close_is_reaped_by_the_last_get(kind: str) -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    ch.close()
    strand(kind, lambda: [ch.join()])
    assert ch.get_nowait() == 1  # drains: waking the joiner raised "Event loop is closed"
    assert waiters(ch) == (0, 0, 0, 0, 0)
    with pytest.raises(ChannelClosed):
        ch.get_nowait()
    run(kind, ch.join())


def test_room_released_by_a_reap_is_taken_by_the_items_that_came_back(kind: str) -> None:
    """Reaping releases a stranded putter's slot, but also returns a stranded getter's promised
    item to the buffer, which takes that slot: put_nowait still finds the channel full."""
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    loop = LOOPS[kind]()
    tasks = [
        loop.create_task(_awaited(ch.put(1))),
        loop.create_task(_awaited(ch.put(2))),
        loop.create_task(_awaited(ch.get())),  # takes 0, granting the first putter its slot
        loop.create_task(_awaited(ch.get())),  # waits
    ]
    # Two loop iterations: in the second the first putter resumes and puts 1, which is promised
    # to the second getter, and the slot it freed is granted to the second putter.
    for _ in range(2 // iterations_per_step(LOOPS[kind])):
        step(loop)
    loop.close()
    assert [t.done() for t in tasks] == [True, False, True, False]
    assert (ch.qsize(), waiters(ch)[3:]) == (0, (1, 1))  # 1 promised, a slot granted
    with pytest.raises(ChannelFull):
        ch.put_nowait(3)
    assert list(ch) == [1]
    assert waiters(ch) == (0, 0, 0, 0, 0)


async def test_a_wait_left_by_another_exception_leaves_its_line() -> None:
    """A wait can end by an exception thrown into its coroutine other than cancellation (its
    future is then still pending): it leaves the line at once and is never served."""
    ch: Channel[int] = Channel()
    ahead = asyncio.ensure_future(ch.get())
    await asyncio.sleep(0)
    coro = ch.get()
    waiting = coro.__await__()
    waiting.send(None)  # runs up to the wait: the getter's future is queued, behind another
    assert waiters(ch) == (2, 0, 0, 0, 0)
    with pytest.raises(KeyboardInterrupt):
        waiting.throw(KeyboardInterrupt())
    assert waiters(ch) == (1, 0, 0, 0, 0)
    assert len(ch._s.getters or ()) == 1  # pyright: ignore[reportPrivateUsage]
    ch.put_nowait(1)  # to the getter ahead
    ch.put_nowait(2)  # not promised to the departed getter
    assert await ahead == 1
    assert ch.get_nowait() == 2


def test_get_nowait_many_takes_what_waiters_of_a_closed_loop_held(kind: str) -> None:
    ch: Channel[int] = Channel()
    loop = LOOPS[kind]()
    getters = [loop.create_task(_awaited(ch.get())) for _ in range(2)]
    loop.run_until_complete(asyncio.sleep(0))
    for i in (1, 2):
        ch.put_nowait(i)  # promised to the getters, which never resume
    loop.close()
    assert not any(g.done() for g in getters)
    assert ch.get_nowait_many(5) == [1, 2]  # nothing available: the stranded ones are reaped
