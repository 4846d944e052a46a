"""Static typing tests: checked by mypy and pyright (``make mypy pyright``), never run.

Each ``check_*.py`` module states what the checkers must infer (``assert_type``) and what they
must reject. A rejected line carries ``# type: ignore[<mypy code>]  # pyright: ignore[<rule>]``:
both checkers report an ignore that suppresses nothing as an error, so every such line proves that
each checker reports exactly that error there. Values come in as typed parameters, because pyright
narrows a local variable to the type of what was assigned to it.

``tests/test_typing_mutants.py`` checks that these modules fail against deliberately broken copies
of the protocols.
"""
