"""Services meet only through contracts: no service imports another's modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("vacancies", "training", "matching")
SHARED_LIBRARIES = ("services.common", "services.taxonomy", "services.demo")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_services_do_not_import_each_other() -> None:
    offences = []
    for service in SERVICES:
        for path in (ROOT / "services" / service).rglob("*.py"):
            for name in _imports(path):
                if name.startswith("services.") and not name.startswith(
                    (f"services.{service}", *SHARED_LIBRARIES)
                ):
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
                if name.startswith("gateway"):
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_shared_libraries_do_not_import_services() -> None:
    offences = []
    for library in ("common", "taxonomy"):
        for path in (ROOT / "services" / library).rglob("*.py"):
            for name in _imports(path):
                if name.startswith(tuple(f"services.{s}" for s in SERVICES)) or name.startswith("gateway"):
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []
