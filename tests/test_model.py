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
from _support import close_stranded
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from aiochannel import (
    Channel,
    ChannelClosed,
    ChannelEmpty,
    ChannelFull,
    ChannelStatistics,
    ReceiveChannel,
    SendChannel,
    select,
)
from aiochannel._state import Overflow

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


async def _select(rx: ReceiveChannel[int]) -> object:
    """A select over ``rx`` and a channel nobody uses: it waits in ``rx``'s line like a getter,
    and reports a closed end rather than raising."""
    sel = await select(rx, Channel[int]())
    if sel.closed:
        try:
            _ = sel.item
        except ChannelClosed as exc:
            return ("closed", str(exc))
    return ("item", sel.item)


async def _many(rx: ReceiveChannel[int]) -> object:
    return list(await rx.get_many(2))


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

Kind = Literal["put", "get", "next", "join", "select", "many"]
# The state of the future a waiting task awaits: "pending", "yes" (item promised, slot granted,
# join done), "no" (channel closed, or the task's own handle) or "cancelled".
Fut = Literal["pending", "yes", "no", "cancelled"]

HANDLE_CLOSED = "this send handle is closed"
HUNG_UP = "this receive handle has hung up"


@dataclass
class MTask:
    kind: Kind
    item: int
    #: The send (put) or receive (get, next) handle it goes through; 0 is the channel's own.
    handle: int = 0
    started: bool = False
    fut: Fut = "pending"
    must_cancel: bool = False
    outcome: str | None = None
    #: Its loop was closed before it finished: it never resumes.
    stranded: bool = False


class Model:
    """The channel contract, in the terms of the brief: ``items`` (oldest first), whose first
    ``reserved`` are promised to woken getters, and ``granted`` slots promised to woken putters;
    send and receive handles, open or not (0 is the channel's own)."""

    def __init__(self, maxsize: int, overflow: Overflow = "wait") -> None:
        self.maxsize = maxsize
        self.overflow = overflow
        self.dropped = 0
        self.closed = False
        self.error: str | None = None  # repr of the error the channel was closed with
        self.hung_up = False
        self.senders = [True]
        self.receivers = [True]
        self.items: list[int] = []
        self.reserved = 0
        self.granted = 0
        self.peak = 0
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

    def closed_error(self) -> str:
        if self.error is not None:
            return raised(ChannelClosed(f"channel is closed with an error: {self.error}"))
        if self.hung_up:
            return raised(ChannelClosed("channel is closed: every receiver hung up"))
        return raised(ChannelClosed("channel is closed"))

    def send_error(self, h: int) -> str:
        """What a put through closed send handle ``h`` raises."""
        return self.closed_error() if self.closed else raised(ChannelClosed(HANDLE_CLOSED))

    def receive_error(self, h: int) -> str:
        return self.closed_error() if self.closed else raised(ChannelClosed(HUNG_UP))

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
        self.peak = max(self.peak, self.available())
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

    def return_promise(self) -> None:
        """A woken getter gives its promise back (unless every receiver hung up: the promised
        items were discarded)."""
        if any(self.receivers):
            self.reserved -= 1
            self.settle()

    # operations called from outside the loop

    def offer(self, item: int) -> bool:
        """Add ``item`` if there is room, or drop one with a lossy policy; False to wait."""
        if self.room() <= 0:
            if self.overflow == "wait":
                return False
            self.dropped += 1
            if self.overflow == "drop_newest":
                return True
            del self.items[self.reserved]  # the oldest available item
        self.items.append(item)
        self.settle()
        return True

    def put_nowait(self, item: int, h: int) -> str:
        if not self.senders[h]:
            return self.send_error(h)
        if self.closed:
            return self.closed_error()
        if not self.offer(item):
            return raised(ChannelFull(f"channel is full (maxsize={self.maxsize})"))
        return returned(None)

    def take(self) -> int:
        item = self.items.pop(self.reserved)
        self.settle()
        return item

    def get_nowait(self, h: int) -> str:
        if not self.receivers[h]:
            return self.receive_error(h)
        if self.available() > 0:
            return returned(self.take())
        if self.closed and not self.reserved:
            return self.closed_error()
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

    def dismiss(self, line: list[int], h: int) -> None:
        """Wake the waiters of ``line`` that wait through handle ``h`` with "no"."""
        for tid in [tid for tid in line if self.tasks[tid].handle == h]:
            line.remove(tid)
            self.resolve(tid, "no")

    def close_sender(self, h: int, error: str | None) -> None:
        if self.senders[h]:
            self.senders[h] = False
            if error is not None and not self.closed:
                self.error = error
                self.close()
            elif not any(self.senders):
                self.close()
            else:
                self.dismiss(self.putters, h)
        elif error is not None and not self.closed:
            self.error = error
            self.close()

    def hang_up(self, h: int) -> None:
        if not self.receivers[h]:
            return
        self.receivers[h] = False
        if any(self.receivers):
            self.dismiss(self.getters, h)
            return
        # Nobody can take an item any more: the channel closes and discards what it holds.
        self.items.clear()
        self.reserved = 0
        if self.closed:
            self.settle()
        else:
            self.hung_up = True
            self.close()

    def clone_sender(self, h: int) -> str:
        if not self.senders[h] or self.closed:
            return self.send_error(h) if not self.senders[h] else self.closed_error()
        self.senders.append(True)
        return returned(None)

    def clone_receiver(self, h: int) -> str:
        if not self.receivers[h] or self.closed:
            return self.receive_error(h) if not self.receivers[h] else self.closed_error()
        self.receivers.append(True)
        return returned(None)

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

    def spawn(self, kind: Kind, item: int, h: int) -> None:
        self.tasks.append(MTask(kind, item, h))
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

    def stop(self) -> str:
        """How ``async for`` ends on a closed and drained channel."""
        return self.closed_error() if self.error is not None else returned("stop")

    def ended(self, kind: Kind, error: str, hung_up: bool = False) -> str:
        """How a receiving task of ``kind`` ends that finds ``error`` (closed and drained, or
        its handle hung up): get and get_many raise it, async for stops (or raises the error
        the channel was closed with), a select reports it."""
        if kind == "select":
            return returned(("closed", error.removeprefix("raised ChannelClosed: ")))
        if kind == "next":
            return returned("stop") if hung_up else self.stop()
        return error

    def take_many(self, limit: int) -> list[int]:
        n = min(limit, self.available())
        taken = self.items[self.reserved : self.reserved + n]
        del self.items[self.reserved : self.reserved + n]
        self.settle()
        return taken

    def start(self, task: MTask, tid: int) -> None:
        if task.must_cancel:  # cancelled before it ran: the coroutine never starts
            task.outcome = CANCELLED
        elif task.kind == "put":
            if not self.senders[task.handle]:
                task.outcome = self.send_error(task.handle)
            elif self.closed:
                task.outcome = self.closed_error()
            elif self.offer(task.item):
                task.outcome = returned(None)
            else:
                self.putters.append(tid)
        elif task.kind == "join":
            if self.closed and not self.items:
                task.outcome = returned(None)
            else:
                self.joiners.append(tid)
        elif not self.receivers[task.handle]:
            task.outcome = self.ended(task.kind, self.receive_error(task.handle), hung_up=True)
        elif self.available() > 0:
            if task.kind == "many":
                task.outcome = returned(self.take_many(2))
            elif task.kind == "select":
                task.outcome = returned(("item", self.take()))
            else:
                task.outcome = returned(self.take())
        elif self.closed and not self.reserved:
            task.outcome = self.ended(task.kind, self.closed_error())
        else:
            self.getters.append(tid)

    def resume(self, task: MTask) -> None:
        assert task.fut != "pending"
        if task.must_cancel or task.fut == "cancelled":
            # Cancellation wins; a promise or grant passes on.
            if task.fut == "yes" and task.kind == "put":
                self.granted -= 1
                self.settle()
            elif task.fut == "yes" and task.kind in ("get", "next", "select", "many"):
                self.return_promise()
            task.outcome = CANCELLED
        elif task.kind == "join":
            task.outcome = returned(None)
        elif task.kind == "put":
            if not self.senders[task.handle]:  # its handle closed while it waited
                if task.fut == "yes":
                    self.granted -= 1
                    self.settle()
                task.outcome = self.send_error(task.handle)
            elif task.fut == "no":
                task.outcome = self.closed_error()
            else:
                self.granted -= 1
                if self.closed:
                    task.outcome = self.closed_error()
                else:
                    self.items.append(task.item)
                    self.settle()
                    task.outcome = returned(None)
        elif not self.receivers[task.handle]:  # its handle hung up while it waited
            if task.fut == "yes":
                self.return_promise()
            task.outcome = self.ended(task.kind, self.receive_error(task.handle), hung_up=True)
        elif task.fut == "no":
            task.outcome = self.ended(task.kind, self.closed_error())
        else:
            self.reserved -= 1
            item = self.items.pop(0)
            if task.kind == "many":
                task.outcome = returned([item, *self.take_many(1)])
            else:
                self.settle()
                task.outcome = returned(("item", item) if task.kind == "select" else item)


# -- both sides together ---------------------------------------------------------------------------


class Harness:
    """A real channel on a hand-stepped loop, and the model; every operation is applied to both
    and ``check`` compares everything observable."""

    def __init__(
        self, loop_factory: LoopFactory, maxsize: int, overflow: Overflow = "wait"
    ) -> None:
        self.iterations = iterations_per_step(loop_factory)
        self.loop_factory = loop_factory
        self.loop = loop_factory()
        self.ch: Channel[int] = Channel(maxsize, overflow=overflow)
        self.model = Model(maxsize, overflow)
        # Handles beyond the channel's own (index 0, reached through ``ch`` or its views).
        self.senders: list[SendChannel[int]] = [self.ch.sender]
        self.receivers: list[ReceiveChannel[int]] = [self.ch.receiver]
        self.tasks: list[asyncio.Task[object]] = []
        self.next_item = 0
        self.errors = 0

    def item(self) -> int:
        self.next_item += 1
        return self.next_item

    def tx(self, h: int, view: bool) -> SendChannel[int]:
        return self.senders[h] if h or view else self.ch

    def rx(self, h: int, view: bool) -> ReceiveChannel[int]:
        return self.receivers[h] if h or view else self.ch

    def send_handle(self, pick: int) -> int:
        return pick % len(self.senders)

    def receive_handle(self, pick: int) -> int:
        return pick % len(self.receivers)

    def put_nowait(self, pick: int, view: bool) -> None:
        item, h = self.item(), self.send_handle(pick)
        try:
            self.tx(h, view).put_nowait(item)
        except (ChannelClosed, ChannelFull) as exc:
            actual = raised(exc)
        else:
            actual = returned(None)
        expected = self.model.put_nowait(item, h)
        assert actual == expected, f"put_nowait({item}) through send handle {h}"

    def get_nowait(self, pick: int, view: bool) -> None:
        h = self.receive_handle(pick)
        try:
            actual = returned(self.rx(h, view).get_nowait())
        except (ChannelClosed, ChannelEmpty) as exc:
            actual = raised(exc)
        assert actual == self.model.get_nowait(h), f"get_nowait() through receive handle {h}"

    def close(self, pick: int, view: bool, with_error: bool = False) -> None:
        h = self.send_handle(pick)
        error: ValueError | None = None
        if with_error:
            self.errors += 1
            error = ValueError(f"e{self.errors}")
        self.tx(h, view).close(error)
        self.model.close_sender(h, None if error is None else repr(error))

    def hang_up(self, pick: int, view: bool) -> None:
        h = self.receive_handle(pick)
        self.rx(h, view).hang_up()
        self.model.hang_up(h)

    def clone_sender(self, pick: int) -> None:
        h = self.send_handle(pick)
        try:
            # Through an end: ``ch.clone()`` would clone both of the channel's own handles.
            self.senders.append(self.senders[h].clone())
        except ChannelClosed as exc:
            actual = raised(exc)
        else:
            actual = returned(None)
        assert actual == self.model.clone_sender(h), f"clone of send handle {h}"

    def clone_receiver(self, pick: int) -> None:
        h = self.receive_handle(pick)
        try:
            self.receivers.append(self.receivers[h].clone())
        except ChannelClosed as exc:
            actual = raised(exc)
        else:
            actual = returned(None)
        assert actual == self.model.clone_receiver(h), f"clone of receive handle {h}"

    def spawn(self, kind: Kind, pick: int, view: bool) -> None:
        item = self.item()
        h = self.send_handle(pick) if kind == "put" else self.receive_handle(pick)
        self.model.spawn(kind, item, h)
        if kind == "put":
            coro = _put(self.tx(h, view), item)
        elif kind == "get":
            coro = _get(self.rx(h, view))
        elif kind == "next":
            coro = _next(self.rx(h, view))
        elif kind == "select":
            coro = _select(self.rx(h, view))
        elif kind == "many":
            coro = _many(self.rx(h, view))
        else:
            coro = _join(self.rx(h, view))
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
        own_closed = not model.senders[0] and not model.receivers[0]
        assert ch.closed() is (model.closed or own_closed)
        for h, tx in enumerate(self.senders):
            assert tx.closed() is (model.closed or not model.senders[h]), f"send handle {h}"
        for h, rx in enumerate(self.receivers):
            assert rx.closed() is (model.closed or not model.receivers[h]), f"receive handle {h}"
        assert list(ch) == model.items[model.reserved :]
        closed = " closed" if model.closed or own_closed else ""
        assert str(ch) == f"<Channel maxsize={model.maxsize} qsize={model.available()}{closed}>"
        assert ch.statistics() == ChannelStatistics(
            maxsize=model.maxsize,
            qsize=model.available(),
            peak_qsize=model.peak,
            open_senders=sum(model.senders),
            open_receivers=sum(model.receivers),
            waiting_putters=len(model.putters),
            waiting_getters=len(model.getters),
            closed=model.closed,
            dropped=model.dropped,
        )
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
                    close_stranded(task)
            for _ in range(4):
                step(self.loop)
        finally:
            self.loop.close()


# -- the state machine -----------------------------------------------------------------------------


LOOPS: dict[str, LoopFactory] = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}

handles = st.integers(min_value=0, max_value=7)


class ChannelMachine(RuleBasedStateMachine):
    loop_kind: ClassVar[str] = "asyncio"

    def __init__(self) -> None:
        super().__init__()
        self.h: Harness | None = None

    @property
    def harness(self) -> Harness:
        assert self.h is not None
        return self.h

    @initialize(
        maxsize=st.integers(min_value=0, max_value=4),
        lossy=st.sampled_from((0, 0, 0, 1, 2)),  # mostly "wait"; the lossy policies need maxsize
    )
    def make_channel(self, maxsize: int, lossy: int) -> None:
        overflow: Overflow = ("wait", "drop_oldest", "drop_newest")[lossy if maxsize else 0]
        self.h = Harness(LOOPS[self.loop_kind], maxsize, overflow)

    @rule(pick=handles, view=st.booleans())
    def put_nowait(self, pick: int, view: bool) -> None:
        self.harness.put_nowait(pick, view)

    @rule(pick=handles, view=st.booleans())
    def get_nowait(self, pick: int, view: bool) -> None:
        self.harness.get_nowait(pick, view)

    @rule(pick=handles, view=st.booleans(), with_error=st.booleans())
    def close(self, pick: int, view: bool, with_error: bool) -> None:
        self.harness.close(pick, view, with_error)

    @rule(pick=handles, view=st.booleans())
    def hang_up(self, pick: int, view: bool) -> None:
        self.harness.hang_up(pick, view)

    @rule(pick=handles)
    def clone_sender(self, pick: int) -> None:
        self.harness.clone_sender(pick)

    @rule(pick=handles)
    def clone_receiver(self, pick: int) -> None:
        self.harness.clone_receiver(pick)

    @rule(pick=handles, view=st.booleans(), count=st.integers(min_value=1, max_value=3))
    def spawn_puts(self, pick: int, view: bool, count: int) -> None:
        for _ in range(count):
            self.harness.spawn("put", pick, view)

    @rule(pick=handles, view=st.booleans(), count=st.integers(min_value=1, max_value=3))
    def spawn_gets(self, pick: int, view: bool, count: int) -> None:
        for _ in range(count):
            self.harness.spawn("get", pick, view)

    @rule(pick=handles, view=st.booleans())
    def spawn_next(self, pick: int, view: bool) -> None:
        self.harness.spawn("next", pick, view)

    @rule(pick=handles, view=st.booleans())
    def spawn_select(self, pick: int, view: bool) -> None:
        self.harness.spawn("select", pick, view)

    @rule(pick=handles, view=st.booleans())
    def spawn_many(self, pick: int, view: bool) -> None:
        self.harness.spawn("many", pick, view)

    @rule()
    def spawn_join(self) -> None:
        self.harness.spawn("join", 0, False)

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
    ("close_with_error", 1),
    ("hang_up", 1),
    ("clone_sender", 1),
    ("clone_receiver", 1),
    ("spawn_put", 4),
    ("spawn_get", 4),
    ("spawn_next", 1),
    ("spawn_select", 2),
    ("spawn_many", 2),
    ("spawn_join", 1),
    ("cancel", 4),
    ("step", 8),
    ("cancel_all_and_settle", 1),
    ("close_loop", 1),
)


def apply(h: Harness, op: str, arg: int) -> None:
    """Apply ``op`` to ``h``; the bits of ``arg`` choose the end (low bit: view or not), how
    many tasks (next bits), and the handle (high bits)."""
    view = bool(arg & 1)
    count = 1 + (arg >> 1) % 3
    pick = arg >> 3
    if op == "put_nowait":
        h.put_nowait(pick, view)
    elif op == "get_nowait":
        h.get_nowait(pick, view)
    elif op in ("close", "close_with_error"):
        h.close(pick, view, op == "close_with_error")
    elif op == "hang_up":
        h.hang_up(pick, view)
    elif op == "clone_sender":
        h.clone_sender(pick)
    elif op == "clone_receiver":
        h.clone_receiver(pick)
    elif op in ("spawn_put", "spawn_get"):
        for _ in range(count):
            h.spawn("put" if op == "spawn_put" else "get", pick, view)
    elif op == "spawn_next":
        h.spawn("next", pick, view)
    elif op == "spawn_select":
        h.spawn("select", pick, view)
    elif op == "spawn_many":
        h.spawn("many", pick, view)
    elif op == "spawn_join":
        h.spawn("join", pick, view)
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
            (op, rng.randrange(64)) for op in rng.choices(names, weights, k=rng.randint(1, length))
        ]
        overflow: Overflow = "wait"
        if maxsize and rng.random() < 0.2:
            overflow = rng.choice(("drop_oldest", "drop_newest"))
        h = Harness(loop_factory, maxsize, overflow)
        done = 0
        try:
            for op, arg in ops:
                apply(h, op, arg)
                done += 1
                h.check()
        except AssertionError as exc:
            trace = "\n".join(f"  {op}({arg})" for op, arg in ops[: done + 1])
            raise AssertionError(
                f"seed {seed}, episode {episode}: maxsize={maxsize} overflow={overflow}, "
                f"after\n{trace}\n{exc}"
            ) from exc
        finally:
            h.teardown()


WALK_EPISODES = int(os.environ.get("AIOCHANNEL_WALK_EPISODES", "1000"))


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("loop_kind", LOOPS)
def test_random_walk(loop_kind: str, seed: int) -> None:
    random_walk(LOOPS[loop_kind], seed, episodes=WALK_EPISODES, length=60)
