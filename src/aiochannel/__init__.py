"""Typed, closable asyncio channels with separate send and receive ends."""

from ._channel import Channel
from ._errors import ChannelClosed, ChannelEmpty, ChannelError, ChannelFull
from ._generator import as_channel
from ._merge import merge
from ._protocols import ReceiveChannel, SendChannel
from ._select import Selected, select, select_nowait, selected_from
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
    "Selected",
    "SendChannel",
    "__version__",
    "as_channel",
    "merge",
    "select",
    "select_nowait",
    "selected_from",
]
