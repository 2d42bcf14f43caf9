"""English and maths level ordering and satisfaction."""

from __future__ import annotations

import pytest

from services.taxonomy import LEVEL_ORDER, level_satisfies, satisfies


def test_level_order_runs_from_entry1_to_level2() -> None:
    assert LEVEL_ORDER == ("entry1", "entry2", "entry3", "level1", "level2")


@pytest.mark.parametrize(
    ("have", "need", "expected"),
    [
        ("english-level2", "english-entry3", True),
        ("english-level2", "english-level2", True),
        ("english-entry3", "english-level1", False),
        ("maths-level1", "maths-entry1", True),
        ("maths-level2", "english-entry1", False),
        ("english-level2", "maths-level1", False),
        ("phlebotomy", "phlebotomy", True),
        ("phlebotomy", "ecg", False),
        ("english-level2", "phlebotomy", False),
    ],
)
def test_satisfies(have: str, need: str, expected: bool) -> None:
    assert satisfies(have, need) is expected


def test_level_satisfies_handles_missing_levels() -> None:
    assert level_satisfies(None, None)
    assert level_satisfies("entry1", None)
    assert not level_satisfies(None, "entry3")
    assert level_satisfies("level1", "entry3")
    assert not level_satisfies("entry2", "level1")
