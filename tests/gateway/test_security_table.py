"""docs/SECURITY.md's endpoint-by-role table is exactly what ``gateway.policy.RULES`` says."""

from __future__ import annotations

from pathlib import Path

from gateway.policy import RULES, Rule
from gateway.security_table import (
    ALLOWED,
    DENIED,
    extract_section,
    main,
    render_table,
    replace_section,
    section,
)
from services.common.auth import ROLES

SECURITY_MD = Path(__file__).resolve().parents[2] / "docs" / "SECURITY.md"


def test_the_document_holds_the_table_rules_give() -> None:
    found = extract_section(SECURITY_MD.read_text(encoding="utf-8"))
    assert found == section(render_table()), (
        "docs/SECURITY.md is out of date: run `python -m gateway.security_table --write docs/SECURITY.md`"
    )
    assert main(["--check", str(SECURITY_MD)]) == 0


def test_one_row_per_rule_and_a_cell_per_role() -> None:
    rows = render_table().splitlines()[2:]
    assert len(rows) == len(RULES)
    for rule, row in zip(RULES, rows, strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[0] == rule.method and cells[1] == f"`{rule.path}`"
        assert cells[3 : 3 + len(ROLES)] == [
            ALLOWED if role in rule.roles else DENIED for role in ROLES
        ]


def test_a_changed_rule_is_caught(tmp_path: Path) -> None:
    doc = tmp_path / "SECURITY.md"
    doc.write_text("# Security\n\nintro\n", encoding="utf-8")
    assert main(["--write", str(doc)]) == 0
    assert main(["--check", str(doc)]) == 0
    assert doc.read_text(encoding="utf-8").startswith("# Security\n\nintro\n")
    changed = (*RULES, Rule("GET", "/v1/secret", "gateway", ("admin",)))
    doc.write_text(replace_section(doc.read_text(encoding="utf-8"), render_table(changed)))
    assert main(["--check", str(doc)]) == 1
    main(["--write", str(doc)])
    assert main(["--check", str(doc)]) == 0
