"""``ChannelStatistics``: a snapshot of a channel's counters."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ChannelStatistics"]


@dataclass(frozen=True, slots=True)
class ChannelStatistics:
    """What ``statistics()`` reports, on every end of a channel: a snapshot, taken at the call.

    - ``maxsize``: the buffer size the channel was made with (``0``: unbounded).
    - ``qsize``: items a getter could take now (as ``qsize()``).
    - ``peak_qsize``: the highest ``qsize`` the channel has had.
    - ``open_senders`` / ``open_receivers``: send and receive handles not yet closed or hung up.
    - ``waiting_putters`` / ``waiting_getters``: calls waiting for room or for an item now; a
      cancelled call stops counting at once, and so does one woken with a slot or an item.
    - ``closed``: whether the channel is closed (the same on every end).
    - ``dropped``: items discarded by a lossy ``overflow`` policy (never counted as put and taken).
    """

    maxsize: int
    qsize: int
    peak_qsize: int
    open_senders: int
    open_receivers: int
    waiting_putters: int
    waiting_getters: int
    closed: bool
    dropped: int = 0
