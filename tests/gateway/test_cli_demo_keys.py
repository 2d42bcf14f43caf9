"""`make run` prints each demo key whole, however narrow the terminal or when piped to a file."""

from __future__ import annotations

import io
import re

from rich.console import Console

from gateway.cli import print_demo_keys

KEYS = [
    ("admin", "", "rw_2ec0088103015572_Dtpg4-sRQVea6_0AZwIpiU3cXyZ0123456789abcdefgh"),
    ("adviser", "demo-office", "rw_5843b412fbf7851c_CpBThsijU_C1kxX3024gu3TZXyZ0123456789abcdefgh"),
]


def test_keys_are_printed_whole_on_a_narrow_console() -> None:
    out = io.StringIO()
    print_demo_keys(Console(file=out, width=40), "http://127.0.0.1:8000", KEYS)
    text = out.getvalue()
    found = re.findall(r"rw_[A-Za-z0-9_-]+", text)
    assert found == [key for _, _, key in KEYS]
    assert "demo-office" in text and "http://127.0.0.1:8000/docs" in text
