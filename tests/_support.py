"""Small helpers shared by the runtime tests."""

from __future__ import annotations

import asyncio


async def settle(rounds: int = 5) -> None:
    """Let every ready task run a few steps."""
    for _ in range(rounds):
        await asyncio.sleep(0)
