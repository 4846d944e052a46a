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
  returned items stay in order). Nothing is lost or duplicated. A waiter cancelled before its
  promise is removed from its queue when its task resumes.

A waiter's future resolves to True for "promised" and to False for "closed".

The fast paths in ``_channel.py`` look only at ``put_fast``, ``put_limit`` and ``get_fast``. Those
are conservative: a non-``None`` value guarantees that the fast path is right, but they may be
``None`` while it would be right, until the next ``refresh()``. Hot slow paths update them
incrementally instead of calling ``refresh()``, which matters when every item needs a task switch.
"""

from __future__ import annotations

import sys
from asyncio import AbstractEventLoop, Future, get_running_loop
from collections import deque
from typing import Generic, TypeVar

from ._errors import ChannelClosed, ChannelEmpty, ChannelError

T = TypeVar("T")


def closed_error() -> ChannelClosed:
    return ChannelClosed("channel is closed")


def _discard(waiters: deque[Future[bool]] | list[Future[bool]] | None, fut: Future[bool]) -> None:
    """Remove ``fut`` from ``waiters`` if it is still there."""
    if waiters is not None and fut in waiters:
        waiters.remove(fut)


class ChannelState(Generic[T]):
    """One channel's buffer, waiters and flags. Never exposed to users."""

    __slots__ = (
        "closed",
        "get_fast",
        "getters",
        "granted",
        "items",
        "joiners",
        "limit",
        "loop",
        "maxsize",
        "promised",
        "put_fast",
        "put_limit",
        "putters",
    )

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        #: ``maxsize``, or a bound never reached when the channel is unbounded.
        self.limit = maxsize or sys.maxsize
        #: The available items, made on first put: an idle channel stays a few hundred bytes.
        self.items: deque[T] | None = None
        #: Items promised to woken getters; made when a getter first waits.
        self.promised: deque[T] | None = None
        #: ``items`` while a put may simply append below ``put_limit`` (open, no getter or putter
        #: waiting), else ``None``.
        self.put_fast: deque[T] | None = None
        #: ``len(items)`` below which there is room: ``limit - granted``.
        self.put_limit = self.limit
        #: ``items`` while a get may simply pop the head (no putter waiting, no joiner to wake),
        #: else ``None``.
        self.get_fast: deque[T] | None = None
        self.closed = False
        self.granted = 0
        self.getters: deque[Future[bool]] | None = None
        self.putters: deque[Future[bool]] | None = None
        self.joiners: list[Future[bool]] | None = None
        #: The loop of the current waiters; rebound when nobody waits.
        self.loop: AbstractEventLoop | None = None

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

    # -- bookkeeping ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute all that the fast paths look at."""
        self.put_limit = self.limit - self.granted
        if self.putters:
            self.put_fast = self.get_fast = None
            return
        items = self.items
        self.get_fast = None if self.closed and self.joiners else items
        self.put_fast = None if self.closed or self.getters else items

    def bind(self, loop: AbstractEventLoop) -> None:
        """Make ``loop`` the loop of the waiters; only allowed while nobody waits."""
        if self.getters or self.putters or self.joiners or self.promised or self.granted:
            raise RuntimeError(
                "channel is in use by tasks of another event loop: "
                "a channel can only be waited on from one loop at a time"
            )
        self.loop = loop

    def new_future(self) -> Future[bool]:
        """A future of the running loop, which becomes the channel's loop if nobody waits."""
        loop = get_running_loop()
        if loop is not self.loop:
            self.bind(loop)
        return loop.create_future()

    def add(self, item: T) -> None:
        """Add ``item`` (there is room): promise it to the oldest live waiting getter, if any."""
        getters = self.getters
        while getters:
            getter = getters.popleft()
            if not getter.done():
                promised = self.promised
                assert promised is not None  # made with the first getter
                promised.append(item)
                getter.set_result(True)
                if not getters and not self.putters and not self.closed:
                    self.put_fast = self.items
                return
        items = self.items
        if items is None:
            items = self.items = deque()
        items.append(item)

    def return_promise(self) -> None:
        """Pass a cancelled getter's promise to the next live waiting getter, or else return the
        newest promised item to the head of the available items."""
        getters = self.getters
        while getters:
            getter = getters.popleft()
            if not getter.done():
                getter.set_result(True)
                return
        promised = self.promised
        assert promised  # the cancelled getter's item is there
        items = self.items
        if items is None:
            items = self.items = deque()
        items.appendleft(promised.pop())

    def take(self) -> T:
        """Remove and return the oldest available item; the caller checked that there is one."""
        items = self.items
        assert items is not None  # an item is available
        item = items.popleft()
        putters = self.putters
        if putters and len(items) + self.granted < self.limit:
            # The slot we freed: grant it to the oldest live waiting putter.
            while putters:
                putter = putters.popleft()
                if not putter.done():
                    self.granted += 1
                    putter.set_result(True)
                    break
        if self.joiners:
            self.wake_joiners()
        self.refresh()
        return item

    def grant_room(self) -> None:
        """Grant every free slot to the oldest live waiting putters."""
        putters = self.putters
        while putters and self.room() > 0:
            putter = putters.popleft()
            if not putter.done():
                self.granted += 1
                self.put_limit -= 1
                putter.set_result(True)

    def wake_joiners(self) -> None:
        joiners = self.joiners
        if joiners and self.drained():
            self.joiners = None
            for joiner in joiners:
                if not joiner.done():
                    joiner.set_result(True)

    # -- the slow halves of the endpoint operations ----------------------------------------------
    # The endpoints await the waiter futures themselves, between these calls, so that a wait costs
    # no extra coroutine frame.

    def offer(self, item: T) -> bool:
        """Add ``item`` if there is room now; return whether it was added.

        Raises ``ChannelClosed`` if the channel is closed.
        """
        if self.closed:
            raise closed_error()
        items = self.items
        if items is not None and len(items) + self.granted >= self.limit:
            return False
        self.add(item)
        self.refresh()
        return True

    def enqueue_putter(self) -> Future[bool]:
        """Queue a putter; its future resolves True when a slot is granted, False on close."""
        putter = self.new_future()
        putters = self.putters
        if putters is None:
            putters = self.putters = deque()
        putters.append(putter)
        self.put_fast = self.get_fast = None
        return putter

    def abandon_putter(self, putter: Future[bool]) -> None:
        """Undo a putter whose wait raised (cancelled): leave the queue, or pass the slot on."""
        if not putter.done() or putter.cancelled():
            _discard(self.putters, putter)
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
            raise closed_error()
        self.granted -= 1
        self.put_limit += 1
        if self.closed:
            raise closed_error()
        self.add(item)
        if self.putters:
            # If a getter took the item at once, the slot is free again.
            self.grant_room()

    def nothing_to_get(self) -> ChannelError:
        """The error for a get that cannot wait and found no item."""
        if self.closed:
            return closed_error()
        return ChannelEmpty("channel is empty")

    def enqueue_getter(self) -> Future[bool]:
        """Queue a getter; its future resolves True when an item is promised, False on close.

        The caller checked that the channel is open and nothing is available.
        """
        getter = self.new_future()
        getters = self.getters
        if getters is None:
            getters = self.getters = deque()
            self.promised = deque()
        getters.append(getter)
        self.put_fast = None
        return getter

    def abandon_getter(self, getter: Future[bool]) -> None:
        """Undo a getter whose wait raised (cancelled): leave the queue, or pass the item on.

        The promise goes to the next getter in line, or an item back to the head.
        """
        if not getter.done() or getter.cancelled():
            _discard(self.getters, getter)
        elif getter.result():
            self.return_promise()
        self.refresh()

    def claim(self) -> T:
        """Take the oldest promised item, for a woken getter."""
        promised = self.promised
        assert promised  # an item was promised to the caller
        item = promised.popleft()
        if self.joiners:
            self.wake_joiners()
        return item

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        # Putters, and getters (nothing is available, or they would not wait), can never be served.
        for waiters in (self.putters, self.getters):
            while waiters:
                waiter = waiters.popleft()
                if not waiter.done():
                    waiter.set_result(False)
        self.wake_joiners()
        self.refresh()

    async def join(self) -> None:
        if self.drained():
            return
        joiner = self.new_future()
        joiners = self.joiners
        if joiners is None:
            joiners = self.joiners = []
        joiners.append(joiner)
        self.refresh()
        try:
            await joiner
        finally:
            _discard(self.joiners, joiner)
