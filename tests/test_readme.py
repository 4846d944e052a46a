"""Every ```python block of README.md runs, and prints the ```text block that follows it, if any."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

# A fenced block: its language and its body.
FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
# Prose between a python block and the text block of its output: at most one short line.
OUTPUT_GAP = re.compile(r"\n*(?:[^\n`]*\n)?\n*")


def python_blocks() -> list[tuple[str, str | None]]:
    """Each python block, with the text block right after it (its expected output) or None."""
    fences = list(FENCE.finditer(README))
    blocks: list[tuple[str, str | None]] = []
    for i, fence in enumerate(fences):
        if fence.group(1) != "python":
            continue
        expected = None
        if i + 1 < len(fences):
            after = fences[i + 1]
            gap = README[fence.end() : after.start()]
            if after.group(1) == "text" and OUTPUT_GAP.fullmatch(gap):
                expected = after.group(2)
        blocks.append((fence.group(2), expected))
    return blocks


BLOCKS = python_blocks()


def block_ids() -> list[str]:
    return [f"block{i}" for i in range(len(BLOCKS))]


def test_readme_has_the_expected_blocks() -> None:
    assert len(BLOCKS) >= 4
    # Every block that prints shows what it prints.
    assert all(expected is not None for _, expected in BLOCKS)


def test_quickstart_in_readme_is_the_example_verbatim() -> None:
    quickstart = (ROOT / "examples" / "quickstart.py").read_text(encoding="utf-8")
    assert BLOCKS[0][0] == quickstart


def test_typed_halves_example_exposes_a_receive_channel() -> None:
    assert any("def events(self) -> ReceiveChannel[Event]:" in code for code, _ in BLOCKS)


def test_readme_mentions_every_public_name() -> None:
    import aiochannel

    for name in aiochannel.__all__:
        assert f"`{name}" in README, name


def test_performance_placeholder_is_there() -> None:
    assert "## Performance" in README
    assert "<!-- bench -->" in README
    assert "make bench" in README


@pytest.mark.parametrize(("code", "expected"), BLOCKS, ids=block_ids())
def test_readme_block_runs(code: str, expected: str | None) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.stderr == ""
    assert result.returncode == 0
    if expected is not None:
        assert result.stdout == expected
