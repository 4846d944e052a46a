"""Exceptions raised by channels."""

from __future__ import annotations

__all__ = ["ChannelClosed", "ChannelEmpty", "ChannelError", "ChannelFull", "ChannelLagged"]


class ChannelError(Exception):
    """Base class of every exception a channel raises on purpose."""


class ChannelClosed(ChannelError):
    """The channel is closed: no more puts, and no more items for a getter to wait for."""


class ChannelFull(ChannelError):
    """``put_nowait`` found no free slot in a bounded channel."""


class ChannelEmpty(ChannelError):
    """``get_nowait`` found no item that it may take in an open channel."""


class ChannelLagged(ChannelError):
    """A subscriber of a ``Broadcast`` with ``overflow="drop_oldest"`` fell more than ``maxsize``
    items behind: ``missed`` items were dropped before it read them. Its next get goes on from
    the oldest item kept."""

    def __init__(self, missed: int) -> None:
        super().__init__(f"subscriber lagged behind and missed {missed} items")
        self.missed = missed

    def __reduce__(self) -> tuple[type[ChannelLagged], tuple[int]]:
        return (type(self), (self.missed,))
