"""Small helpers shared by the runtime tests."""

from __future__ import annotations

import asyncio
import inspect


async def settle(rounds: int = 5) -> None:
    """Let every ready task run a few steps."""
    for _ in range(rounds):
        await asyncio.sleep(0)


def close_stranded(task: asyncio.Task[object]) -> None:
    """End the coroutine of a task whose loop was closed before it finished, quietly (it never
    resumes; some never started, which would warn "never awaited")."""
    task._log_destroy_pending = False  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    coro = task.get_coro()  # typed optional from 3.12 on
    if inspect.iscoroutine(coro):
        coro.close()
