"""Sphinx configuration of the aiochannel documentation site: ``make docs``.

``make docs`` runs ``sphinx-build -W --keep-going -n``: every warning is an error, and in
nitpicky mode (``-n``) so is every cross-reference that does not resolve.
"""

from __future__ import annotations

import aiochannel

project = "aiochannel"
author = "the aiochannel authors"
copyright = "the aiochannel authors"
version = release = aiochannel.__version__

extensions = [
    "myst_parser",  # the pages are MyST Markdown
    "sphinx.ext.autodoc",  # the reference, from the docstrings
    "sphinx.ext.intersphinx",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

# The build must work offline: CI and this project's machines reach PyPI and nothing else, so
# Python's own objects.inv (https://docs.python.org/3/objects.inv) cannot be fetched, and a copy
# of another project's inventory is not ours to commit. So intersphinx has no inventories, and
# names from the standard library are not linked. Sphinx itself resolves builtins (``int``,
# ``BaseException``...) and ``typing`` names without warning; the names below are the other
# standard-library names our signatures mention, and the type variables, which have no page.
# Anything else that does not resolve is an error.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
nitpick_ignore_regex = [
    (r"py:.*", r"(asyncio|collections\.abc|contextlib|types|typing|typing_extensions)\..+"),
    (r"py:.*", r"(AbstractEventLoop|AbstractAsyncContextManager|AsyncIterator|Callable)"),
    (r"py:.*", r"(Iterator|Sequence|TracebackType|Self|ParamSpec|TypeIs)"),
    # Type variables of the generic classes and functions.
    (r"py:.*", r"(aiochannel\.[\w.]+\.)?(T|T_co|T_contra|A|B|C|D|E|F|P)"),
]

myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"

html_theme = "furo"
html_title = f"aiochannel {release}"
html_static_path: list[str] = []
