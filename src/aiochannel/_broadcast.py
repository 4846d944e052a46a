"""``Broadcast[T]``: every subscriber receives every item put after it subscribed.

One buffer for all subscribers: ``buf`` holds the items some subscriber has yet to read, oldest
first, ``head`` is the sequence number of ``buf[0]``, and ``pending[i]`` counts the subscribers
that have yet to read ``buf[i]``. Each subscriber has a cursor (the sequence number of its next
item). A put appends one item and one count, whatever the number of subscribers; a read moves one
cursor and decrements one count, and the head is dropped once everyone has read it. So a put costs
the same with 1 or 1,000 idle subscribers, and memory does not grow with them beyond the cursors.

``overflow="wait"``: a put waits while the slowest subscriber is ``maxsize`` items behind (room is
granted to waiting putters in arrival order, as in a channel). ``overflow="drop_oldest"``: a put
never waits; the oldest item is dropped, and a subscriber that had not read it is told, at its
next get, how many it missed (``ChannelLagged``).
"""

from __future__ import annotations

from asyncio import Future, get_running_loop
from collections import deque
from typing import Generic, Literal, TypeVar

from typing_extensions import Self

from ._channel import ClosesOnExit, checked_error, checked_maxsize, checked_overflow
from ._errors import ChannelClosed, ChannelFull, ChannelLagged
from ._follow import Follower, Hub, Subscriber, wake_all, wake_first
from ._protocols import ReceiveChannel, SendChannel
from ._state import Waiters, leave_line
from ._statistics import ChannelStatistics

__all__ = ["Broadcast"]

T = TypeVar("T")

BroadcastOverflow = Literal["wait", "drop_oldest"]
BROADCAST_OVERFLOWS: tuple[BroadcastOverflow, ...] = ("wait", "drop_oldest")
HANDLE_CLOSED = "this send handle is closed"


class BroadcastHub(Hub, Generic[T]):
    """The shared state of a ``Broadcast`` and its subscribers."""

    __slots__ = (
        "buf",
        "dead_putters",
        "dropped",
        "granted",
        "head",
        "joiners",
        "lossy",
        "peak",
        "pending",
        "putters",
        "senders",
        "subscribers",
    )

    def __init__(self, maxsize: int, lossy: bool) -> None:
        super().__init__(maxsize)
        self.lossy = lossy
        self.buf: deque[T] = deque()
        self.pending: deque[int] = deque()
        self.head = 0
        self.subscribers = 0
        self.putters: Waiters = deque()
        self.dead_putters = 0
        self.granted = 0
        self.senders = 1
        self.dropped = 0
        self.peak = 0
        self.joiners: list[Future[bool]] = []

    def room(self) -> int:
        return self.maxsize - len(self.buf) - self.granted

    def busy(self) -> bool:
        return super().busy() or self.granted > 0 or any(not p.done() for p in self.putters)

    def reap(self) -> None:
        super().reap()
        self.putters.clear()
        self.granted = 0
        self.joiners.clear()

    def has_waiters(self) -> bool:
        return bool(self.followers or self.woken or self.putters or self.joiners)

    def offer(self, item: T) -> bool:
        """Add ``item`` if the slowest subscriber has room for it (or, lossy, dropping the oldest
        item); return whether it was added. Raises ``ChannelClosed`` if closed."""
        buf = self.buf
        if (
            not self.followers
            and len(buf) + self.granted < self.maxsize
            and self.subscribers
            and not self.closed
        ):
            # The common put, inlined: room, and no reader waiting to be woken (so no thread
            # to check).
            buf.append(item)
            self.pending.append(self.subscribers)
            if len(buf) > self.peak:  # noqa: PLR1730 (as in ChannelState)
                self.peak = len(buf)
            return True
        return self.offer_slowly(item)

    def offer_slowly(self, item: T) -> bool:
        """``offer`` when a reader may be woken, there is no room, or nobody subscribes."""
        if self.closed:
            raise self.closed_error()
        if not self.subscribers:
            return True  # nobody to read it: it is delivered to every subscriber (none)
        if len(self.buf) + self.granted >= self.maxsize:
            if not self.lossy:
                return False
            self.check_thread()
            self.pending.popleft()
            self.head += 1
            self.dropped += 1
            self.buf.popleft()  # last: see release()
        else:
            self.check_thread()
        self.append(item)
        return True

    def append(self, item: T) -> None:
        buf = self.buf
        buf.append(item)
        self.pending.append(self.subscribers)
        if len(buf) > self.peak:  # noqa: PLR1730 (as in ChannelState)
            self.peak = len(buf)
        if self.followers:
            self.wake_followers()

    def release(self) -> None:
        """Drop the items every subscriber has read; grant the room to waiting putters."""
        buf, pending = self.buf, self.pending
        while pending and pending[0] <= 0:
            pending.popleft()
            self.head += 1
            # Last, with the rest consistent: dropping the item may drop the last reference to a
            # subscriber, whose finaliser may hang it up (see Follower.__del__) right here.
            buf.popleft()
        putters = self.putters
        while putters and self.room() > 0 and wake_first(putters, True):
            self.granted += 1
        if self.closed and not buf:
            self.wake_joiners()

    def fill_slot(self, granted: bool, item: T) -> None:
        """Add a woken putter's item into its granted slot (or raise ``ChannelClosed``)."""
        if not granted:
            raise self.closed_error()
        self.granted -= 1
        if self.closed:
            raise self.closed_error()
        if self.subscribers:
            self.append(item)
        self.release()  # if nobody subscribes any more, the slot frees the next putter

    def abandon_putter(self, putter: Future[bool]) -> None:
        if not self.ours(putter):
            return  # of a closed loop (reaped): see ChannelState.ours
        if not putter.done() or putter.cancelled():
            self.dead_putters = leave_line(self.putters, putter, self.dead_putters)
        elif putter.result():
            self.granted -= 1
            self.release()

    def close(self, error: BaseException | None) -> None:
        if self.closed:
            return
        self.check_thread()
        self.closed = True
        self.error = error
        wake_all(self.putters, False)
        self.putters.clear()
        self.wake_followers()
        if not self.buf:
            self.wake_joiners()

    def wake_joiners(self) -> None:
        joiners, self.joiners = self.joiners, []
        wake_all(joiners, True)

    def statistics(self, qsize: int) -> ChannelStatistics:
        return ChannelStatistics(
            maxsize=self.maxsize,
            qsize=qsize,
            peak_qsize=self.peak,
            open_senders=self.senders,
            open_receivers=self.subscribers,
            waiting_putters=sum(not p.done() for p in self.putters),
            waiting_getters=sum(
                sum(not g.done() for g in follower.getters) for follower in self.followers
            ),
            closed=self.closed,
            dropped=self.dropped,
        )

    async def join(self) -> None:
        if self.closed and not self.buf:
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


class BroadcastFollower(Follower[T]):
    """A subscriber of a ``Broadcast``: its cursor in the hub's sequence of items."""

    __slots__ = ("b", "cursor")

    def __init__(self, hub: BroadcastHub[T], cursor: int) -> None:
        super().__init__(hub)
        self.b = hub
        self.cursor = cursor
        hub.subscribers += 1

    def available(self) -> int:
        if self.hung_up:
            return 0
        b = self.b
        # Behind the head once lagged: the dropped items are not there to read.
        return b.head + len(b.buf) - max(self.cursor, b.head)

    def lagged(self) -> bool:
        return self.cursor < self.b.head and not self.hung_up

    def read(self) -> T:
        b = self.b
        i = self.cursor - b.head
        if i < 0:  # lossy: items it had not read were dropped
            self.cursor = b.head
            raise ChannelLagged(-i)
        if i == 0 and (b.putters or b.joiners):
            b.check_thread()  # reading the head may release it, and wake them
        item = b.buf[i]
        pending = b.pending
        pending[i] -= 1
        self.cursor += 1
        if i == 0 and pending[0] <= 0:
            b.release()
        return item

    def leave(self) -> None:
        b = self.b
        pending = b.pending
        for i in range(max(0, self.cursor - b.head), len(pending)):
            pending[i] -= 1
        b.subscribers -= 1
        b.release()

    def copy(self) -> Self:
        b = self.b
        pending = b.pending
        for i in range(max(0, self.cursor - b.head), len(pending)):
            pending[i] += 1
        return type(self)(b, self.cursor)


class BroadcastSubscriber(Subscriber[T]):
    """A subscriber of a ``Broadcast``."""

    __slots__ = ("_follower_of_broadcast",)

    def __init__(self, follower: BroadcastFollower[T], kind: str = "Broadcast") -> None:
        super().__init__(follower, kind)
        self._follower_of_broadcast = follower

    # A broadcast pays a get per subscriber and item: ``get`` and ``__anext__`` read an item
    # that is there and not reserved with BroadcastFollower.read() inlined, one call instead of
    # four (get, free, available, read); everything else takes Subscriber's way.

    async def get(self) -> T:
        follower = self._follower_of_broadcast
        b = follower.b
        i = follower.cursor - b.head
        if (
            i >= 0
            and i + follower.woken < len(b.buf)
            and not follower.hung_up
            and (i or not (b.putters or b.joiners))  # else read() checks the thread first
        ):
            item = b.buf[i]
            pending = b.pending
            pending[i] -= 1
            follower.cursor += 1
            if i == 0 and pending[0] <= 0:
                b.release()
            return item
        return await super().get()

    async def __anext__(self) -> T:
        follower = self._follower_of_broadcast
        b = follower.b
        i = follower.cursor - b.head
        if (
            i >= 0
            and i + follower.woken < len(b.buf)
            and not follower.hung_up
            and (i or not (b.putters or b.joiners))  # else read() checks the thread first
        ):
            item = b.buf[i]
            pending = b.pending
            pending[i] -= 1
            follower.cursor += 1
            if i == 0 and pending[0] <= 0:
                b.release()
            return item
        return await super().__anext__()


class Broadcast(Generic[T], ClosesOnExit):
    """A send end whose every item goes to every subscriber that subscribed before it was put.

    ``maxsize`` (>= 1) bounds how far the slowest subscriber may fall behind. ``overflow``:
    ``"wait"`` (lossless: a put waits for the slowest subscriber), or ``"drop_oldest"`` (a put
    never waits; a subscriber that falls more than ``maxsize`` items behind loses its oldest
    items, and its next get raises ``ChannelLagged``, with how many it missed).

    It is a ``SendChannel[T]``: ``put``, ``put_nowait``, ``close`` (also with an error),
    ``clone`` (another send handle: the broadcast closes with its last one), ``with``,
    ``statistics``. ``qsize()`` is how far behind the slowest subscriber is; ``full()`` whether
    a put would wait; ``join()`` waits until it is closed and every subscriber has read
    everything. With no subscriber, a put goes to nobody (and is not waited on).

    Raises ``TypeError`` / ``ValueError`` for a ``maxsize`` that is not an ``int >= 1``, or an
    unknown ``overflow``.
    """

    __slots__ = ("__weakref__", "_hub", "_open", "_waits")

    def __init__(self, maxsize: int, *, overflow: BroadcastOverflow = "wait") -> None:
        size = checked_maxsize(maxsize)
        if size < 1:
            raise ValueError(f"maxsize of a Broadcast must be an int >= 1, got {size!r}")
        policy = checked_overflow(overflow, size, BROADCAST_OVERFLOWS)
        self._hub: BroadcastHub[T] = BroadcastHub(size, policy == "drop_oldest")
        self._open = True
        self._waits: set[Future[bool]] = set()

    @property
    def sender(self) -> SendChannel[T]:
        """This broadcast, as a ``SendChannel`` (it has no receive operations)."""
        return self

    @property
    def maxsize(self) -> int:
        """How far the slowest subscriber may fall behind."""
        return self._hub.maxsize

    def qsize(self) -> int:
        """How many items the slowest subscriber has yet to read."""
        return len(self._hub.buf)

    def full(self) -> bool:
        """True if a put would wait (never, with ``overflow="drop_oldest"``)."""
        hub = self._hub
        return not hub.lossy and bool(hub.subscribers) and hub.room() <= 0

    def closed(self) -> bool:
        """True once this send handle, or the broadcast, is closed."""
        return not self._open or self._hub.closed

    def statistics(self) -> ChannelStatistics:
        """``open_receivers`` is the number of subscribers; ``qsize`` as ``qsize()``."""
        return self._hub.statistics(self.qsize())

    def subscribe(self) -> ReceiveChannel[T]:
        """A new subscriber, which receives every item put from now on, in order. Subscribing to
        a closed broadcast gives a subscriber that is closed and drained."""
        hub = self._hub
        return BroadcastSubscriber(BroadcastFollower(hub, hub.head + len(hub.buf)))

    def _check_open(self) -> None:
        if not self._open:
            raise self._hub.closed_error() if self._hub.closed else ChannelClosed(HANDLE_CLOSED)

    async def put(self, item: T) -> None:
        """Send ``item`` to every subscriber, waiting while the slowest is ``maxsize`` items
        behind.

        Raises ``ChannelClosed`` if this handle or the broadcast is closed, also while this waits
        (the item is then sent to nobody).

        Cancellation: a cancelled ``put()`` sent nothing; a slot granted to it passes on.
        """
        hub = self._hub
        if self._open and hub.offer(item):
            return
        self._check_open()
        loop = get_running_loop()
        hub.bind(loop)
        putter = loop.create_future()
        hub.putters.append(putter)
        self._waits.add(putter)
        try:
            granted = await putter
        except BaseException:
            hub.abandon_putter(putter)
            raise
        finally:
            self._waits.discard(putter)
        if not self._open:  # this handle was closed while the put waited
            hub.abandon_putter(putter)
            self._check_open()
        hub.fill_slot(granted, item)

    def put_nowait(self, item: T) -> None:
        """Send ``item`` now. Raises ``ChannelClosed`` as ``put()``, else ``ChannelFull`` if the
        slowest subscriber is ``maxsize`` items behind."""
        if not (self._open and self._hub.offer(item)):
            self._check_open()
            raise ChannelFull(f"channel is full (maxsize={self._hub.maxsize})")

    def close(self, error: BaseException | None = None) -> None:
        """Close this send handle; the broadcast closes with its last one, or at once with an
        ``error`` (as ``Channel.close``): subscribers read what they have not seen, then end (or
        raise ``ChannelClosed`` from the error)."""
        error = checked_error(error)
        hub = self._hub
        if self._open:
            hub.check_thread()
            self._open = False
            hub.senders -= 1
            wake_all(self._waits, False)
            if error is not None or not hub.senders:
                hub.close(error)
        elif error is not None:
            hub.close(error)

    def clone(self) -> Self:
        """Another send handle of this broadcast. Raises ``ChannelClosed`` if this one or the
        broadcast is closed."""
        self._check_open()
        hub = self._hub
        if hub.closed:
            raise hub.closed_error()
        clone = type(self).__new__(type(self))
        clone._hub = hub
        clone._open = True
        clone._waits = set()
        hub.senders += 1
        return clone

    async def join(self) -> None:
        """Wait until the broadcast is closed and every subscriber has read everything.

        Raises ``RuntimeError`` if tasks of another event loop wait on the broadcast.

        Cancellation: a cancelled ``join()`` changed nothing.
        """
        await self._hub.join()

    def __repr__(self) -> str:
        hub = self._hub
        closed = " closed" if self.closed() else ""
        return (
            f"<Broadcast maxsize={hub.maxsize} qsize={len(hub.buf)} "
            f"subscribers={hub.subscribers}{closed}>"
        )
