"""``Watch[T]``: the latest value, for subscribers that want the current state, not every change.

The hub holds the value and a version, bumped by every ``set``; a subscriber remembers the version
it has seen. A get returns the value if the subscriber has not seen this version, else waits for
the next ``set``; versions superseded before a subscriber looks are skipped.
"""

from __future__ import annotations

from asyncio import Future, get_running_loop
from typing import Generic, TypeVar

from typing_extensions import Self

from ._channel import ClosesOnExit, checked_error
from ._errors import ChannelClosed
from ._follow import Follower, Hub, Subscriber, wake_all
from ._protocols import ReceiveChannel, SendChannel
from ._statistics import ChannelStatistics

__all__ = ["Watch"]

T = TypeVar("T")


class WatchHub(Hub, Generic[T]):
    __slots__ = ("joiners", "senders", "subscribers", "value", "version")

    def __init__(self, value: T) -> None:
        super().__init__(0)
        self.value = value
        self.version = 0
        self.senders = 1
        self.subscribers = 0
        self.joiners: list[Future[bool]] = []

    def set(self, value: T) -> None:
        if self.closed:
            raise self.closed_error()
        self.check_thread()
        self.value = value
        self.version += 1
        if self.followers:
            self.wake_followers()

    def close(self, error: BaseException | None) -> None:
        if self.closed:
            return
        self.check_thread()
        self.closed = True
        self.error = error
        self.wake_followers()
        joiners, self.joiners = self.joiners, []
        wake_all(joiners, True)

    def has_waiters(self) -> bool:
        return bool(self.followers or self.woken or self.joiners)

    def statistics(self, qsize: int) -> ChannelStatistics:
        return ChannelStatistics(
            maxsize=0,
            qsize=qsize,
            peak_qsize=1,
            open_senders=self.senders,
            open_receivers=self.subscribers,
            waiting_putters=0,
            waiting_getters=sum(
                sum(not g.done() for g in follower.getters) for follower in self.followers
            ),
            closed=self.closed,
        )

    async def join(self) -> None:
        if self.closed:
            return
        loop = get_running_loop()
        self.bind(loop)
        joiner = loop.create_future()
        self.joiners.append(joiner)
        try:
            await joiner
        except BaseException:
            if self.ours(joiner) and joiner in self.joiners:
                self.joiners.remove(joiner)
            raise


class WatchFollower(Follower[T]):
    """A subscriber of a ``Watch``: the version it has seen."""

    __slots__ = ("seen", "w")

    def __init__(self, hub: WatchHub[T], seen: int) -> None:
        super().__init__(hub)
        self.w = hub
        self.seen = seen
        hub.subscribers += 1

    def available(self) -> int:
        return 0 if self.hung_up or self.seen >= self.w.version else 1

    def read(self) -> T:
        w = self.w
        self.seen = w.version
        return w.value

    def leave(self) -> None:
        self.w.subscribers -= 1

    def copy(self) -> Self:
        return type(self)(self.w, self.seen)


class Watch(Generic[T]):
    """The latest value of something, starting with ``initial``.

    ``set(value)`` replaces it (never waits); ``value`` reads it. ``subscribe()`` gives a
    ``ReceiveChannel[T]`` whose ``get()`` returns the current value if that subscriber has not
    seen it yet, else waits for the next ``set``; values superseded before it looks are skipped.
    ``async for`` over a subscriber yields each value it sees, and ends after the last one once
    the watch is closed. A new subscriber has not seen the current value.

    ``close()`` / ``close(error)`` as for a channel; ``sender`` is a ``SendChannel[T]`` whose
    ``put`` / ``put_nowait`` set the value.
    """

    __slots__ = ("__weakref__", "_hub", "_sender")

    def __init__(self, initial: T) -> None:
        self._hub: WatchHub[T] = WatchHub(initial)
        #: The watch's own send handle (``sender`` is a view of it).
        self._sender = WatchSender(self._hub)

    @property
    def value(self) -> T:
        """The current value (also once closed)."""
        return self._hub.value

    def set(self, value: T) -> None:
        """Make ``value`` the current value, and wake subscribers waiting for a new one.

        Raises ``ChannelClosed`` if the watch is closed.
        """
        self._hub.set(value)

    def subscribe(self) -> ReceiveChannel[T]:
        """A new subscriber, which has not seen the current value."""
        hub = self._hub
        return Subscriber(WatchFollower(hub, hub.version - 1), "Watch")

    def close(self, error: BaseException | None = None) -> None:
        """Close the watch's own send handle; the watch closes with its last send handle (the
        others are clones of ``sender``), or at once with an ``error``: subscribers read the last
        value if they have not seen it, then end (or raise ``ChannelClosed`` from ``error``)."""
        self._sender.close(error)

    def closed(self) -> bool:
        """True once the watch is closed."""
        return self._hub.closed

    @property
    def sender(self) -> SendChannel[T]:
        """The watch's own send handle: ``put`` / ``put_nowait`` set the value, never waiting."""
        return self._sender

    def statistics(self) -> ChannelStatistics:
        """``open_receivers`` is the number of subscribers."""
        return self._hub.statistics(0)

    def __repr__(self) -> str:
        closed = " closed" if self._hub.closed else ""
        return f"<Watch value={self._hub.value!r}{closed}>"


class WatchSender(Generic[T], ClosesOnExit):
    """A send handle of a ``Watch``: ``put`` sets the value; ``maxsize`` is 0, ``full()`` never
    true and ``qsize()`` 0 (a watch holds one value, not a queue); the watch closes with its last
    send handle."""

    __slots__ = ("__weakref__", "_hub", "_open")

    def __init__(self, hub: WatchHub[T]) -> None:
        self._hub = hub
        self._open = True

    @property
    def maxsize(self) -> int:
        return 0

    def qsize(self) -> int:
        return 0

    def full(self) -> bool:
        return False

    def closed(self) -> bool:
        return not self._open or self._hub.closed

    def _check_open(self) -> None:
        if not self._open:
            raise (
                self._hub.closed_error()
                if self._hub.closed
                else ChannelClosed("this send handle is closed")
            )

    async def put(self, item: T) -> None:
        """Set the value (never waits). Raises ``ChannelClosed`` if closed, and
        ``RuntimeError`` if subscribers wait in another thread's loop.

        Cancellation: it never suspends, so a cancellation cannot interrupt it.
        """
        self._check_open()
        self._hub.set(item)

    def put_nowait(self, item: T) -> None:
        """Set the value. Raises ``ChannelClosed`` if closed."""
        self._check_open()
        self._hub.set(item)

    def close(self, error: BaseException | None = None) -> None:
        """Close this send handle; the watch closes with the last one (the ``Watch`` object
        counts as one), or at once with an ``error``."""
        error = checked_error(error)
        hub = self._hub
        if self._open:
            hub.check_thread()
            self._open = False
            hub.senders -= 1
            if error is not None or not hub.senders:
                hub.close(error)
        elif error is not None:
            hub.close(error)

    def clone(self) -> Self:
        """Another send handle of the watch."""
        self._check_open()
        hub = self._hub
        if hub.closed:
            raise hub.closed_error()
        hub.senders += 1
        return type(self)(hub)

    def statistics(self) -> ChannelStatistics:
        return self._hub.statistics(0)

    async def join(self) -> None:
        """Wait until the watch is closed.

        Raises ``RuntimeError`` if tasks of another event loop wait on the watch.

        Cancellation: a cancelled ``join()`` changed nothing.
        """
        await self._hub.join()

    def __repr__(self) -> str:
        return f"<SendChannel of {Watch.__name__} value={self._hub.value!r}>"
