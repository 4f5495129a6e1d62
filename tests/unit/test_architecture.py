"""Dependencies point inward: the domain is pure, entry points go through services."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports_of(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_the_domain_imports_only_the_standard_library() -> None:
    for path, names in imports_of(ROOT / "makernet" / "domain").items():
        foreign = {n for n in names if n.split(".")[0] not in sys.stdlib_module_names
                   and not n.startswith("makernet.domain")}
        assert not foreign, f"{path} imports {foreign}"


def test_entry_points_never_reach_models_or_drivers_directly() -> None:
    for folder in ("makernet/api", "makernet/web", "workers"):
        for path, names in imports_of(ROOT / folder).items():
            direct = {n for n in names if n.startswith(("makernet.models", "printers", "sqlmodel"))}
            assert not direct, f"{path} imports {direct}"


def test_modules_stay_small() -> None:
    for folder in ("makernet", "workers", "printers"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            assert len(path.read_text().splitlines()) <= 400, f"{path} is too long"
