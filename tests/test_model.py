"""Model-based test: one ``Channel`` against a small reference model of the documented semantics.

A hypothesis state machine drives a real channel and an event loop that it steps by hand, and the
same operations through ``Model``, a pure-Python rendering of the contract (FIFO; an item that
becomes available while getters wait is promised to the oldest; a slot that frees up while
putters wait is granted to the oldest; close, after which getters wait only while a promised item
may still come back; cancellation wins and passes a promise or grant on; join; the loop closed
with tasks waiting, whose promises and grants come back). After every step every observable is
compared: return values and exceptions (type and message) of the ``*_nowait`` calls and of
``Task.cancel``, ``qsize``/``empty``/``full``/``closed``, the snapshot ``list(ch)``, ``str(ch)``,
and which spawned tasks have finished and how.

To compare task outcomes step by step the model also simulates the loop's ready queue: creating a
task, resolving a future and cancelling a waiting task each schedule one callback, and one loop
iteration runs exactly the callbacks that were ready when it started. ``step()`` runs the real
loop for one ``run_forever`` (stopped by a ``call_soon(loop.stop)``): asyncio's loop runs one
iteration then, uvloop's two, so ``iterations_per_step()`` measures how many a step runs and the
model advances by as many.

Hypothesis spends about a millisecond per rule, so the same harness is also driven by a seeded
random walk (``random_walk``), which covers far more interleavings in the same time.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

import pytest
import uvloop
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from aiochannel import (
    Channel,
    ChannelClosed,
    ChannelEmpty,
    ChannelFull,
    ReceiveChannel,
    SendChannel,
)

LoopFactory = Callable[[], asyncio.AbstractEventLoop]

# Nothing here can hang (the loop only runs when a rule steps it), but after a failure hypothesis
# may shrink for minutes: let it, to report the shortest failing sequence.
pytestmark = pytest.mark.timeout(900)

# -- the real side ---------------------------------------------------------------------------------


def step(loop: asyncio.AbstractEventLoop) -> None:
    """Run ``loop`` for one ``run_forever`` that stops as soon as it can."""
    loop.call_soon(loop.stop)
    loop.run_forever()


_iterations_per_step: dict[LoopFactory, int] = {}


def iterations_per_step(factory: LoopFactory) -> int:
    """How many loop iterations (generations of ready callbacks) one ``step`` runs on this loop.

    Measured with a chain of callbacks that each schedule the next; it must be the same for every
    step, or the model could not follow the loop.
    """
    known = _iterations_per_step.get(factory)
    if known is not None:
        return known
    loop = factory()
    try:
        ran: list[int] = []

        def link(n: int) -> None:
            ran.append(n)
            if n < 100:
                loop.call_soon(link, n + 1)

        loop.call_soon(link, 0)
        counts: list[int] = []
        for _ in range(5):
            before = len(ran)
            step(loop)
            counts.append(len(ran) - before)
    finally:
        loop.close()
    assert len(set(counts)) == 1, f"a step runs a varying number of iterations: {counts}"
    assert counts[0] in (1, 2), counts
    _iterations_per_step[factory] = counts[0]
    return counts[0]


async def _put(tx: SendChannel[int], item: int) -> object:
    await tx.put(item)
    return None


async def _get(rx: ReceiveChannel[int]) -> object:
    return await rx.get()


async def _next(rx: ReceiveChannel[int]) -> object:
    try:
        return await rx.__anext__()
    except StopAsyncIteration:
        return "stop"


async def _join(rx: ReceiveChannel[int]) -> object:
    await rx.join()
    return None


def raised(exc: BaseException) -> str:
    return f"raised {type(exc).__name__}: {exc}"


def returned(value: object) -> str:
    return f"returned {value!r}"


CANCELLED = "cancelled"


def real_outcome(task: asyncio.Task[object]) -> str | None:
    """How ``task`` ended, in the model's notation; None while it runs."""
    if not task.done():
        return None
    if task.cancelled():
        return CANCELLED
    exc = task.exception()
    if exc is not None:
        return raised(exc)
    return returned(task.result())


# -- the reference model ---------------------------------------------------------------------------

Kind = Literal["put", "get", "next", "join"]
# The state of the future a waiting task awaits: "pending", "yes" (item promised, slot granted,
# join done), "no" (channel closed) or "cancelled".
Fut = Literal["pending", "yes", "no", "cancelled"]

CLOSED = raised(ChannelClosed("channel is closed"))


@dataclass
class MTask:
    kind: Kind
    item: int
    started: bool = False
    fut: Fut = "pending"
    must_cancel: bool = False
    outcome: str | None = None
    #: Its loop was closed before it finished: it never resumes.
    stranded: bool = False


class Model:
    """The channel contract, in the terms of the brief: ``items`` (oldest first), whose first
    ``reserved`` are promised to woken getters, and ``granted`` slots promised to woken putters."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.closed = False
        self.items: list[int] = []
        self.reserved = 0
        self.granted = 0
        self.getters: list[int] = []  # waiting get/next tasks, oldest first
        self.putters: list[int] = []  # waiting put tasks, oldest first
        self.joiners: list[int] = []
        self.tasks: list[MTask] = []
        self.ready: list[int] = []  # tasks whose next step is scheduled, in order

    # queries

    def available(self) -> int:
        return len(self.items) - self.reserved

    def room(self) -> float:
        limit = self.maxsize if self.maxsize else float("inf")
        return limit - self.available() - self.granted

    def full(self) -> bool:
        return self.maxsize > 0 and self.room() <= 0

    # bookkeeping

    def resolve(self, tid: int, fut: Fut) -> None:
        task = self.tasks[tid]
        assert task.fut == "pending"
        task.fut = fut
        self.ready.append(tid)

    def settle(self) -> None:
        """Keep the promises of the contract after any change."""
        while self.getters and self.available() > 0:
            self.reserved += 1
            self.resolve(self.getters.pop(0), "yes")
        while self.putters and self.room() > 0:
            self.granted += 1
            self.resolve(self.putters.pop(0), "yes")
        if self.closed and not self.items:
            # Closed and drained (nothing available, nothing promised): no getter can be served.
            for tid in self.getters:
                self.resolve(tid, "no")
            self.getters.clear()
            for tid in self.joiners:
                self.resolve(tid, "yes")
            self.joiners.clear()

    # operations called from outside the loop

    def put_nowait(self, item: int) -> str:
        if self.closed:
            return CLOSED
        if self.room() <= 0:
            return raised(ChannelFull(f"channel is full (maxsize={self.maxsize})"))
        self.items.append(item)
        self.settle()
        return returned(None)

    def take(self) -> int:
        item = self.items.pop(self.reserved)
        self.settle()
        return item

    def get_nowait(self) -> str:
        if self.available() > 0:
            return returned(self.take())
        if self.closed and not self.reserved:
            return CLOSED
        return raised(ChannelEmpty("channel is empty"))

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        # A promised item may still come back (its getter cancelled): as many of the oldest
        # getters as there are promises keep waiting.
        for tid in self.putters + self.getters[self.reserved :]:
            self.resolve(tid, "no")
        self.putters.clear()
        del self.getters[self.reserved :]
        self.settle()

    def close_loop(self) -> None:
        """The loop is closed with tasks unfinished: they never resume, and count as gone. What
        they held comes back: promised items are available again (at the head, in order) and
        granted slots are free."""
        for tid, task in enumerate(self.tasks):
            if task.outcome is None:
                task.stranded = True
                for line in (self.putters, self.getters, self.joiners):
                    if tid in line:
                        line.remove(tid)
        self.ready.clear()
        self.reserved = 0
        self.granted = 0
        self.settle()

    def spawn(self, kind: Kind, item: int) -> None:
        self.tasks.append(MTask(kind, item))
        self.ready.append(len(self.tasks) - 1)

    def cancel(self, tid: int) -> bool:
        task = self.tasks[tid]
        if task.outcome is not None:
            return False
        if task.started and task.fut == "pending":
            task.fut = "cancelled"
            for waiters in (self.putters, self.getters, self.joiners):
                if tid in waiters:
                    waiters.remove(tid)
            self.ready.append(tid)
        else:
            task.must_cancel = True
        return True

    # the loop

    def iteration(self) -> None:
        batch, self.ready = self.ready, []
        for tid in batch:
            task = self.tasks[tid]
            if task.started:
                self.resume(task)
            else:
                task.started = True
                self.start(task, tid)

    def start(self, task: MTask, tid: int) -> None:
        if task.must_cancel:  # cancelled before it ran: the coroutine never starts
            task.outcome = CANCELLED
        elif task.kind == "put":
            if self.closed:
                task.outcome = CLOSED
            elif self.room() > 0:
                self.items.append(task.item)
                self.settle()
                task.outcome = returned(None)
            else:
                self.putters.append(tid)
        elif task.kind == "join":
            if self.closed and not self.items:
                task.outcome = returned(None)
            else:
                self.joiners.append(tid)
        elif self.available() > 0:
            task.outcome = returned(self.take())
        elif self.closed and not self.reserved:
            task.outcome = CLOSED if task.kind == "get" else returned("stop")
        else:
            self.getters.append(tid)

    def resume(self, task: MTask) -> None:
        assert task.fut != "pending"
        if task.must_cancel or task.fut == "cancelled":
            # Cancellation wins; a promise or grant passes on.
            if task.fut == "yes" and task.kind == "put":
                self.granted -= 1
            elif task.fut == "yes" and task.kind in ("get", "next"):
                self.reserved -= 1
            self.settle()
            task.outcome = CANCELLED
        elif task.kind == "join":
            task.outcome = returned(None)
        elif task.fut == "no":
            task.outcome = CLOSED if task.kind != "next" else returned("stop")
        elif task.kind == "put":
            self.granted -= 1
            if self.closed:
                task.outcome = CLOSED
            else:
                self.items.append(task.item)
                self.settle()
                task.outcome = returned(None)
        else:
            self.reserved -= 1
            item = self.items.pop(0)
            self.settle()
            task.outcome = returned(item)


# -- both sides together ---------------------------------------------------------------------------


class Harness:
    """A real channel on a hand-stepped loop, and the model; every operation is applied to both
    and ``check`` compares everything observable."""

    def __init__(self, loop_factory: LoopFactory, maxsize: int) -> None:
        self.iterations = iterations_per_step(loop_factory)
        self.loop_factory = loop_factory
        self.loop = loop_factory()
        self.ch: Channel[int] = Channel(maxsize)
        self.model = Model(maxsize)
        self.tasks: list[asyncio.Task[object]] = []
        self.next_item = 0

    def item(self) -> int:
        self.next_item += 1
        return self.next_item

    def tx(self, view: bool) -> SendChannel[int]:
        return self.ch.sender if view else self.ch

    def rx(self, view: bool) -> ReceiveChannel[int]:
        return self.ch.receiver if view else self.ch

    def put_nowait(self, view: bool) -> None:
        item = self.item()
        try:
            self.tx(view).put_nowait(item)
        except (ChannelClosed, ChannelFull) as exc:
            actual = raised(exc)
        else:
            actual = returned(None)
        expected = self.model.put_nowait(item)
        assert actual == expected, f"put_nowait({item})"

    def get_nowait(self, view: bool) -> None:
        try:
            actual = returned(self.rx(view).get_nowait())
        except (ChannelClosed, ChannelEmpty) as exc:
            actual = raised(exc)
        assert actual == self.model.get_nowait(), "get_nowait()"

    def close(self, view: bool) -> None:
        self.tx(view).close()
        self.model.close()

    def spawn(self, kind: Kind, view: bool) -> None:
        item = self.item()
        self.model.spawn(kind, item)
        if kind == "put":
            coro = _put(self.tx(view), item)
        elif kind == "get":
            coro = _get(self.rx(view))
        elif kind == "next":
            coro = _next(self.rx(view))
        else:
            coro = _join(self.rx(view))
        self.tasks.append(self.loop.create_task(coro))

    def unfinished(self) -> list[int]:
        return [
            tid
            for tid, task in enumerate(self.model.tasks)
            if task.outcome is None and not task.stranded
        ]

    def close_loop(self) -> None:
        """Close the loop with its tasks unfinished, and go on with a new loop of the same kind.

        The channel finds such waiters gone lazily, at the next operation that would wake one of
        them or needs what they hold (``test_edges.py`` checks each of those operations); the
        model reaps them at once, so the harness asks the channel to do the same.
        """
        self.loop.close()
        s = self.ch._s  # pyright: ignore[reportPrivateUsage]
        if s.loop is not None and s.loop_gone():
            s.reap()
        self.loop = self.loop_factory()
        self.model.close_loop()

    def cancel(self, pick: int) -> None:
        """Cancel the ``pick``-th (modulo their number) task that has not finished, if any."""
        unfinished = self.unfinished()
        if unfinished:
            tid = unfinished[pick % len(unfinished)]
            assert self.tasks[tid].cancel() == self.model.cancel(tid), f"cancel task {tid}"

    def step(self) -> None:
        step(self.loop)
        for _ in range(self.iterations):
            self.model.iteration()

    def cancel_all_and_settle(self) -> None:
        for tid in self.unfinished():
            assert self.tasks[tid].cancel() == self.model.cancel(tid), f"cancel task {tid}"
        for _ in range(4):
            self.step()
            self.check()
        assert not self.model.ready
        assert all(
            task.done() or mtask.stranded
            for task, mtask in zip(self.tasks, self.model.tasks, strict=True)
        )

    def check(self) -> None:
        ch, model = self.ch, self.model
        assert ch.qsize() == model.available()
        assert ch.receiver.qsize() == model.available()
        assert ch.empty() is (model.available() <= 0)
        assert ch.receiver.empty() is ch.empty()
        assert ch.full() is model.full()
        assert ch.sender.full() is ch.full()
        assert ch.closed() is model.closed
        assert list(ch) == model.items[model.reserved :]
        closed = " closed" if model.closed else ""
        assert str(ch) == f"<Channel maxsize={model.maxsize} qsize={model.available()}{closed}>"
        for tid, (task, mtask) in enumerate(zip(self.tasks, model.tasks, strict=True)):
            actual = real_outcome(task)
            assert actual == mtask.outcome, f"task {tid} ({mtask.kind} {mtask.item})"

    def teardown(self) -> None:
        """Cancel what still runs, let it finish, close the loop (also after a failure, so
        without asserting anything that could hide it)."""
        try:
            for task in self.tasks:
                if not task.get_loop().is_closed():
                    task.cancel()
                elif not task.done():  # stranded: end its coroutine (some never started)
                    task._log_destroy_pending = False  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
                    task.get_coro().close()
            for _ in range(4):
                step(self.loop)
        finally:
            self.loop.close()


# -- the state machine -----------------------------------------------------------------------------


LOOPS: dict[str, LoopFactory] = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}


class ChannelMachine(RuleBasedStateMachine):
    loop_kind: ClassVar[str] = "asyncio"

    def __init__(self) -> None:
        super().__init__()
        self.h: Harness | None = None

    @property
    def harness(self) -> Harness:
        assert self.h is not None
        return self.h

    @initialize(maxsize=st.integers(min_value=0, max_value=4))
    def make_channel(self, maxsize: int) -> None:
        self.h = Harness(LOOPS[self.loop_kind], maxsize)

    @rule(view=st.booleans())
    def put_nowait(self, view: bool) -> None:
        self.harness.put_nowait(view)

    @rule(view=st.booleans())
    def get_nowait(self, view: bool) -> None:
        self.harness.get_nowait(view)

    @rule(view=st.booleans())
    def close(self, view: bool) -> None:
        self.harness.close(view)

    @rule(view=st.booleans(), count=st.integers(min_value=1, max_value=3))
    def spawn_puts(self, view: bool, count: int) -> None:
        for _ in range(count):
            self.harness.spawn("put", view)

    @rule(view=st.booleans(), count=st.integers(min_value=1, max_value=3))
    def spawn_gets(self, view: bool, count: int) -> None:
        for _ in range(count):
            self.harness.spawn("get", view)

    @rule(view=st.booleans())
    def spawn_next(self, view: bool) -> None:
        self.harness.spawn("next", view)

    @rule()
    def spawn_join(self) -> None:
        self.harness.spawn("join", False)

    @rule(pick=st.integers(min_value=0, max_value=15))
    def cancel(self, pick: int) -> None:
        self.harness.cancel(pick)

    @rule()
    def step(self) -> None:
        self.harness.step()

    @rule()
    def step_again(self) -> None:  # stepping is the commonest thing that happens
        self.harness.step()

    @rule()
    def cancel_all_and_settle(self) -> None:
        self.harness.cancel_all_and_settle()

    @rule()
    def close_loop(self) -> None:
        self.harness.close_loop()

    @invariant()
    def check(self) -> None:
        if self.h is not None:
            self.h.check()

    def teardown(self) -> None:
        if self.h is not None:
            self.h.teardown()


class AsyncioChannelMachine(ChannelMachine):
    loop_kind = "asyncio"


class UvloopChannelMachine(ChannelMachine):
    loop_kind = "uvloop"


# At least EXAMPLES examples; a profile that asks for more (``make soak``) gets more.
EXAMPLES = int(os.environ.get("AIOCHANNEL_MODEL_EXAMPLES", "150"))
MODEL_SETTINGS = settings(max_examples=max(EXAMPLES, settings().max_examples))
AsyncioChannelMachine.TestCase.settings = MODEL_SETTINGS
UvloopChannelMachine.TestCase.settings = MODEL_SETTINGS
TestChannelModelAsyncio = AsyncioChannelMachine.TestCase
TestChannelModelUvloop = UvloopChannelMachine.TestCase


# -- a fast random walk over the same harness ------------------------------------------------------
# Hypothesis spends about a millisecond choosing each rule; a seeded walk costs a few
# microseconds a step, so it covers far more interleavings in the same time. A failure names the
# seed and the operations that led to it; `make soak` walks with fresh seeds.

OPS: tuple[tuple[str, int], ...] = (
    ("put_nowait", 3),
    ("get_nowait", 3),
    ("close", 1),
    ("spawn_put", 4),
    ("spawn_get", 4),
    ("spawn_next", 1),
    ("spawn_join", 1),
    ("cancel", 4),
    ("step", 8),
    ("cancel_all_and_settle", 1),
    ("close_loop", 1),
)


def apply(h: Harness, op: str, arg: int) -> None:
    """Apply ``op`` to ``h``; the bits of ``arg`` choose the end (low bit) and how many tasks."""
    view = bool(arg & 1)
    count = 1 + (arg >> 1) % 3
    if op == "put_nowait":
        h.put_nowait(view)
    elif op == "get_nowait":
        h.get_nowait(view)
    elif op == "close":
        h.close(view)
    elif op == "spawn_put":
        for _ in range(count):
            h.spawn("put", view)
    elif op == "spawn_get":
        for _ in range(count):
            h.spawn("get", view)
    elif op == "spawn_next":
        h.spawn("next", view)
    elif op == "spawn_join":
        h.spawn("join", view)
    elif op == "cancel":
        h.cancel(arg)
    elif op == "step":
        h.step()
    elif op == "close_loop":
        h.close_loop()
    else:
        h.cancel_all_and_settle()


def random_walk(loop_factory: LoopFactory, seed: int, episodes: int, length: int) -> None:
    """Run ``episodes`` walks of up to ``length`` operations; raise AssertionError on a mismatch."""
    rng = random.Random(seed)
    names = [name for name, _ in OPS]
    weights = [weight for _, weight in OPS]
    for episode in range(episodes):
        maxsize = rng.choice((0, 1, 1, 2, 2, 3, 4))
        ops = [
            (op, rng.randrange(16)) for op in rng.choices(names, weights, k=rng.randint(1, length))
        ]
        h = Harness(loop_factory, maxsize)
        done = 0
        try:
            for op, arg in ops:
                apply(h, op, arg)
                done += 1
                h.check()
        except AssertionError as exc:
            trace = "\n".join(f"  {op}({arg})" for op, arg in ops[: done + 1])
            raise AssertionError(
                f"seed {seed}, episode {episode}: maxsize={maxsize}, after\n{trace}\n{exc}"
            ) from exc
        finally:
            h.teardown()


WALK_EPISODES = int(os.environ.get("AIOCHANNEL_WALK_EPISODES", "1000"))


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("loop_kind", LOOPS)
def test_random_walk(loop_kind: str, seed: int) -> None:
    random_walk(LOOPS[loop_kind], seed, episodes=WALK_EPISODES, length=60)
