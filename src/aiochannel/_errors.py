"""Exceptions raised by channels."""

from __future__ import annotations

__all__ = ["ChannelClosed", "ChannelEmpty", "ChannelError", "ChannelFull"]


class ChannelError(Exception):
    """Base class of every exception a channel raises on purpose."""


class ChannelClosed(ChannelError):
    """The channel is closed: no more puts, and no more items for a getter to wait for."""


class ChannelFull(ChannelError):
    """``put_nowait`` found no free slot in a bounded channel."""


class ChannelEmpty(ChannelError):
    """``get_nowait`` found no item that it may take in an open channel."""
