"""The state shared by a channel and its views, and every operation that is not a fast path.

Bookkeeping, in terms of the fields of ``ChannelState``:

* ``items`` holds the buffered items, oldest first. Its first ``reserved`` items are promised to
  getters that were woken but have not resumed yet; the rest are *available*, and only those are
  counted by ``qsize()`` and against ``maxsize``.
* ``granted`` counts slots promised to putters that were woken but have not resumed yet; they
  count against ``maxsize``, so ``put_nowait`` cannot take them.
* Getters wait only while nothing is available, putters only while there is no room. Whenever an
  item becomes available while a getter waits, it is promised to the oldest waiting getter; whenever
  room appears while a putter waits, it is granted to the oldest waiting putter. That is what makes
  waiting fair and ``*_nowait`` unable to jump the line.
* A waiter that is cancelled after its promise passes the promise on, so nothing is lost or
  duplicated; one cancelled before it is removed from its queue at once.

A waiter's future resolves to True for "promised" and to False for "closed".
"""

from __future__ import annotations

import sys
from asyncio import AbstractEventLoop, Future, get_running_loop
from collections import deque
from typing import Generic, TypeVar

from ._errors import ChannelClosed, ChannelEmpty, ChannelError

T = TypeVar("T")


def _closed() -> ChannelClosed:
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
        "put_fast",
        "put_limit",
        "putters",
        "reserved",
    )

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        #: ``maxsize``, or a bound never reached when the channel is unbounded.
        self.limit = maxsize or sys.maxsize
        #: ``len(items)`` below which a put has room: ``limit + reserved - granted``.
        self.put_limit = self.limit
        #: The buffer, made on first put: an idle channel stays a few hundred bytes.
        self.items: deque[T] | None = None
        #: ``items`` while a put may simply append below ``put_limit`` (open, no getter or putter
        #: waiting), else ``None``.
        self.put_fast: deque[T] | None = None
        #: ``items`` while a get may simply pop the head (no putter waiting, nothing promised, no
        #: joiner to wake), else ``None``.
        self.get_fast: deque[T] | None = None
        self.closed = False
        self.reserved = 0
        self.granted = 0
        self.getters: deque[Future[bool]] | None = None
        self.putters: deque[Future[bool]] | None = None
        self.joiners: list[Future[bool]] | None = None
        #: The loop of the current waiters; rebound when nobody waits.
        self.loop: AbstractEventLoop | None = None

    # -- queries --------------------------------------------------------------------------------

    def qsize(self) -> int:
        items = self.items
        return 0 if items is None else len(items) - self.reserved

    def room(self) -> int:
        return self.limit - self.qsize() - self.granted

    def drained(self) -> bool:
        return self.closed and not self.items

    # -- bookkeeping ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute what the fast paths need; called after every change to the bookkeeping."""
        if self.putters:
            self.put_fast = self.get_fast = None
            return
        items = self.items
        self.get_fast = None if self.reserved or (self.closed and self.joiners) else items
        self.put_fast = None if self.closed or self.getters else items
        self.put_limit = self.limit + self.reserved - self.granted

    def new_future(self) -> Future[bool]:
        loop = get_running_loop()
        if loop is not self.loop:
            if self.getters or self.putters or self.joiners or self.reserved or self.granted:
                raise RuntimeError(
                    "channel is in use by tasks of another event loop: "
                    "a channel can only be waited on from one loop at a time"
                )
            self.loop = loop
        return loop.create_future()

    def append(self, item: T) -> None:
        """Buffer ``item``; promise it to the oldest live waiting getter, if any."""
        items = self.items
        if items is None:
            items = self.items = deque()
        items.append(item)
        if self.getters:
            self.promise_item()

    def promise_item(self) -> None:
        """Promise an available item to the oldest live waiting getter, if there is one."""
        getters = self.getters
        while getters:
            getter = getters.popleft()
            if not getter.done():
                self.reserved += 1
                getter.set_result(True)
                return

    def take(self) -> T:
        """Remove and return the oldest available item; the caller checked that there is one."""
        items = self.items
        assert items is not None  # qsize() > 0 implies it
        reserved = self.reserved
        if reserved:
            item = items[reserved]
            del items[reserved]
        else:
            item = items.popleft()
        if self.putters:
            self.grant_room()
        if self.closed:
            self.wake_joiners()
        self.refresh()
        return item

    def grant_room(self) -> None:
        """Grant free slots to the oldest live waiting putters."""
        putters = self.putters
        while putters and self.room() > 0:
            putter = putters.popleft()
            if not putter.done():
                self.granted += 1
                putter.set_result(True)

    def wake_joiners(self) -> None:
        joiners = self.joiners
        if joiners and self.drained():
            self.joiners = None
            for joiner in joiners:
                if not joiner.done():
                    joiner.set_result(True)

    # -- operations -----------------------------------------------------------------------------

    def offer(self, item: T) -> bool:
        """Add ``item`` if there is room now; return whether it was added.

        Raises ``ChannelClosed`` if the channel is closed.
        """
        if self.closed:
            raise _closed()
        if self.room() <= 0:
            return False
        self.append(item)
        self.refresh()
        return True

    async def wait_to_put(self, item: T) -> None:
        """Wait for a slot, then add ``item``: the slow half of ``put()``."""
        putter = self.new_future()
        putters = self.putters
        if putters is None:
            putters = self.putters = deque()
        putters.append(putter)
        self.put_fast = self.get_fast = None
        try:
            granted = await putter
        except BaseException:
            if not putter.done() or putter.cancelled():
                _discard(putters, putter)
            elif putter.result():
                # Granted a slot but not taking it: hand it to the next putter in line.
                self.granted -= 1
                self.grant_room()
            self.refresh()
            raise
        if granted:
            self.granted -= 1
            if not self.closed:
                # Into our slot; if a getter takes the item at once, the slot is free again.
                self.append(item)
                if putters:
                    self.grant_room()
                self.refresh()
                return
        self.refresh()
        raise _closed()

    def nothing_to_get(self) -> ChannelError:
        """The error for a get that cannot wait and found no item."""
        if self.closed:
            return _closed()
        return ChannelEmpty("channel is empty")

    async def wait_to_get(self) -> T:
        """Wait for an item and take it: the slow half of ``get()``, once nothing is available.

        Raises ``ChannelClosed`` if the channel is closed, or is closed while this waits.
        """
        if self.closed:
            raise _closed()
        getter = self.new_future()
        getters = self.getters
        if getters is None:
            getters = self.getters = deque()
        getters.append(getter)
        self.put_fast = None
        try:
            promised = await getter
        except BaseException:
            if not getter.done() or getter.cancelled():
                _discard(getters, getter)
            elif getter.result():
                # An item was promised to us: it stays at the head, for the next getter in line.
                self.reserved -= 1
                self.promise_item()
            self.refresh()
            raise
        if not promised:
            raise _closed()
        items = self.items
        assert items is not None  # an item was promised
        self.reserved -= 1
        item = items.popleft()
        if self.joiners:
            self.wake_joiners()
        self.refresh()
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
