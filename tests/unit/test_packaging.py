"""The package says what it needs: every imported library is declared, and the lock and deploy/ agree with it."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
DEPLOY_REQUIREMENTS = ROOT / "deploy" / "requirements.txt"
PLACE_REQUIREMENTS = ROOT / "deploy" / "place-requirements.txt"
OWN = {"makernet", "workers", "printers", "tests", "bench"}
PINNED = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _declared(requirements: list[str]) -> set[str]:
    """Distribution names, with the distributions their extras bring (celery[redis] brings redis)."""
    names = set()
    for line in requirements:
        requirement = Requirement(line)
        names.add(canonicalize_name(requirement.name))
        names.update(_extra_distributions(requirement))
    return names


def _extra_distributions(requirement: Requirement) -> set[str]:
    """What an extra of a requirement pulls in, read from the lock."""
    package = _locked_packages().get(canonicalize_name(requirement.name), {})
    optional = package.get("optional-dependencies", {})
    return {canonicalize_name(entry["name"]) for extra in requirement.extras for entry in optional.get(extra, [])}


def _locked_packages() -> dict[str, dict]:
    return {canonicalize_name(package["name"]): package for package in LOCK["package"]}


def _imported_top_modules(folders: tuple[str, ...]) -> dict[str, str]:
    """Each top-level module imported by the project's code, with one place that imports it."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _undeclared(imported: dict[str, str], declared: set[str]) -> list[str]:
    providers = packages_distributions()
    missing = []
    for module, where in sorted(imported.items()):
        if module in OWN or module in sys.stdlib_module_names or module == "__future__":
            continue
        distributions = {canonicalize_name(name) for name in providers.get(module, [])}
        if not distributions & declared:
            missing.append(f"{module} ({where}) comes from {sorted(distributions) or 'nothing installed'}")
    return missing


def test_every_library_the_code_imports_is_a_declared_dependency():
    project = PYPROJECT["project"]
    declared = _declared(project["dependencies"] + project["optional-dependencies"]["server"])
    assert _undeclared(_imported_top_modules(("makernet", "workers", "printers")), declared) == []


def test_a_places_worker_needs_nothing_but_the_base_dependencies():
    """`pip install "makernet[place]"` is the base alone: no web framework, database layer, planner or PDFs."""
    project = PYPROJECT["project"]
    assert project["optional-dependencies"]["place"] == []
    base = _declared(project["dependencies"])
    assert not base & {"flask", "sqlalchemy", "sqlmodel", "scipy", "numpy", "reportlab", "psycopg", "redis"}
    assert _runtime_closure(_locked_packages(), ()) == _pinned(PLACE_REQUIREMENTS)


def test_every_library_the_tests_import_is_declared_for_the_tests():
    project = PYPROJECT["project"]
    declared = _declared(project["dependencies"] + project["optional-dependencies"]["server"]
                         + project["optional-dependencies"]["test"])
    assert _undeclared(_imported_top_modules(("tests", "bench")), declared) == []


def test_the_walk_over_imports_notices_an_undeclared_library():
    assert _undeclared({"numpy": "x.py:1", "flask": "y.py:1"}, {"flask"}) == [
        "numpy (x.py:1) comes from ['numpy']"]


def test_the_lock_was_made_from_the_declared_dependencies():
    """`uv lock` records what pyproject.toml asked for: a change to one without the other fails here."""
    project = _locked_packages()["makernet"]
    locked = sorted(str(Requirement(_as_pep508(entry))) for entry in project["metadata"]["requires-dist"])
    declared = PYPROJECT["project"]["dependencies"] + [
        f"{line}; extra == '{extra}'" for extra, lines in PYPROJECT["project"]["optional-dependencies"].items()
        for line in lines]
    assert locked == sorted(str(Requirement(line)) for line in declared)


def _as_pep508(entry: dict) -> str:
    extras = f"[{','.join(entry['extras'])}]" if entry.get("extras") else ""
    marker = f"; {entry['marker']}" if entry.get("marker") else ""
    return f"{entry['name']}{extras}{entry.get('specifier', '')}{marker}"


def test_deploy_requirements_pin_exactly_the_locked_versions_with_hashes():
    """deploy/requirements.txt (the server's) and deploy/place-requirements.txt (a place's worker's) are `uv export`
    of the lock: regenerate them (see deploy/README.md) when the lock moves."""
    locked = _locked_packages()
    for path, extras in ((DEPLOY_REQUIREMENTS, ("server",)), (PLACE_REQUIREMENTS, ())):
        text = path.read_text(encoding="utf-8")
        pinned = {canonicalize_name(m[1]): m[2] for line in text.splitlines() if (m := PINNED.match(line))}
        runtime = _runtime_closure(locked, extras)
        assert set(pinned) == runtime, path.name
        assert {name: locked[name]["version"] for name in runtime} == pinned, path.name
        assert text.count("--hash=sha256:") >= len(pinned)
        assert "-e " not in text and "makernet" not in pinned  # the wheel is installed beside it, not from a checkout


def _pinned(path: Path) -> set[str]:
    return {canonicalize_name(m[1]) for line in path.read_text(encoding="utf-8").splitlines() if (m := PINNED.match(line))}


def _runtime_closure(locked: dict[str, dict], extras: tuple[str, ...]) -> set[str]:
    """The distributions the project needs to run with these extras (no test tools), following the lock's edges
    and extras."""
    wanted, visited = [("makernet", extras)], set()
    while wanted:
        key = wanted.pop()
        if key in visited:
            continue
        visited.add(key)
        package = locked[key[0]]
        edges = list(package.get("dependencies", []))
        for extra in key[1]:
            edges += package.get("optional-dependencies", {}).get(extra, [])
        wanted += [(canonicalize_name(edge["name"]), tuple(edge.get("extra", ()))) for edge in edges]
    return {name for name, _ in visited} - {"makernet"}
