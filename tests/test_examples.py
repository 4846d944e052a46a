"""The examples run as scripts, printing exactly what they should."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

QUICKSTART = """\
Produced item-0
Produced item-1
Produced item-2
Produced item-3
Produced item-4
Producer closed the channel
Consumed item-0
Consumed item-1
Consumed item-2
Consumed item-3
Consumed item-4
Channel is closed and drained, main exiting.
"""

PIPELINE = """\
invoice #1: 1.25
invoice #2: 5.00
invoice #3: 11.25
invoice #4: 20.00
invoice #5: 31.25
total: 68.75
"""


@pytest.mark.parametrize(
    ("script", "expected"),
    [("quickstart.py", QUICKSTART), ("pipeline.py", PIPELINE)],
)
def test_example_output(script: str, expected: str) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLES / script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stderr == ""
    assert result.returncode == 0
    assert result.stdout == expected


def test_examples_are_covered() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == ["pipeline.py", "quickstart.py"]
