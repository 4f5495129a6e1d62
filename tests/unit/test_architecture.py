"""The house rules, enforced: dependencies point inward, areas import each other one way, modules stay small.

See ARCHITECTURE.md for the layers and areas these tests keep apart.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("makernet", "workers", "printers")
SERVICES = ROOT / "makernet" / "services"
# what an area package may hold: one meaning per file name, the same in every area
AREA_FILES = {"__init__", "commands", "queries", "operations", "views", "worker", "handlers", "inputs"}
# what services/ holds beside the areas: what every area shares
SHARED = {"__init__", "access", "audit", "context", "events", "fields", "listing", "place_keys", "shapes", "printer_io", "sealing", "secrets", "subscriptions",
          "tallies", "transitions"}
# composition roots choose what to load and when; a lazy load of a heavy dependency says why
LAZY_IMPORTS_ALLOWED = {
    "makernet/__init__.py": "the application factory wires the app once it is asked for",
    "makernet/cli/": "each command loads only what it runs: a place's worker needs no web app",
    "workers/app.py": "the Celery app registers its tasks when it is made",
    "makernet/planner/__init__.py": "SciPy takes seconds to import: only a planner run pays for it",
    "makernet/services/printer_io.py": "push events need websockets only on a worker that follows printers",
}


def modules() -> dict[str, Path]:
    """Every project module by dotted name (packages by their __init__)."""
    found = {}
    for folder in PROJECT:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports_in(path: Path, *, top_level: bool) -> list[tuple[str, list[str], int]]:
    """(module, imported names, line) of each import statement, at module level or inside functions."""
    tree = ast.parse(path.read_text())
    inside = {id(node) for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
              for node in ast.walk(fn)}
    found = []
    for node in ast.walk(tree):
        if (id(node) in inside) == top_level:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names], node.lineno))
    return found


def dependencies(known: dict[str, Path]) -> dict[str, set[str]]:
    """What each module needs loaded before it: what it imports at module level, and the packages
    those sit in (their __init__ runs first)."""
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for module, names, _line in imports_in(path, top_level=True):
            targets = [f"{module}.{n}" if f"{module}.{n}" in known else module for n in names or [""]]
            for target in targets:
                parts = target.split(".")
                for end in range(1, len(parts) + 1):
                    prefix = ".".join(parts[:end])
                    if prefix in known and prefix != name and not name.startswith(prefix + "."):
                        graph[name].add(prefix)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_cycles_among_project_modules() -> None:
    assert cycles(dependencies(modules())) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_project_modules_are_imported_at_module_level_except_by_composition_roots() -> None:
    for name, path in modules().items():
        relative = str(path.relative_to(ROOT))
        if relative in LAZY_IMPORTS_ALLOWED or relative.startswith("makernet/cli/"):
            continue
        late = [(module, line) for module, _names, line in imports_in(path, top_level=False)
                if module.split(".")[0] in PROJECT]
        assert not late, f"{relative} imports inside functions: {late}"


def test_the_domain_imports_only_the_standard_library() -> None:
    for name, path in modules().items():
        if not name.startswith("makernet.domain"):
            continue
        for module, _names, _line in imports_in(path, top_level=True) + imports_in(path, top_level=False):
            assert module.split(".")[0] in sys.stdlib_module_names or module.startswith("makernet.domain"), \
                f"{name} imports {module}"


def test_printer_drivers_import_nothing_of_makernet() -> None:
    for name, path in modules().items():
        if name.startswith("printers"):
            for module, _names, _line in imports_in(path, top_level=True) + imports_in(path, top_level=False):
                assert not module.startswith(("makernet", "workers")), f"{name} imports {module}"


def test_entry_points_go_through_the_services() -> None:
    """Pages, API, tasks and the CLI reach the project only through services (and the error vocabulary
    they map, the catalogue of messages that words it, and the settings the CLI and workers start from)."""
    allowed = ("makernet.services", "makernet.errors", "makernet.messages", "makernet.config")
    for name, path in modules().items():
        own = next((p for p in ("makernet.web", "makernet.api", "workers", "makernet.cli") if name.startswith(p)), None)
        if own is None:
            continue
        for module, _names, _line in imports_in(path, top_level=True) + imports_in(path, top_level=False):
            if module.split(".")[0] in PROJECT or module.startswith("sqlmodel"):
                assert module.startswith((own, *allowed)) or (own == "makernet.cli" and module in (
                    "makernet", "workers.app", "workers.site")), f"{name} imports {module}"


def test_service_areas_use_the_same_file_names_and_shared_modules_stay_few() -> None:
    for path in SERVICES.glob("*.py"):
        assert path.stem in SHARED, f"services/{path.name} is neither shared nor in an area"
    areas = [p for p in SERVICES.iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert len(areas) >= 10
    for area in areas:
        names = {p.stem for p in area.glob("*.py")}
        assert "__init__" in names and names <= AREA_FILES, f"{area.name}: {sorted(names - AREA_FILES)}"


def test_an_areas_front_door_opens_only_on_its_own_rooms() -> None:
    for area in SERVICES.iterdir():
        if (area / "__init__.py").exists():
            for module, _names, _line in imports_in(area / "__init__.py", top_level=True):
                assert module.startswith(f"makernet.services.{area.name}."), f"{area.name} front door imports {module}"


def test_no_module_imports_a_private_name_of_another() -> None:
    for name, path in modules().items():
        for module, names, line in imports_in(path, top_level=True) + imports_in(path, top_level=False):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            assert not (module.split(".")[0] in PROJECT and private), f"{name}:{line} imports {private} from {module}"


def test_services_ask_drivers_for_capabilities_and_never_compare_their_names() -> None:
    for name, path in modules().items():
        if not name.startswith("makernet.services"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare) and any(
                    isinstance(side, ast.Attribute) and side.attr == "driver" for side in (node.left, *node.comparators)):
                assert False, f"{name}:{node.lineno} compares a driver name; ask printers.registry for a capability"


def test_modules_stay_small() -> None:
    for name, path in modules().items():
        assert len(path.read_text().splitlines()) <= 300, f"{path.relative_to(ROOT)} is over 300 lines"
