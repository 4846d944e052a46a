"""Idle memory per channel, measured with tracemalloc."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable

__all__ = ["idle_bytes"]


def idle_bytes(
    make: Callable[[], tuple[object, ...]],
    count: int,
    dispose: Callable[[object], None] | None = None,
) -> float:
    """Average bytes that stay allocated per ``make()`` call, over ``count`` calls.

    ``make`` returns the objects a user would hold (a channel, or both ends of a stream); they
    are kept alive in a list allocated before measuring, so the list is not counted. Call it
    inside a running loop if a peer needs one. ``dispose`` is applied to every held object
    afterwards (to close streams that warn when collected open).
    """
    probe = make()
    width = len(probe)
    if dispose is not None:
        for obj in probe:
            dispose(obj)
    del probe
    held: list[object] = [None] * (count * width)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        slot = 0
        for _ in range(count):
            for obj in make():
                held[slot] = obj
                slot += 1
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    if dispose is not None:
        for obj in held:
            dispose(obj)
    return (after - before) / count
