"""Subscribers: receive ends that follow a hub (a ``Broadcast`` or a ``Watch``) from a position of
their own, instead of sharing one buffer with other receivers.

A ``Follower`` is one subscriber's state: its readers' line, and how many of them were woken and
have not resumed (``woken``). Readers of one subscriber are woken in arrival order, and each woken
reader has one item reserved by that count: ``*_nowait`` cannot take the items woken readers are
owed. The count reserves an item, not a particular one: nothing is taken from the hub when a
reader is woken, and it reads at the subscriber's position when it resumes, so the items go out in
order, to readers in the order they resume (with one reader per subscriber, the usual case, that
is the same thing). So cancellation never loses or duplicates an item for a subscriber; a cancelled
woken reader passes its turn on. A hub binds its waiters to one event loop, as a channel does.
"""

from __future__ import annotations

from asyncio import AbstractEventLoop, Future, get_running_loop
from collections import deque
from collections.abc import Iterable
from contextlib import suppress
from threading import get_ident
from typing import Generic, TypeVar
from weakref import ref

from typing_extensions import Self

from ._channel import checked_max_items
from ._errors import ChannelClosed, ChannelEmpty
from ._select import Follows
from ._state import Waiter, Waiters, in_use_error, leave_line, wrong_thread_error
from ._statistics import ChannelStatistics

__all__ = ["Follower", "Hub", "Subscriber", "wake_all", "wake_first"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

HUNG_UP = "this receive handle has hung up"
#: The line of readers of every follower that has had none: an empty deque takes 760 bytes, most
#: of what an idle subscriber would cost. Only ``Follower.enqueue`` adds to a line, and it gives
#: the follower a line of its own first.
NO_READERS: Waiters = deque()


def wake_first(line: Waiters, value: bool) -> bool:
    """Resolve the oldest live waiter of ``line`` with ``value``, taking it out of the line;
    False if there is none. A waiter whose loop is closed counts as gone (resolving it raises)."""
    while line:
        waiter = line.popleft()
        if not waiter.done():
            try:
                waiter.set_result(value)
            except RuntimeError:  # "Event loop is closed"
                continue
            return True
    return False


def wake_all(line: Iterable[Waiter], value: bool) -> None:
    """Resolve every live waiter of ``line`` with ``value`` (gone ones are passed over)."""
    for waiter in list(line):
        if not waiter.done():
            with suppress(RuntimeError):  # its loop is closed: it is gone
                waiter.set_result(value)


class Hub:
    """What the followers of one hub share: closing, and the loop their readers wait on."""

    __slots__ = ("closed", "error", "followers", "loop", "maxsize", "thread", "woken")

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.closed = False
        self.error: BaseException | None = None
        #: Followers with readers waiting, to wake when something new comes (insertion-ordered
        #: sets); and those with readers woken that have not resumed, for ``busy`` and ``reap``.
        #: A put looks at the first only: a reader woken and not resumed needs no second wake-up.
        self.followers: dict[Follower[object], None] = {}
        self.woken: dict[Follower[object], None] = {}
        self.loop: ref[AbstractEventLoop] | None = None
        self.thread = 0

    def closed_error(self) -> ChannelClosed:
        error = self.error
        if error is None:
            return ChannelClosed("channel is closed")
        exc = ChannelClosed(f"channel is closed with an error: {error!r}")
        exc.__cause__ = error
        exc.__suppress_context__ = True
        return exc

    def busy(self) -> bool:
        """Whether a task waits on the hub (cancelled ones do not count)."""
        return bool(self.woken) or any(any(not w.done() for w in f.getters) for f in self.followers)

    def ours(self, waiter: Waiter) -> bool:
        """Whether a waiter that leaves may change the state (see ``ChannelState.ours``)."""
        loop = waiter.get_loop()
        loop_ref = self.loop
        return loop_ref is not None and loop is loop_ref() and not loop.is_closed()

    def loop_gone(self) -> bool:
        loop_ref = self.loop
        loop = None if loop_ref is None else loop_ref()
        return loop is None or loop.is_closed()

    def bind(self, loop: AbstractEventLoop) -> None:
        """Make ``loop`` the loop of the waiters (see ``ChannelState.bind``)."""
        loop_ref = self.loop
        if loop_ref is not None and loop_ref() is loop:
            return
        if self.busy():
            if not self.loop_gone():
                raise in_use_error(self.thread)
            self.reap()
        self.loop = ref(loop)
        self.thread = get_ident()

    def reap(self) -> None:
        """Forget the waiters of a closed loop: they never resume."""
        for follower in (*self.followers, *self.woken):
            follower.getters.clear()
            follower.woken = 0
        self.followers.clear()
        self.woken.clear()

    def has_waiters(self) -> bool:
        """Whether anything waits on the hub (its followers' readers, and each hub's own)."""
        raise NotImplementedError

    def check_thread(self) -> None:
        """Before waking waiters: raise ``RuntimeError`` unless this runs in their thread."""
        if self.has_waiters() and get_ident() != self.thread:
            if self.loop_gone():
                self.reap()
                return
            raise wrong_thread_error()

    def wake_followers(self) -> None:
        """Something new for every follower: wake the readers it can serve now."""
        for follower in list(self.followers):
            follower.wake()

    def statistics(self, qsize: int) -> ChannelStatistics:
        """The hub's statistics, with ``qsize`` (a subscriber's); each hub defines them."""
        raise NotImplementedError

    async def join(self) -> None:
        """Wait until the hub is closed and every subscriber has read everything."""
        raise NotImplementedError


class Follower(Generic[T_co]):
    """One subscriber's position and its readers' line; each hub says what ``available``,
    ``read``, ``leave`` and ``copy`` mean for it."""

    __slots__ = ("dead", "getters", "hub", "hung_up", "woken")

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.getters: Waiters = NO_READERS
        self.dead = 0
        self.woken = 0
        self.hung_up = False

    # -- what each hub defines ------------------------------------------------------------------

    def available(self) -> int:
        """How many items this subscriber has yet to read."""
        raise NotImplementedError

    def read(self) -> T_co:
        """Read the next item (one is available)."""
        raise NotImplementedError

    def leave(self) -> None:
        """This subscriber hung up: release what it holds in the hub."""
        raise NotImplementedError

    def copy(self) -> Self:
        """Another subscriber at the same position."""
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self.hung_up or self.hub.closed

    def qsize(self) -> int:
        return self.available()

    def free(self) -> int:
        """Items available and not reserved by woken readers."""
        return self.available() - self.woken

    def drained(self) -> bool:
        return self.hung_up or (self.hub.closed and self.available() <= self.woken)

    def closed_error(self) -> ChannelClosed:
        if self.hung_up:
            return ChannelClosed(HUNG_UP)
        return self.hub.closed_error()

    def wake(self) -> None:
        """Wake as many readers as there are free items; once drained, dismiss the rest."""
        getters = self.getters
        free = self.free()
        while free > 0 and wake_first(getters, True):
            self.woken += 1
            free -= 1
        if getters and self.drained() and not self.woken:
            wake_all(getters, False)
            getters.clear()
        self.note_waiting()

    def note_waiting(self) -> None:
        """Keep the hub's sets of followers with readers waiting, and woken, up to date."""
        hub = self.hub
        if self.getters:
            hub.followers[self] = None
        else:
            hub.followers.pop(self, None)
        if self.woken:
            hub.woken[self] = None
        else:
            hub.woken.pop(self, None)

    def enqueue(self, waiter: Waiter, loop: AbstractEventLoop) -> bool:
        """Queue ``waiter`` as a reader; False (queueing nothing) if a get would not wait."""
        self.hub.bind(loop)
        if self.free() > 0 or self.drained():
            return False
        getters = self.getters
        if getters is NO_READERS:
            getters = self.getters = deque()
        getters.append(waiter)
        self.hub.followers[self] = None
        return True

    def lagged(self) -> bool:
        """Whether the next read reports missed items (``ChannelLagged``) instead of an item."""
        return False

    def ready(self) -> bool:
        return self.free() > 0 or self.drained()

    def take_ready(self) -> T_co:
        if self.free() > 0:
            return self.read()
        raise self.closed_error()

    def enqueue_entry(self, entry: Waiter, handle: object, loop: AbstractEventLoop) -> bool:
        return self.enqueue(entry, loop)

    def withdraw(self, entry: Waiter) -> None:
        if self.hub.ours(entry):
            self.dead = leave_line(self.getters, entry, self.dead)
            if not self.getters:  # the last one left: the hub need not keep this follower
                self.note_waiting()

    def abandon_getter(self, getter: Waiter) -> None:
        """A reader whose wait raised (cancelled): leave the line, or pass its turn on."""
        if not self.hub.ours(getter):
            return  # of a closed loop (reaped): see ChannelState.ours
        if not getter.done() or getter.cancelled():
            self.withdraw(getter)
        elif getter.result():
            self.woken -= 1
            self.wake()

    def claim(self) -> T_co:
        """For a woken reader: read the item it was woken for; then wake the readers still
        waiting that can be served, or dismiss them once this subscriber is drained."""
        self.woken -= 1
        try:
            if self.hung_up:  # since it was woken: it reads nothing
                raise self.closed_error()
            return self.read()
        finally:
            if self.getters:
                self.wake()
            else:
                self.note_waiting()

    def hang_up(self) -> None:
        if self.hung_up:
            return
        self.hub.check_thread()
        self.hung_up = True
        self.leave()
        # Readers waiting are dismissed; those woken and not resumed keep their count until
        # they resume, and read nothing (see ``claim``).
        getters = self.getters
        wake_all(getters, False)
        getters.clear()
        self.note_waiting()

    def __del__(self) -> None:
        # A subscriber dropped without hang_up() would hold a lossless broadcast back forever.
        # Nothing waits on it (a reader holds its subscriber), so hanging up only gives up its
        # place. The garbage collector may call this in the middle of an operation on the hub,
        # or in another thread: the hang-up is left to the loop of the hub's waiters, if one is
        # bound and open (then nothing here touches the hub); with none, nothing can be waiting.
        if self.hung_up:
            return
        loop_ref = self.hub.loop
        loop = None if loop_ref is None else loop_ref()
        if loop is None or loop.is_closed():
            self.hang_up()
            return
        with suppress(RuntimeError):  # the loop closed meanwhile, in its own thread
            loop.call_soon_threadsafe(self.hang_up)


class Subscriber(Follows[T]):
    """A subscriber: a receive end that follows a hub from a position of its own."""

    __slots__ = ("__weakref__", "_kind", "_sub")

    def __init__(self, follower: Follower[T], kind: str) -> None:
        super().__init__(follower)
        self._sub = follower
        self._kind = kind

    @property
    def maxsize(self) -> int:
        """The hub's ``maxsize`` (``0`` for a ``Watch``)."""
        return self._sub.hub.maxsize

    def qsize(self) -> int:
        """Items this subscriber has yet to read."""
        return self._sub.available()

    def empty(self) -> bool:
        """True if ``get_nowait`` would find nothing to read."""
        return self._sub.free() <= 0

    def closed(self) -> bool:
        """True once this subscriber hung up, or the hub is closed (items may remain)."""
        return self._sub.closed

    def statistics(self) -> ChannelStatistics:
        """The hub's statistics, with this subscriber's ``qsize`` and ``waiting_getters``."""
        follower = self._sub
        return follower.hub.statistics(follower.available())

    async def get(self) -> T:
        """Read the next item this subscriber has not seen, waiting for one.

        Raises ``ChannelClosed`` once the hub is closed and this subscriber has read everything
        (with the error as ``__cause__`` if it was closed with one), or if it hung up, also while
        this waits; ``ChannelLagged`` if items were dropped before it read them (then it goes on
        from the oldest item kept).

        Cancellation: a cancelled ``get()`` read nothing; the item it was woken for stays for
        this subscriber's next read.
        """
        follower = self._sub
        if follower.free() > 0:
            return follower.read()
        getter: Future[bool] = get_running_loop().create_future()
        if not follower.enqueue(getter, getter.get_loop()):
            return follower.take_ready()  # drained (raises), or freed by reaping a closed loop
        try:
            woken = await getter
        except BaseException:
            follower.abandon_getter(getter)
            raise
        if not woken:
            raise follower.closed_error()
        return follower.claim()

    def get_nowait(self) -> T:
        """Read the next item now. Raises ``ChannelClosed`` as ``get()``, ``ChannelLagged``, or
        ``ChannelEmpty`` if there is nothing new."""
        follower = self._sub
        if follower.free() > 0:
            return follower.read()
        if follower.drained():
            raise follower.closed_error()
        raise ChannelEmpty("channel is empty")

    async def get_many(self, max_items: int) -> list[T]:
        """Wait for one item, then read what else is there, up to ``max_items``.

        Raises ``TypeError`` / ``ValueError`` for a ``max_items`` that is not an ``int >= 1``,
        and otherwise as ``get()``.

        Cancellation: a cancelled ``get_many()`` read nothing.
        """
        limit = checked_max_items(max_items)
        taken = [await self.get()]
        return self._more(taken, limit)

    def get_nowait_many(self, max_items: int) -> list[T]:
        """As ``get_many()`` without waiting: ``ChannelEmpty`` if there is nothing new."""
        limit = checked_max_items(max_items)
        return self._more([self.get_nowait()], limit)

    def _more(self, taken: list[T], limit: int) -> list[T]:
        follower = self._sub
        while len(taken) < limit and follower.free() > 0:
            taken.append(follower.read())
        return taken

    def hang_up(self) -> None:
        """Unsubscribe; idempotent. Reads waiting on this subscriber raise ``ChannelClosed``, and
        ``async for`` over it ends; a ``Broadcast`` no longer waits for it. A subscriber that is
        dropped (garbage) without it hangs up then: at once, or, if a task has waited on the hub,
        on that task's loop, at its next iteration."""
        self._sub.hang_up()

    def clone(self) -> Self:
        """Another subscriber at the same position. Raises ``ChannelClosed`` if this one hung
        up."""
        follower = self._sub
        if follower.hung_up:
            raise ChannelClosed(HUNG_UP)
        return type(self)(follower.copy(), self._kind)

    async def join(self) -> None:
        """Wait until the hub is closed and every subscriber has read everything.

        Raises ``RuntimeError`` if tasks of another event loop wait on the hub.

        Cancellation: a cancelled ``join()`` changed nothing.
        """
        await self._sub.hub.join()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        """Like ``get()``, but raises ``StopAsyncIteration`` once closed and read to the end
        without an error, or hung up.

        Cancellation: as for ``get()``.
        """
        try:
            return await self.get()
        except ChannelClosed as exc:
            if exc.__cause__ is None or self._sub.hung_up:
                raise StopAsyncIteration from None
            raise

    def __repr__(self) -> str:
        closed = " closed" if self.closed() else ""
        return f"<{self._kind} subscriber qsize={self.qsize()}{closed}>"
