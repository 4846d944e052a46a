"""The floor: the cheapest hand-off that keeps every guarantee aiochannel's ``Channel`` keeps.

Written for the benchmark only, and imports nothing from aiochannel. Each variant has just what the
scenarios use: ``put``, ``put_nowait``, ``get``, ``get_nowait``, ``close()`` and ``async for``, on
``int`` items, bounded (``maxsize > 0``) or unbounded (``0``). What it keeps, as our channel does:

* FIFO. ``close()`` makes every later put raise ``FloorClosed``, wakes waiting putters with it,
  and ends ``get`` (``FloorClosed``) and ``async for`` once the floor is closed and drained.
* Fair hand-over, no barging. Getters wait only while nothing is available, putters only while
  there is no room. An item put while getters wait is *promised* at once to the oldest waiting
  getter and kept outside the buffer, so a ``get_nowait`` elsewhere cannot take it; a slot freed
  while putters wait is *granted* at once to the oldest waiting putter (``granted`` counts
  against ``maxsize``), so a ``put_nowait`` elsewhere cannot take it. ``await put`` with room and
  ``await get`` with an item never yield to the loop.
* Exactly once under cancellation. A get cancelled after its item was promised passes the promise
  to the next waiting getter, or returns the item to the head of the buffer; a put cancelled after
  its slot was granted passes the slot on (its item is not added); a cancelled waiter never
  receives anything. Cancelled waiters stay in their line and are skipped when their turn comes,
  and a line is compacted once more than half of it has left, so cancelling n waiters costs O(n)
  in any order.
* Threads and loops. The loop of the waiters is held by a weak reference only, with the thread it
  ran in; anything that would wake a waiter first checks ``threading.get_ident()`` against that
  thread and raises ``RuntimeError`` otherwise. A wait from another loop is refused while a task of
  the bound loop waits or holds a promise or grant.

Left out, because no scenario reaches them: reaping the waiters of a closed event loop, ``join()``,
the queries (``qsize``, ``empty``, ``full``), views, item types other than ``int``, and checking
``maxsize``.

Both keep, as our channel does, conservative fast-path fields that the slow paths maintain:
``_put_fast`` is the buffer while the floor is open and no getter is in line (else ``None``),
``_put_limit`` is ``maxsize - granted``, and ``_get_fast`` is the buffer while no putter is in line
(else ``None``). So a put with room and a get with an item each look at one field and the buffer.

Two variants, with every hot path written out inline (no helper calls):

* ``SpscFloor``: at most one ``get`` and one ``put`` in flight at a time (one consumer task, one
  producer task). The waiting getter is a single future, and its promised item travels in the
  future's result (``None`` means "closed"); the waiting putter is a single future.
* ``MpmcFloor``: any number of producers and consumers. Lines of futures, oldest first; promised
  items in a deque of their own, taken oldest first by the woken getters as they resume.
"""

from __future__ import annotations

import sys
from asyncio import AbstractEventLoop, Future, get_running_loop
from collections import deque
from threading import get_ident
from weakref import ref

from typing_extensions import Self

__all__ = ["FloorClosed", "FloorEmpty", "FloorFull", "MpmcFloor", "SpscFloor"]


class FloorClosed(Exception):
    """The floor is closed (for a get: closed and drained)."""


class FloorEmpty(Exception):
    """``get_nowait`` found no item it may take."""


class FloorFull(Exception):
    """``put_nowait`` found no room it may take."""


_WRONG_THREAD = "floor used from a thread other than the one running the loop of its waiters"
_OTHER_LOOP = "floor waited on from another event loop while tasks of its loop wait on it"


class SpscFloor:
    """The floor for one producer task and one consumer task (one get, one put in flight)."""

    __slots__ = (
        "_closed",
        "_get_fast",
        "_getter",
        "_granted",
        "_items",
        "_limit",
        "_loop",
        "_put_fast",
        "_put_limit",
        "_putter",
        "_thread",
    )

    def __init__(self, maxsize: int = 0) -> None:
        items: deque[int] = deque()
        self._items = items
        self._limit: int = maxsize or sys.maxsize
        #: Slots granted to the woken putter that has not resumed yet (0 or 1).
        self._granted: int = 0
        #: ``_limit - _granted``: the buffer has room below it.
        self._put_limit: int = self._limit
        #: ``_items`` while open and no getter waits (``_getter is None``), else ``None``.
        self._put_fast: deque[int] | None = items
        #: ``_items`` while no putter waits (``_putter is None``), else ``None``.
        self._get_fast: deque[int] | None = items
        #: The waiting getter; it resolves to its promised item, or to ``None`` for "closed".
        self._getter: Future[int | None] | None = None
        #: The waiting putter; it resolves to True for "slot granted", False for "closed".
        self._putter: Future[bool] | None = None
        self._closed: bool = False
        self._loop: ref[AbstractEventLoop] | None = None
        self._thread: int = 0

    def _bind(self, loop: AbstractEventLoop) -> None:
        """Make ``loop`` the loop of the waiters (only when it changes: not a hot path)."""
        getter, putter = self._getter, self._putter
        if (
            self._granted
            or (getter is not None and not getter.done())
            or (putter is not None and not putter.done())
        ):
            raise RuntimeError(_OTHER_LOOP)
        self._getter = self._putter = None
        self._put_fast = None if self._closed else self._items
        self._get_fast = self._items
        self._loop = ref(loop)
        self._thread = get_ident()

    async def put(self, item: int) -> None:
        items = self._put_fast
        if items is not None and len(items) < self._put_limit:
            items.append(item)
            return
        if self._closed:
            raise FloorClosed
        items = self._items
        if len(items) < self._put_limit:
            getter = self._getter
            if getter is not None:
                if get_ident() != self._thread:
                    raise RuntimeError(_WRONG_THREAD)
                self._getter = None
                self._put_fast = items
                if not getter.done():  # else cancelled: it gets nothing
                    getter.set_result(item)
                    return
            items.append(item)
            return
        loop = get_running_loop()
        loop_ref = self._loop
        if loop_ref is None or loop_ref() is not loop:
            self._bind(loop)
        putter: Future[bool] = loop.create_future()
        self._putter = putter
        self._get_fast = None
        try:
            granted = await putter
        except BaseException:
            if self._putter is putter:
                self._putter = None
                self._get_fast = items
            if not putter.done():
                putter.cancel()
            elif not putter.cancelled() and putter.result():
                # No other putter to pass the slot to: it is free again.
                self._granted -= 1
                self._put_limit += 1
            raise
        if not granted:
            raise FloorClosed
        self._granted -= 1
        self._put_limit += 1
        if self._closed:
            raise FloorClosed
        getter = self._getter
        if getter is not None:
            self._getter = None
            self._put_fast = items
            if not getter.done():
                getter.set_result(item)
                return
        items.append(item)

    def put_nowait(self, item: int) -> None:
        items = self._put_fast
        if items is not None and len(items) < self._put_limit:
            items.append(item)
            return
        if self._closed:
            raise FloorClosed
        items = self._items
        if len(items) < self._put_limit:
            getter = self._getter
            if getter is not None:
                if get_ident() != self._thread:
                    raise RuntimeError(_WRONG_THREAD)
                self._getter = None
                self._put_fast = items
                if not getter.done():
                    getter.set_result(item)
                    return
            items.append(item)
            return
        raise FloorFull

    async def get(self) -> int:
        items = self._get_fast
        if items:
            return items.popleft()
        items = self._items
        if items:  # and a putter waits
            putter = self._putter
            if putter is not None:
                if get_ident() != self._thread:
                    raise RuntimeError(_WRONG_THREAD)
                item = items.popleft()
                if len(items) < self._put_limit:
                    self._putter = None
                    self._get_fast = items
                    if not putter.done():
                        self._granted += 1
                        self._put_limit -= 1
                        putter.set_result(True)
                return item
            return items.popleft()
        if self._closed:
            raise FloorClosed
        loop = get_running_loop()
        loop_ref = self._loop
        if loop_ref is None or loop_ref() is not loop:
            self._bind(loop)
        getter: Future[int | None] = loop.create_future()
        self._getter = getter
        self._put_fast = None
        try:
            promised = await getter
        except BaseException:
            if self._getter is getter:  # so not closed: close() forgets the getter
                self._getter = None
                self._put_fast = items
            if not getter.done():
                getter.cancel()
            elif not getter.cancelled():
                returned = getter.result()
                if returned is not None:
                    items.appendleft(returned)  # no other getter to pass it to
            raise
        if promised is None:
            raise FloorClosed
        return promised

    def get_nowait(self) -> int:
        items = self._get_fast
        if items:
            return items.popleft()
        items = self._items
        if items:
            putter = self._putter
            if putter is not None:
                if get_ident() != self._thread:
                    raise RuntimeError(_WRONG_THREAD)
                item = items.popleft()
                if len(items) < self._put_limit:
                    self._putter = None
                    self._get_fast = items
                    if not putter.done():
                        self._granted += 1
                        self._put_limit -= 1
                        putter.set_result(True)
                return item
            return items.popleft()
        if self._closed:
            raise FloorClosed
        raise FloorEmpty

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> int:
        items = self._get_fast
        if items:
            return items.popleft()
        items = self._items
        if items:
            putter = self._putter
            if putter is not None:
                if get_ident() != self._thread:
                    raise RuntimeError(_WRONG_THREAD)
                item = items.popleft()
                if len(items) < self._put_limit:
                    self._putter = None
                    self._get_fast = items
                    if not putter.done():
                        self._granted += 1
                        self._put_limit -= 1
                        putter.set_result(True)
                return item
            return items.popleft()
        if self._closed:
            raise StopAsyncIteration
        loop = get_running_loop()
        loop_ref = self._loop
        if loop_ref is None or loop_ref() is not loop:
            self._bind(loop)
        getter: Future[int | None] = loop.create_future()
        self._getter = getter
        self._put_fast = None
        try:
            promised = await getter
        except BaseException:
            if self._getter is getter:  # so not closed: close() forgets the getter
                self._getter = None
                self._put_fast = items
            if not getter.done():
                getter.cancel()
            elif not getter.cancelled():
                returned = getter.result()
                if returned is not None:
                    items.appendleft(returned)
            raise
        if promised is None:
            raise StopAsyncIteration
        return promised

    def close(self) -> None:
        if self._closed:
            return
        getter, putter = self._getter, self._putter
        if (getter is not None or putter is not None) and get_ident() != self._thread:
            raise RuntimeError(_WRONG_THREAD)
        self._closed = True
        self._put_fast = None
        # Nothing is promised to a getter that still waits, so it has nothing left to take.
        self._getter = self._putter = None
        self._get_fast = self._items
        if putter is not None and not putter.done():
            putter.set_result(False)
        if getter is not None and not getter.done():
            getter.set_result(None)

    def invariants(self) -> list[str]:
        """The bookkeeping rules that do not hold now (for tests; never on a measured path)."""
        items, getter, putter = self._items, self._getter, self._putter
        broken: list[str] = []
        if self._put_limit != self._limit - self._granted:
            broken.append("put_limit != limit - granted")
        if self._granted not in (0, 1):
            broken.append(f"granted = {self._granted}")
        if self._put_fast is not (None if self._closed or getter is not None else items):
            broken.append("put_fast is not the buffer exactly while open with no getter")
        if self._get_fast is not (None if putter is not None else items):
            broken.append("get_fast is not the buffer exactly while no putter waits")
        if getter is not None and not getter.done() and items:
            broken.append("a getter waits while an item is available")
        if putter is not None and not putter.done() and len(items) < self._put_limit:
            broken.append("a putter waits while there is room")
        return broken


class MpmcFloor:
    """The floor for any number of producer and consumer tasks."""

    __slots__ = (
        "_closed",
        "_dead_getters",
        "_dead_putters",
        "_get_fast",
        "_getters",
        "_granted",
        "_items",
        "_limit",
        "_loop",
        "_promised",
        "_put_fast",
        "_put_limit",
        "_putters",
        "_thread",
    )

    def __init__(self, maxsize: int = 0) -> None:
        items: deque[int] = deque()
        self._items = items
        self._limit: int = maxsize or sys.maxsize
        #: Items promised to woken getters that have not resumed yet, oldest first.
        self._promised: deque[int] = deque()
        #: Slots granted to woken putters that have not resumed yet.
        self._granted: int = 0
        #: ``_limit - _granted``: the buffer has room below it.
        self._put_limit: int = self._limit
        #: Waiting getters and putters, oldest first; cancelled ones stay until skipped or
        #: compacted. A future resolves to True ("promised" / "granted") or False ("closed").
        self._getters: deque[Future[bool]] = deque()
        self._putters: deque[Future[bool]] = deque()
        #: ``_items`` while open and the getter line is empty, else ``None``.
        self._put_fast: deque[int] | None = items
        #: ``_items`` while the putter line is empty, else ``None``.
        self._get_fast: deque[int] | None = items
        #: Waiters that left each line since it was last compacted (an upper bound on the
        #: cancelled futures still in it).
        self._dead_getters: int = 0
        self._dead_putters: int = 0
        self._closed: bool = False
        self._loop: ref[AbstractEventLoop] | None = None
        self._thread: int = 0

    def _bind(self, loop: AbstractEventLoop) -> None:
        """Make ``loop`` the loop of the waiters (only when it changes: not a hot path)."""
        if (
            self._promised
            or self._granted
            or any(not waiter.done() for waiter in self._getters)
            or any(not waiter.done() for waiter in self._putters)
        ):
            raise RuntimeError(_OTHER_LOOP)
        self._getters.clear()
        self._putters.clear()
        self._dead_getters = self._dead_putters = 0
        self._put_fast = None if self._closed else self._items
        self._get_fast = self._items
        self._loop = ref(loop)
        self._thread = get_ident()

    async def put(self, item: int) -> None:
        items = self._put_fast
        if items is not None and len(items) < self._put_limit:
            items.append(item)
            return
        if self._closed:
            raise FloorClosed
        items = self._items
        if len(items) < self._put_limit:
            getters = self._getters
            if getters:
                if get_ident() != self._thread:
                    raise RuntimeError(_WRONG_THREAD)
                while getters:
                    getter = getters.popleft()
                    if not getter.done():
                        getter.set_result(True)
                        self._promised.append(item)
                        if not getters:
                            self._put_fast = items
                        return
                self._put_fast = items  # only cancelled getters were in line
            items.append(item)
            return
        loop = get_running_loop()
        loop_ref = self._loop
        if loop_ref is None or loop_ref() is not loop:
            self._bind(loop)
        putter: Future[bool] = loop.create_future()
        putters = self._putters
        putters.append(putter)
        self._get_fast = None
        try:
            granted = await putter
        except BaseException:
            if not putter.done():
                putter.cancel()  # left by another exception: dead in place, like a cancelled one
            if putter.cancelled():
                dead = self._dead_putters + 1
                if dead * 2 > len(putters):
                    live = [waiter for waiter in putters if not waiter.done()]
                    putters.clear()
                    putters.extend(live)
                    dead = 0
                self._dead_putters = dead
            elif putter.result():
                # Granted, then cancelled: the slot goes to the next waiting putter.
                self._granted -= 1
                self._put_limit += 1
                while putters and len(items) < self._put_limit:
                    waiter = putters.popleft()
                    if not waiter.done():
                        self._granted += 1
                        self._put_limit -= 1
                        waiter.set_result(True)
                        break
            if not putters:
                self._get_fast = items
            raise
        if not granted:
            raise FloorClosed
        self._granted -= 1
        self._put_limit += 1
        if self._closed:
            raise FloorClosed
        getters = self._getters
        while getters:
            getter = getters.popleft()
            if not getter.done():
                getter.set_result(True)
                self._promised.append(item)
                if not getters:
                    self._put_fast = items
                # The item went to a getter, so the slot is free again.
                while putters and len(items) < self._put_limit:
                    waiter = putters.popleft()
                    if not waiter.done():
                        self._granted += 1
                        self._put_limit -= 1
                        waiter.set_result(True)
                        break
                if not putters:
                    self._get_fast = items
                return
        self._put_fast = items
        items.append(item)

    def put_nowait(self, item: int) -> None:
        items = self._put_fast
        if items is not None and len(items) < self._put_limit:
            items.append(item)
            return
        if self._closed:
            raise FloorClosed
        items = self._items
        if len(items) < self._put_limit:
            getters = self._getters
            if getters:
                if get_ident() != self._thread:
                    raise RuntimeError(_WRONG_THREAD)
                while getters:
                    getter = getters.popleft()
                    if not getter.done():
                        getter.set_result(True)
                        self._promised.append(item)
                        if not getters:
                            self._put_fast = items
                        return
                self._put_fast = items
            items.append(item)
            return
        raise FloorFull

    async def get(self) -> int:
        items = self._get_fast
        if items:
            return items.popleft()
        items = self._items
        if items:  # and putters are in line
            putters = self._putters
            if get_ident() != self._thread:
                raise RuntimeError(_WRONG_THREAD)
            item = items.popleft()
            while putters and len(items) < self._put_limit:
                putter = putters.popleft()
                if not putter.done():
                    self._granted += 1
                    self._put_limit -= 1
                    putter.set_result(True)
                    break
            if not putters:
                self._get_fast = items
            return item
        promised = self._promised
        if self._closed and not promised:
            raise FloorClosed
        loop = get_running_loop()
        loop_ref = self._loop
        if loop_ref is None or loop_ref() is not loop:
            self._bind(loop)
        getter: Future[bool] = loop.create_future()
        getters = self._getters
        getters.append(getter)
        self._put_fast = None
        try:
            served = await getter
        except BaseException:
            if not getter.done():
                getter.cancel()
            if getter.cancelled():
                dead = self._dead_getters + 1
                if dead * 2 > len(getters):
                    live = [waiter for waiter in getters if not waiter.done()]
                    getters.clear()
                    getters.extend(live)
                    dead = 0
                self._dead_getters = dead
            elif getter.result():
                # Promised, then cancelled: the promise goes to the next waiting getter, or the
                # newest promised item back to the head of the buffer.
                while getters:
                    waiter = getters.popleft()
                    if not waiter.done():
                        waiter.set_result(True)
                        break
                else:
                    items.appendleft(promised.pop())
            if not getters and not self._closed:
                self._put_fast = items
            raise
        if not served:
            raise FloorClosed
        item = promised.popleft()
        if self._closed and not promised and not items:
            # Closed and drained: the getters kept for outstanding promises have nothing to wait
            # for any more.
            while getters:
                waiter = getters.popleft()
                if not waiter.done():
                    waiter.set_result(False)
            self._dead_getters = 0
        return item

    def get_nowait(self) -> int:
        items = self._get_fast
        if items:
            return items.popleft()
        items = self._items
        if items:
            putters = self._putters
            if get_ident() != self._thread:
                raise RuntimeError(_WRONG_THREAD)
            item = items.popleft()
            while putters and len(items) < self._put_limit:
                putter = putters.popleft()
                if not putter.done():
                    self._granted += 1
                    self._put_limit -= 1
                    putter.set_result(True)
                    break
            if not putters:
                self._get_fast = items
            return item
        if self._closed and not self._promised:
            raise FloorClosed
        raise FloorEmpty

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> int:
        items = self._get_fast
        if items:
            return items.popleft()
        items = self._items
        if items:
            putters = self._putters
            if get_ident() != self._thread:
                raise RuntimeError(_WRONG_THREAD)
            item = items.popleft()
            while putters and len(items) < self._put_limit:
                putter = putters.popleft()
                if not putter.done():
                    self._granted += 1
                    self._put_limit -= 1
                    putter.set_result(True)
                    break
            if not putters:
                self._get_fast = items
            return item
        promised = self._promised
        if self._closed and not promised:
            raise StopAsyncIteration
        loop = get_running_loop()
        loop_ref = self._loop
        if loop_ref is None or loop_ref() is not loop:
            self._bind(loop)
        getter: Future[bool] = loop.create_future()
        getters = self._getters
        getters.append(getter)
        self._put_fast = None
        try:
            served = await getter
        except BaseException:
            if not getter.done():
                getter.cancel()
            if getter.cancelled():
                dead = self._dead_getters + 1
                if dead * 2 > len(getters):
                    live = [waiter for waiter in getters if not waiter.done()]
                    getters.clear()
                    getters.extend(live)
                    dead = 0
                self._dead_getters = dead
            elif getter.result():
                while getters:
                    waiter = getters.popleft()
                    if not waiter.done():
                        waiter.set_result(True)
                        break
                else:
                    items.appendleft(promised.pop())
            if not getters and not self._closed:
                self._put_fast = items
            raise
        if not served:
            raise StopAsyncIteration
        item = promised.popleft()
        if self._closed and not promised and not items:
            while getters:
                waiter = getters.popleft()
                if not waiter.done():
                    waiter.set_result(False)
            self._dead_getters = 0
        return item

    def close(self) -> None:
        if self._closed:
            return
        getters, putters = self._getters, self._putters
        if (getters or putters) and get_ident() != self._thread:
            raise RuntimeError(_WRONG_THREAD)
        self._closed = True
        self._put_fast = None
        while putters:
            putter = putters.popleft()
            if not putter.done():
                putter.set_result(False)
        self._dead_putters = 0
        self._get_fast = self._items
        # Nothing is available while getters wait. A promised item may still come back (its
        # getter cancelled), so as many of the oldest waiting getters as there are promises keep
        # waiting; the others are dismissed now, and the kept ones once the last promise is settled.
        keep = len(self._promised)
        kept: list[Future[bool]] = []
        while getters:
            getter = getters.popleft()
            if getter.done():
                continue
            if len(kept) < keep:
                kept.append(getter)
            else:
                getter.set_result(False)
        getters.extend(kept)
        self._dead_getters = 0

    def invariants(self) -> list[str]:
        """The bookkeeping rules that do not hold now (for tests; never on a measured path)."""
        items, getters, putters = self._items, self._getters, self._putters
        broken: list[str] = []
        if self._put_limit != self._limit - self._granted:
            broken.append("put_limit != limit - granted")
        if self._granted < 0:
            broken.append(f"granted = {self._granted}")
        if self._put_fast is not (None if self._closed or getters else items):
            broken.append("put_fast is not the buffer exactly while open with no getter in line")
        if self._get_fast is not (None if putters else items):
            broken.append("get_fast is not the buffer exactly while no putter is in line")
        if items and any(not waiter.done() for waiter in getters):
            broken.append("a getter waits while an item is available")
        if len(items) < self._put_limit and any(not waiter.done() for waiter in putters):
            broken.append("a putter waits while there is room")
        if self._dead_getters < 0 or self._dead_putters < 0:
            broken.append("negative count of cancelled waiters")
        return broken

    def waiting(self) -> tuple[int, int]:
        """The lengths of the getter and putter lines, cancelled waiters included (for tests)."""
        return len(self._getters), len(self._putters)
