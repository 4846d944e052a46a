"""The aiochannel 1.x import path ``aiochannel.channel``, kept so that 1.x imports still work."""

from ._channel import Channel

__all__ = ["Channel"]
