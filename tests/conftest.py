"""Every async test runs once on asyncio's default loop and once on uvloop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping

import pytest
import uvloop
from hypothesis import settings

# Hypothesis runs the same examples on every run by default ("ci"); HYPOTHESIS_PROFILE=soak (or
# `pytest --hypothesis-profile=soak`) runs fresh random examples, many more of them.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile(
    "soak", derandomize=False, database=None, deadline=None, print_blob=True, max_examples=5000
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    return {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}
