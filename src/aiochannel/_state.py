"""The state shared by a channel and its views, and the slow halves of its operations.

Bookkeeping, in terms of the fields of ``ChannelState``:

* ``items`` holds the *available* items, oldest first: the ones ``qsize()`` counts, ``get_nowait``
  may take, and ``maxsize`` bounds.
* ``promised`` holds the items promised to getters that were woken but have not resumed yet, oldest
  first; they are older than every available item. Each woken getter takes the oldest when it
  resumes. They no longer count against ``maxsize``: like an item handed to a receiver, they are in
  flight.
* ``granted`` counts slots promised to putters that were woken but have not resumed yet; they
  count against ``maxsize``, so ``put_nowait`` cannot take them.
* Getters wait only while nothing is available, putters only while there is no room. An item put
  while getters wait is promised at once to the oldest waiting getter; room that appears while
  putters wait is granted at once to the oldest waiting putter. That is what makes waiting fair and
  ``*_nowait`` unable to jump the line.
* A waiter that is cancelled after its promise passes the promise on to the next waiter in line; a
  getter with nobody behind it returns the newest promised item to the head of ``items`` (so
  returned items stay in order). Nothing is lost or duplicated.
* Closed and drained means: closed, nothing available, nothing promised. While promises are
  outstanding after ``close()`` a promised item may still come back, so as many of the oldest
  waiting getters as there are promises keep waiting; the rest are dismissed at once, and the
  ones kept when the last promise is settled.

Waiting lines. ``getters``, ``putters`` and ``joiners`` are deques of futures, oldest first. A
future resolves to True for "promised" (item, slot, or join done) and to False for "closed". A
cancelled waiter is left where it is and skipped when its turn comes (a cancelled future is done);
``dead_*`` count the waiters that left that way, and a line is compacted once more than half of
it has left, so cancelling n waiters costs O(n) in any order and memory stays flat.

Event loops and threads. The loop of the waiting tasks is held by a weak reference, so an idle
channel does not keep a loop alive, together with the thread it ran in when the first of them
waited. A wait from another loop is refused while a task of another open loop waits or holds a
promise or grant; anything that would wake a waiter checks first that it runs in that thread.
Waiters whose loop is closed (or gone) can never resume: they are *reaped*, which returns their
promised items to the head of ``items`` and releases their granted slots, so that nothing is
stranded and no operation fails because of them.

Every operation is all-or-nothing: checks come before changes, and waking a waiter (which raises
if its loop is closed) is done before the bookkeeping that depends on it succeeding.

The fast paths in ``_channel.py`` look only at ``put_fast``, ``put_limit`` and ``get_fast``. Those
are conservative: a non-``None`` value guarantees that the fast path is right, but they may be
``None`` while it would be right, until the next ``refresh()``. Hot slow paths update them
incrementally instead of calling ``refresh()``, which matters when every item needs a task switch.
"""

from __future__ import annotations

import sys
from asyncio import AbstractEventLoop, Future, get_running_loop
from collections import deque
from threading import get_ident
from typing import Generic, Literal, Protocol, TypeVar
from weakref import ref

from ._errors import ChannelClosed, ChannelEmpty, ChannelFull
from ._statistics import ChannelStatistics

T = TypeVar("T")


class Waiter(Protocol):
    """What stands in a waiting line: the future of a waiting call, or the entry of a waiting
    ``select()`` (one per channel, all over one future)."""

    def done(self) -> bool: ...

    def cancelled(self) -> bool: ...

    def result(self) -> bool: ...

    def set_result(self, result: bool, /) -> None: ...

    def get_loop(self) -> AbstractEventLoop: ...


Waiters = deque[Waiter]

#: What a put does when a bounded channel has no room.
Overflow = Literal["wait", "drop_oldest", "drop_newest"]
OVERFLOWS: tuple[Overflow, ...] = ("wait", "drop_oldest", "drop_newest")


def _compact(waiters: Waiters) -> None:
    """Drop the waiters that left (cancelled: their futures are done), in place."""
    live = [waiter for waiter in waiters if not waiter.done()]
    waiters.clear()
    waiters.extend(live)


def _live(waiters: Waiters | None) -> bool:
    return waiters is not None and any(not waiter.done() for waiter in waiters)


def _count_live(waiters: Waiters | None) -> int:
    return 0 if waiters is None else sum(not waiter.done() for waiter in waiters)


def _owned(
    owners: dict[Waiter, object] | None,
    waiter: Waiter,
    handle: object,
    line: Waiters,
) -> dict[Waiter, object]:
    """``owners`` (made if ``None``) with ``waiter`` recorded as waiting through ``handle``; the
    records of waiters that are done are pruned once they could outnumber the line."""
    if owners is None:
        owners = {}
    owners[waiter] = handle
    if len(owners) > 2 * len(line) + 32:
        for done in [w for w in owners if w.done()]:
            del owners[done]
    return owners


def _own_all(
    owners: dict[Waiter, object] | None, line: Waiters | None, handle: object
) -> dict[Waiter, object] | None:
    """``owners`` with every live waiter of ``line`` recorded as waiting through ``handle``."""
    if not line:
        return owners
    if owners is None:
        owners = {}
    for waiter in line:
        if not waiter.done():
            owners[waiter] = handle
    return owners


def leave_line(waiters: Waiters | None, waiter: Waiter, left: int) -> int:
    """Account for ``waiter`` leaving ``waiters`` unserved, ``left`` having left before it.

    Returns the new count of leavers: the line is compacted (and the count reset) once more than
    half of it has left, which keeps leaving O(1) amortized and the line at most twice as long
    as the waiters in it.
    """
    if waiters is None:
        return 0
    if waiters and waiters[0] is waiter:  # the oldest leaves (timeouts mostly come in order)
        waiters.popleft()
        return left
    if not waiter.done():
        # Left by an exception other than cancellation, so its future is still pending and would
        # be served: take it out now (O(n), but only on this rare path).
        waiters.remove(waiter)
        return left
    left += 1
    if left * 2 > len(waiters):
        _compact(waiters)
        return 0
    return left


THREADSAFE_HINT = (
    "hand the call to the loop's thread with loop.call_soon_threadsafe(...), or "
    "asyncio.run_coroutine_threadsafe(...) for a call that waits"
)


def in_use_error(thread: int) -> RuntimeError:
    """The error for a wait from a loop while tasks of another loop (run in ``thread``) wait."""
    if thread != get_ident():
        return RuntimeError(
            "channel is in use by tasks of an event loop in another thread: "
            f"a channel is not thread-safe; {THREADSAFE_HINT}"
        )
    return RuntimeError(
        "channel is in use by tasks of another event loop: "
        "a channel can only be waited on from one loop at a time"
    )


def wrong_thread_error() -> RuntimeError:
    """The error for waking waiters from a thread other than their loop's."""
    return RuntimeError(
        "channel used from a thread other than the one running the event loop of its "
        f"waiting tasks: a channel is not thread-safe; {THREADSAFE_HINT}"
    )


class ChannelState(Generic[T]):
    """One channel's buffer, waiters and flags. Never exposed to users."""

    __slots__ = (
        "cap",
        "closed",
        "dead_getters",
        "dead_joiners",
        "dead_putters",
        "dropped",
        "error",
        "get_fast",
        "getter_owners",
        "getters",
        "granted",
        "hung_up",
        "items",
        "joiners",
        "limit",
        "loop",
        "maxsize",
        "overflow",
        "peak",
        "promised",
        "put_fast",
        "put_limit",
        "putter_owners",
        "putters",
        "receivers",
        "senders",
        "thread",
    )

    def __init__(self, maxsize: int, overflow: Overflow = "wait") -> None:
        self.maxsize: int = maxsize
        #: What a put does without room: wait (``None``), or drop the oldest or the newest item.
        self.overflow: Overflow | None = None if overflow == "wait" else overflow
        self.dropped: int = 0
        #: ``maxsize``, or a bound never reached when the channel is unbounded.
        self.limit: int = maxsize or sys.maxsize
        #: The available items, made on first put: an idle channel stays a few hundred bytes.
        self.items: deque[T] | None = None
        #: Items promised to woken getters; made when a getter first waits.
        self.promised: deque[T] | None = None
        #: ``items`` while a put may simply append below ``put_limit`` (open, no getter or putter
        #: waiting), else ``None``.
        self.put_fast: deque[T] | None = None
        #: ``len(items)`` below which a put may take the fast path: ``limit - granted``, capped at
        #: ``cap``.
        self.put_limit: int = 0
        #: The highest ``len(items)`` recorded, and the cap of fast puts. Fast gets are allowed
        #: only while ``cap <= peak`` ("draining"): then no fast put can make a new peak, so the
        #: peak is exact. A put that would make one switches to "filling" (``cap`` raised above
        #: ``peak``, fast gets off) until the next get records the peak. Whatever else shrinks
        #: ``items`` records the peak first, so ``max(peak, len(items))`` is always exact.
        self.peak: int = 0
        self.cap: int = 0
        #: ``items`` while a get may simply pop the head (no putter waiting, no joiner to wake),
        #: else ``None``.
        self.get_fast: deque[T] | None = None
        self.closed: bool = False
        #: What closed the channel, besides its last send handle: an error given to close(), or
        #: every receive handle hanging up.
        self.error: BaseException | None = None
        self.hung_up: bool = False
        self.senders: int = 1
        self.receivers: int = 1
        #: While there are several send (receive) handles: which handle each waiting put (get)
        #: waits through, so that closing one ends only its own waits. Done futures are pruned
        #: when a dict outgrows ``_prune_at``.
        self.putter_owners: dict[Waiter, object] | None = None
        self.getter_owners: dict[Waiter, object] | None = None
        self.granted: int = 0
        self.getters: Waiters | None = None
        self.putters: Waiters | None = None
        self.joiners: Waiters | None = None
        #: How many waiters left each line since it was last compacted (an upper bound on the
        #: cancelled futures still in it).
        self.dead_getters: int = 0
        self.dead_putters: int = 0
        self.dead_joiners: int = 0
        #: The loop of the waiting tasks (weakly), and the thread it ran in when they started.
        self.loop: ref[AbstractEventLoop] | None = None
        self.thread: int = 0

    # -- queries --------------------------------------------------------------------------------

    def qsize(self) -> int:
        items = self.items
        return 0 if items is None else len(items)

    def room(self) -> int:
        return self.limit - self.qsize() - self.granted

    @property
    def reserved(self) -> int:
        """How many items are promised to woken getters."""
        promised = self.promised
        return 0 if promised is None else len(promised)

    def drained(self) -> bool:
        return self.closed and not self.items and not self.promised

    def closed_error(self) -> ChannelClosed:
        """The ``ChannelClosed`` to raise now that the channel is closed."""
        error = self.error
        if error is not None:
            exc = ChannelClosed(f"channel is closed with an error: {error!r}")
            exc.__cause__ = error
            exc.__suppress_context__ = True
            return exc
        if self.hung_up:
            return ChannelClosed("channel is closed: every receiver hung up")
        return ChannelClosed("channel is closed")

    def statistics(self) -> ChannelStatistics:
        qsize = self.qsize()
        return ChannelStatistics(
            maxsize=self.maxsize,
            qsize=qsize,
            peak_qsize=max(self.peak, qsize),
            open_senders=self.senders,
            open_receivers=self.receivers,
            waiting_putters=_count_live(self.putters),
            waiting_getters=_count_live(self.getters),
            closed=self.closed,
            dropped=self.dropped,
        )

    # -- bookkeeping ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute all that the fast paths look at."""
        room = self.limit - self.granted
        cap = self.cap
        self.put_limit = room if room < cap else cap
        if self.putters:
            self.put_fast = self.get_fast = None
            return
        items = self.items
        self.get_fast = None if cap > self.peak or (self.closed and self.joiners) else items
        self.put_fast = None if self.closed or self.getters else items

    # -- event loops and threads ----------------------------------------------------------------

    def loop_gone(self) -> bool:
        """Whether the loop of the waiters is closed or collected (or none is bound): waiters of
        it can never resume."""
        loop_ref = self.loop
        loop = None if loop_ref is None else loop_ref()
        return loop is None or loop.is_closed()

    def busy(self) -> bool:
        """Whether a task waits, or holds a promise or grant (cancelled waiters do not count)."""
        return bool(
            self.promised
            or self.granted
            or _live(self.getters)
            or _live(self.putters)
            or _live(self.joiners)
        )

    def bind(self, loop: AbstractEventLoop) -> None:
        """Make ``loop`` the loop of the waiters.

        Raises ``RuntimeError`` while a task of another open loop waits or holds a promise or
        grant. Waiters of a closed loop are reaped; cancelled ones of an open loop are forgotten.
        """
        if self.busy():
            if not self.loop_gone():
                raise self.in_use_error()
            self.reap()
        for waiters in (self.getters, self.putters, self.joiners):
            if waiters:
                _compact(waiters)
        self.dead_getters = self.dead_putters = self.dead_joiners = 0
        self.loop = ref(loop)
        self.thread = get_ident()

    def in_use_error(self) -> RuntimeError:
        return in_use_error(self.thread)

    def check_thread(self) -> None:
        """Before waking a waiter: raise ``RuntimeError`` unless this runs in the waiters' thread.

        Waiters of a closed loop are reaped instead (they need no waking).
        """
        if get_ident() != self.thread:
            if self.loop_gone():
                self.reap()
                return
            raise wrong_thread_error()

    def reap(self) -> None:
        """Forget every waiter: their loop is closed or gone, so none of them can ever resume.

        Their promised items go back to the head of ``items``, in order, and their granted
        slots are released. Called when ``loop_gone()``, or when waking a waiter raised: with the
        thread checked first, ``set_result`` raises only when the future's loop is closed.
        """
        for waiters in (self.getters, self.putters, self.joiners):
            if waiters:
                waiters.clear()
        self.dead_getters = self.dead_putters = self.dead_joiners = 0
        self.putter_owners = self.getter_owners = None
        promised = self.promised
        if promised:
            self.buffer().extendleft(reversed(promised))
            promised.clear()
            self.note_peak()
        self.granted = 0
        self.loop = None
        self.refresh()

    def ours(self, waiter: Waiter) -> bool:
        """Whether a waiter that leaves may change the state: it is of the waiters' loop (not of a
        reaped or replaced one), and that loop is open.

        A waiter of a closed loop leaves only when the garbage collector closes its coroutine,
        which can happen at any allocation, even in the middle of another operation: it is left
        to ``reap()``.
        """
        loop = waiter.get_loop()
        loop_ref = self.loop
        return loop_ref is not None and loop is loop_ref() and not loop.is_closed()

    def buffer(self) -> deque[T]:
        """``items``, made if it was not yet."""
        items = self.items
        if items is None:
            items = self.items = deque()
        return items

    def note_peak(self) -> None:
        """Record ``len(items)`` as the peak if it is one (after a slow path added items)."""
        items = self.items
        if items is not None and len(items) > self.peak:
            self.peak = len(items)

    def prepare_wake(self) -> None:
        """Before an operation that may wake waiters: reap them if their loop is gone, else
        check that this runs in their thread (``RuntimeError`` otherwise)."""
        if self.getters or self.putters or self.joiners or self.promised or self.granted:
            if self.loop_gone():
                self.reap()
            else:
                self.check_thread()

    # -- waking ---------------------------------------------------------------------------------
    # Waiters are woken from their own running loop, except by add(), take() and what take()
    # calls, which may run outside any loop: those catch the RuntimeError of a closed loop.

    def add(self, item: T) -> None:
        """Add ``item`` (there is room): promise it to the oldest live waiting getter, if any."""
        getters = self.getters
        while getters:
            getter = getters.popleft()
            if not getter.done():
                try:
                    getter.set_result(True)
                except RuntimeError:  # its loop is closed
                    self.reap()
                    continue
                promised = self.promised
                assert promised is not None  # made with the first getter
                promised.append(item)
                if not getters and not self.putters and not self.closed:
                    self.put_fast = self.items
                return
        items = self.items
        if items is None:
            items = self.items = deque()
        items.append(item)
        if len(items) > self.peak:  # noqa: PLR1730 (cheaper than a call to max())
            self.peak = len(items)

    def return_promise(self) -> None:
        """Pass a cancelled getter's promise to the next live waiting getter, or else return the
        newest promised item to the head of the available items.

        Once every receive handle hung up, the promised items were discarded: nothing returns.
        """
        if not self.receivers:
            return
        getters = self.getters
        while getters:
            getter = getters.popleft()
            if not getter.done():
                getter.set_result(True)
                return
        promised = self.promised
        assert promised  # the cancelled getter's item is there
        self.buffer().appendleft(promised.pop())
        self.note_peak()

    def grant(self) -> None:
        """Grant a freed slot to the oldest live waiting putter, if any."""
        putters = self.putters
        while putters:
            putter = putters.popleft()
            if not putter.done():
                try:
                    putter.set_result(True)
                except RuntimeError:  # its loop is closed
                    self.reap()
                    continue
                self.granted += 1
                return

    def grant_room(self) -> None:
        """Grant every free slot to the oldest live waiting putters."""
        putters = self.putters
        while putters and self.room() > 0:
            putter = putters.popleft()
            if not putter.done():
                self.granted += 1
                putter.set_result(True)
        self.put_limit = min(self.put_limit, self.limit - self.granted)

    def take(self) -> T:
        """Remove and return the oldest available item; the caller checked that there is one."""
        putters = self.putters
        if putters or self.joiners:
            self.check_thread()
        items = self.items
        assert items  # an item is available (also after a reap: that only adds items)
        if len(items) > self.peak:  # noqa: PLR1730 (cheaper than a call to max())
            self.peak = len(items)
        self.cap = self.peak  # draining: fast gets may run, fast puts stop at the peak
        item = items.popleft()
        if putters and len(items) + self.granted < self.limit:
            self.grant()  # the slot we freed
        if self.joiners:
            self.wake_joiners()
        self.refresh()
        return item

    def dismiss_getters(self) -> None:
        """Closed and drained: wake every waiting getter with "closed", and the joiners."""
        getters = self.getters
        while getters:
            getter = getters.popleft()
            if not getter.done():
                getter.set_result(False)
        self.dead_getters = 0
        self.wake_joiners()

    def wake_joiners(self) -> None:
        joiners = self.joiners
        if joiners and self.drained():
            self.joiners = None
            self.dead_joiners = 0
            for joiner in joiners:
                if not joiner.done():
                    try:
                        joiner.set_result(True)
                    except RuntimeError:  # its loop is closed (take() from outside it)
                        self.reap()

    # -- the slow halves of the endpoint operations ----------------------------------------------
    # The endpoints await the waiter futures themselves, between these calls, so that a wait costs
    # no extra coroutine frame.

    def offer(self, item: T) -> bool:
        """Add ``item`` if there is room now; return whether it was added.

        Raises ``ChannelClosed`` if the channel is closed.
        """
        if self.closed:
            raise self.closed_error()
        items = self.items
        if items is not None and len(items) + self.granted >= self.limit:
            overflow = self.overflow
            if overflow is None:
                return False
            # Lossy: putters never wait, so nothing is granted and the buffer is full of items.
            self.dropped += 1
            if overflow == "drop_newest":
                return True
            self.note_peak()  # before the buffer shrinks (see ``peak``)
            items.popleft()
            # A full buffer has no getter in line (getters wait only on an empty one, and add()
            # passes every one in line before it buffers an item): one item replaces another,
            # and nothing the fast paths look at changes.
            items.append(item)
            return True
        if self.getters:
            self.check_thread()
        self.add(item)
        items = self.items
        if items is not None and len(items) > self.cap:
            # A new peak: fast puts may go on (filling), fast gets wait for the next get.
            self.cap = 2 * len(items) + 16
        self.refresh()
        return True

    def offer_again(self, item: T) -> None:
        """``put_nowait`` found no room: add ``item`` if slots granted to putters of a closed loop
        free up, else raise ``ChannelFull``."""
        if self.granted and self.loop_gone():
            self.reap()
            if self.offer(item):
                return
        raise ChannelFull(f"channel is full (maxsize={self.maxsize})")

    def enqueue_putter(self, handle: object) -> Future[bool]:
        """Queue a putter waiting through send ``handle``; its future resolves True when a slot
        is granted, False on close (of the channel or of that handle).

        The caller found no room.
        """
        loop = get_running_loop()
        loop_ref = self.loop
        if loop_ref is None or loop_ref() is not loop:
            self.bind(loop)
            if self.room() > 0:  # slots granted to putters of a closed loop were released
                putter = loop.create_future()
                self.granted += 1
                putter.set_result(True)
                self.refresh()
                return putter
        putter = loop.create_future()
        putters = self.putters
        if putters is None:
            putters = self.putters = deque()
        putters.append(putter)
        if self.senders > 1:
            self.putter_owners = _owned(self.putter_owners, putter, handle, putters)
        self.put_fast = self.get_fast = None
        return putter

    def abandon_putter(self, putter: Future[bool]) -> None:
        """Undo a putter whose wait raised (cancelled): leave the queue, or pass the slot on."""
        if not self.ours(putter):
            return  # of a closed loop (reaped), or cancelled before another loop waited
        if not putter.done() or putter.cancelled():
            self.dead_putters = leave_line(self.putters, putter, self.dead_putters)
        elif putter.result():
            self.granted -= 1
            self.grant_room()
        self.refresh()

    def fill_slot(self, granted: bool, item: T) -> None:
        """Add a woken putter's ``item`` into its granted slot.

        Raises ``ChannelClosed`` if the putter was woken by ``close()``, or the channel was closed
        since the slot was granted; the item is then not added.
        """
        if not granted:
            raise self.closed_error()
        self.granted -= 1
        room = self.limit - self.granted
        self.put_limit = room if room < self.cap else self.cap
        if self.closed:
            raise self.closed_error()
        self.add(item)
        if self.putters:
            # If a getter took the item at once, the slot is free again.
            self.grant_room()

    def take_again(self) -> T:
        """``get_nowait`` found nothing available: take an item that waiters of a closed loop
        held, else raise ``ChannelClosed`` if closed and drained, or ``ChannelEmpty``."""
        if self.promised and self.loop_gone():
            self.reap()  # their items are available now
            return self.take()
        if self.closed and not self.promised:
            raise self.closed_error()
        raise ChannelEmpty("channel is empty")

    def enqueue_getter(self, handle: object) -> Future[bool] | None:
        """Queue a getter waiting through receive ``handle``; its future resolves True when an
        item is promised, False on close (of the channel, or hang-up of that handle).

        Returns ``None`` if the channel is closed and drained. The caller found nothing available.
        """
        if self.closed and not self.promised:
            return None
        loop = get_running_loop()
        loop_ref = self.loop
        if loop_ref is None or loop_ref() is not loop:
            self.bind(loop)
            if self.items:  # items promised to waiters of a closed loop came back
                return self.promise_now(loop)
        getter = loop.create_future()
        getters = self.getters
        if getters is None:
            getters = self.getters = deque()
            self.promised = deque()
        getters.append(getter)
        if self.receivers > 1:
            self.getter_owners = _owned(self.getter_owners, getter, handle, getters)
        self.put_fast = None
        return getter

    def promise_now(self, loop: AbstractEventLoop) -> Future[bool]:
        """A getter's future, already promised the oldest available item (nobody waits)."""
        items = self.items
        promised = self.promised
        assert items  # reaped, so promised exists
        assert promised is not None
        getter = loop.create_future()
        self.note_peak()  # before the buffer shrinks (see ``peak``)
        promised.append(items.popleft())
        getter.set_result(True)
        self.refresh()
        return getter

    def abandon_getter(self, getter: Waiter) -> None:
        """Undo a getter whose wait raised (cancelled): leave the queue, or pass the item on.

        The promise goes to the next getter in line, or an item back to the head.
        """
        if not self.ours(getter):
            return  # of a closed loop (reaped), or cancelled before another loop waited
        if not getter.done() or getter.cancelled():
            self.dead_getters = leave_line(self.getters, getter, self.dead_getters)
        elif getter.result():
            self.return_promise()
        self.refresh()

    def take_many(self, limit: int) -> list[T]:
        """Remove and return up to ``limit`` available items, oldest first; the caller checked
        that there is one."""
        putters = self.putters
        if putters or self.joiners:
            self.check_thread()
        items = self.items
        assert items
        if len(items) > self.peak:  # noqa: PLR1730 (as in take())
            self.peak = len(items)
        self.cap = self.peak
        if limit >= len(items):
            taken = list(items)
            items.clear()
        else:
            taken = [items.popleft() for _ in range(limit)]
        if putters:
            self.grant_room()
        if self.joiners:
            self.wake_joiners()
        self.refresh()
        return taken

    def and_more(self, item: T, limit: int) -> list[T]:
        """``item``, then what else is available, up to ``limit`` in all (without waiting)."""
        if limit > 1 and self.items:
            return [item, *self.take_many(limit - 1)]
        return [item]

    # -- a waiting select() -----------------------------------------------------------------------

    def ready(self) -> bool:
        """Whether a get would not wait: an item is available, or the channel (or handle, for a
        stand-in) is closed and drained."""
        return bool(self.items) or (self.closed and not self.promised)

    def lagged(self) -> bool:
        """Whether ``take_ready`` would report missed items instead (never, for a channel)."""
        return False

    def take_ready(self) -> T:
        """What ``get_nowait`` returns (or raises) when ``ready()``."""
        if self.items:
            return self.take()
        return self.take_again()

    def enqueue_entry(self, entry: Waiter, handle: object, loop: AbstractEventLoop) -> bool:
        """Queue a waiting select's ``entry`` as a getter through receive ``handle``; False
        (queueing nothing) if a get would not wait after all (waiters of a closed loop reaped).

        Raises ``RuntimeError`` if tasks of another open loop wait on the channel.
        """
        loop_ref = self.loop
        if loop_ref is None or loop_ref() is not loop:
            self.bind(loop)
            if self.ready():
                return False
        getters = self.getters
        if getters is None:
            getters = self.getters = deque()
            self.promised = deque()
        getters.append(entry)
        if self.receivers > 1:
            self.getter_owners = _owned(self.getter_owners, entry, handle, getters)
        self.put_fast = None
        return True

    def withdraw(self, entry: Waiter) -> None:
        """A waiting select leaves this line unserved here (it was served elsewhere, or left)."""
        if self.ours(entry):
            getters = self.getters
            self.dead_getters = leave_line(getters, entry, self.dead_getters)
            if not getters:
                self.refresh()

    def claim(self) -> T:
        """Take the oldest promised item, for a woken getter."""
        promised = self.promised
        assert promised  # an item was promised to the caller
        item = promised.popleft()
        if self.closed and not promised and not self.items:
            self.dismiss_getters()
        return item

    def close(self) -> None:
        if self.closed:
            return
        self.prepare_wake()
        getters, putters = self.getters, self.putters
        self.closed = True
        # Putters can never be served; of the getters (nothing is available, or they would not
        # wait), only as many as there are promised items that may still come back.
        while putters:
            putter = putters.popleft()
            if not putter.done():
                putter.set_result(False)
        self.dead_putters = 0
        if getters:
            keep = self.reserved
            kept: list[Waiter] = []
            while getters:
                getter = getters.popleft()
                if getter.done():
                    continue
                if len(kept) < keep:
                    kept.append(getter)
                else:
                    getter.set_result(False)
            getters.extend(kept)
            self.dead_getters = 0
        self.wake_joiners()
        self.refresh()

    # -- handles --------------------------------------------------------------------------------

    def close_sender(self, handle: object, error: BaseException | None) -> None:
        """Send ``handle`` (open) closes: the channel closes with it if it is the last open one,
        or if ``error`` is given while the channel is open; else only its waiting puts end."""
        self.prepare_wake()
        self.senders -= 1
        if error is not None and not self.closed:
            self.error = error
            self.close()
        elif not self.senders:
            self.close()
        else:
            self.dismiss(self.putters, self.putter_owners, handle)
            self.dead_putters = 0

    def fail(self, error: BaseException) -> None:
        """``close(error)`` through a closed send handle: the channel closes with ``error``
        if it is still open."""
        if not self.closed:
            self.prepare_wake()
            self.error = error
            self.close()

    def hang_up_receiver(self, handle: object) -> None:
        """Receive ``handle`` (open) hangs up. If it was the last open one, nobody can ever take
        an item: the channel closes and discards every item it holds (buffered or promised);
        else only its waiting gets end."""
        self.prepare_wake()
        self.receivers -= 1
        if self.receivers:
            self.dismiss(self.getters, self.getter_owners, handle)
            self.dead_getters = 0
            return
        self.note_peak()  # before the buffer shrinks (see ``peak``)
        for items in (self.items, self.promised):
            if items:
                items.clear()
        if self.closed:
            self.dismiss_getters()
        else:
            self.hung_up = True
            self.close()

    @staticmethod
    def dismiss(line: Waiters | None, owners: dict[Waiter, object] | None, handle: object) -> None:
        """Wake with "closed" the waiters of ``line`` that wait through ``handle``, and compact
        the line. A woken one of them (promised, not resumed) finds its handle closed when it
        resumes, and passes its promise on itself."""
        if line is None or owners is None:
            return
        for waiter, owner in list(owners.items()):
            if owner is handle:
                del owners[waiter]
                if not waiter.done():
                    waiter.set_result(False)
        _compact(line)

    def clone_sender(self, handle: object) -> None:
        """One more send handle, cloned from ``handle`` (open, and so is the channel)."""
        self.senders += 1
        if self.senders == 2:
            # Until now the waiting puts could only wait through ``handle``, unrecorded.
            self.putter_owners = _own_all(self.putter_owners, self.putters, handle)

    def clone_receiver(self, handle: object) -> None:
        """One more receive handle, cloned from ``handle`` (open, and so is the channel)."""
        self.receivers += 1
        if self.receivers == 2:
            self.getter_owners = _own_all(self.getter_owners, self.getters, handle)

    async def join(self) -> None:
        if self.drained():
            return
        loop = get_running_loop()
        loop_ref = self.loop
        if loop_ref is None or loop_ref() is not loop:
            self.bind(loop)
        joiner = loop.create_future()
        joiners = self.joiners
        if joiners is None:
            joiners = self.joiners = deque()
        joiners.append(joiner)
        self.refresh()
        try:
            await joiner
        except BaseException:
            if self.ours(joiner):
                self.dead_joiners = leave_line(self.joiners, joiner, self.dead_joiners)
            raise


class ClosedHandle(ChannelState[T]):
    """Stands in for the state behind a handle once it is closed (or hung up), so that the open
    handles test nothing on their fast paths: here every fast path finds nothing to do and every
    slow half raises ``closed_error()``, this handle's until the channel itself is closed."""

    __slots__ = ("message", "state")

    def __init__(self, state: ChannelState[T], message: str) -> None:
        super().__init__(0)
        self.closed = True
        self.state = state
        self.message = message

    def closed_error(self) -> ChannelClosed:
        state = self.state
        if state.closed:
            return state.closed_error()
        return ChannelClosed(self.message)
