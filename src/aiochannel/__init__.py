"""Typed, closable asyncio channels with separate send and receive ends."""

from ._broadcast import Broadcast
from ._channel import Channel
from ._errors import ChannelClosed, ChannelEmpty, ChannelError, ChannelFull, ChannelLagged
from ._generator import as_channel
from ._merge import merge
from ._protocols import ReceiveChannel, SendChannel
from ._select import Selected, select, select_nowait, selected_from
from ._statistics import ChannelStatistics
from ._watch import Watch

__version__ = "2.0.0"

__all__ = [
    "Broadcast",
    "Channel",
    "ChannelClosed",
    "ChannelEmpty",
    "ChannelError",
    "ChannelFull",
    "ChannelLagged",
    "ChannelStatistics",
    "ReceiveChannel",
    "Selected",
    "SendChannel",
    "Watch",
    "__version__",
    "as_channel",
    "merge",
    "select",
    "select_nowait",
    "selected_from",
]
