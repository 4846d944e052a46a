"""Every ```python block of README.md and of the documentation pages (docs/**/*.md) runs, and
prints the ```text block that follows it: one parser and one runner for both.

A python block is a complete program, run as ``python -W error -c code`` from the repository
root; its output is the ```text block right after it (separated by at most one short line of
prose), and it must print exactly that and nothing on stderr.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")

# An opening fence: three or more backticks and an info string (MyST directives, such as
# ```{toctree}, are fences too); it is closed by a line of as many backticks, or more.
OPENING = re.compile(r"(`{3,})([^`\n]*)")
# Prose between a python block and the text block of its output: at most one short line.
OUTPUT_GAP = re.compile(r"\n*(?:[^\n`]*\n)?\n*")


class Fence(NamedTuple):
    language: str
    body: str
    start: int  # offset of the opening line
    end: int  # offset just past the closing line


class Block(NamedTuple):
    id: str
    code: str
    expected: str | None


def fences(text: str) -> list[Fence]:
    """The fenced blocks of a Markdown text, in order, with the first word of the info string
    as the language."""
    found: list[Fence] = []
    lines = text.splitlines(keepends=True)
    offset = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = OPENING.fullmatch(line.rstrip("\n"))
        if opening is None:
            offset += len(line)
            i += 1
            continue
        ticks = opening.group(1)
        words = opening.group(2).split()
        start = offset
        body: list[str] = []
        offset += len(line)
        i += 1
        while i < len(lines):
            line = lines[i]
            offset += len(line)
            i += 1
            stripped = line.rstrip("\n")
            if stripped.startswith(ticks) and not stripped.strip("`"):
                break
            body.append(line)
        else:
            raise ValueError(f"unclosed fence at offset {start}")
        found.append(Fence(words[0] if words else "", "".join(body), start, offset))
    return found


def python_blocks(text: str) -> list[tuple[str, str | None]]:
    """Each python block, with the text block right after it (its expected output) or None."""
    found = fences(text)
    blocks: list[tuple[str, str | None]] = []
    for i, fence in enumerate(found):
        if fence.language != "python":
            continue
        expected = None
        if i + 1 < len(found):
            after = found[i + 1]
            if after.language == "text" and OUTPUT_GAP.fullmatch(text[fence.end : after.start]):
                expected = after.body
        blocks.append((fence.body, expected))
    return blocks


def pages() -> list[Path]:
    """README.md, then every page of the documentation site."""
    docs = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.relative_to(DOCS).parts)
    return [ROOT / "README.md", *docs]


def all_blocks() -> list[Block]:
    blocks: list[Block] = []
    for page in pages():
        name = page.relative_to(ROOT).as_posix()
        for i, (code, expected) in enumerate(python_blocks(page.read_text(encoding="utf-8"))):
            blocks.append(Block(f"{name}:block{i}", code, expected))
    return blocks


BLOCKS = all_blocks()
README_BLOCKS = python_blocks(README)


# -- README -----------------------------------------------------------------------------------


def test_readme_has_the_expected_blocks() -> None:
    assert len(README_BLOCKS) >= 4


def test_quickstart_in_readme_is_the_example_verbatim() -> None:
    quickstart = (ROOT / "examples" / "quickstart.py").read_text(encoding="utf-8")
    assert README_BLOCKS[0][0] == quickstart


def test_typed_halves_example_exposes_a_receive_channel() -> None:
    assert any("def events(self) -> ReceiveChannel[Event]:" in code for code, _ in README_BLOCKS)


def test_readme_mentions_every_public_name() -> None:
    import aiochannel

    for name in aiochannel.__all__:
        assert f"`{name}" in README, name


def test_performance_placeholder_is_there() -> None:
    assert "## Performance" in README
    assert "<!-- bench -->" in README
    assert "make bench" in README


def test_readme_says_how_to_build_the_docs() -> None:
    assert "make docs" in README
    assert "docs/_build/html/index.html" in README


# -- the documentation site -------------------------------------------------------------------


def test_every_page_has_examples_and_every_example_shows_its_output() -> None:
    assert len(pages()) > 10
    assert all(block.expected is not None for block in BLOCKS), [
        block.id for block in BLOCKS if block.expected is None
    ]
    assert sum(not block.id.startswith("README.md") for block in BLOCKS) >= 20


def test_python_examples_are_python_blocks() -> None:
    # A Python example under another fence (```py, ```pycon, ```python3) would not be run.
    for page in pages():
        for fence in fences(page.read_text(encoding="utf-8")):
            assert fence.language not in {"py", "pycon", "python3", "ipython"}, page


def test_the_reference_documents_every_public_name() -> None:
    import aiochannel

    reference = (DOCS / "reference.md").read_text(encoding="utf-8")
    for name in aiochannel.__all__:
        assert re.search(rf"^\.\. [\w:]+:: aiochannel\.{name}\b", reference, re.MULTILINE), name


def test_the_tests_the_docs_name_exist() -> None:
    # Pages name the tests that prove a guarantee as `tests/test_x.py::test_name`.
    named = 0
    for page in pages():
        for path, test in re.findall(r"`(tests/[\w/]+\.py)::(\w+)", page.read_text("utf-8")):
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(
                rf"^(?:async )?def {test}\(|^class {test}\b|^{test} = ", source, re.M
            ), f"{page.name}: {path}::{test}"
            named += 1
    assert named >= 10


def test_the_fence_parser() -> None:
    text = (
        "````markdown\n```python\nx\n```\n````\n\n"
        "```{toctree}\na\n```\n"
        "```python\nprint(1)\n```\nprints\n```text\n1\n```\n"
    )
    assert [f.language for f in fences(text)] == ["markdown", "{toctree}", "python", "text"]
    assert python_blocks(text) == [("print(1)\n", "1\n")]


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_example_runs_and_prints_its_output(block: Block) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", block.code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.stderr == ""
    assert result.returncode == 0
    if block.expected is not None:
        assert result.stdout == block.expected
