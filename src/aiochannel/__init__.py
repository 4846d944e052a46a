"""Typed, closable asyncio channels with separate send and receive ends."""

from ._channel import Channel
from ._errors import ChannelClosed, ChannelEmpty, ChannelError, ChannelFull
from ._protocols import ReceiveChannel, SendChannel
from ._statistics import ChannelStatistics

__version__ = "2.0.0"

__all__ = [
    "Channel",
    "ChannelClosed",
    "ChannelEmpty",
    "ChannelError",
    "ChannelFull",
    "ChannelStatistics",
    "ReceiveChannel",
    "SendChannel",
    "__version__",
]
