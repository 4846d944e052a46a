"""The aiochannel 1.x import path ``aiochannel.errors``, kept so that 1.x imports still work."""

from ._errors import ChannelClosed, ChannelEmpty, ChannelError, ChannelFull

__all__ = ["ChannelClosed", "ChannelEmpty", "ChannelError", "ChannelFull"]
