"""Shape of MakerNet's code, to compare a tree before and after a refactoring (standard library only).

    python bench/code_shape.py [ROOT]     # ROOT: a checkout, default the repository holding this script
    git worktree add /tmp/before <commit> && python bench/code_shape.py /tmp/before   # an older commit

Over the Python files of makernet/, workers/ and printers/ (makernet/migrations/ left out) it prints:
module length and function length (def to end of body, methods and nested functions included);
import cycles among project modules (the imports a module runs when it is imported; importing a.b.c
also depends on the packages a and a.b, whose __init__ runs first), and imports left inside functions; private names imported from another
module; lines per area of makernet/services/; the call sites that write a Job's status (move(_, Job, ...),
update(Job)...values(status=...), job.status = / j.status =); and the only_from= overrides.
"""
from __future__ import annotations

import argparse
import ast
import statistics
from pathlib import Path

PACKAGES = ("makernet", "workers", "printers")
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def dotted(rel: Path) -> str:
    parts = list(rel.with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(root: Path) -> list[Path]:
    files = [p.relative_to(root) for top in PACKAGES for p in sorted((root / top).rglob("*.py"))]
    return [p for p in files if p.parts[:2] != ("makernet", "migrations") and "__pycache__" not in p.parts]


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def spread(values: list[int]) -> str:
    p90 = statistics.quantiles(values, n=10, method="inclusive")[8] if len(values) > 1 else values[0]
    return f"count {len(values)}, median {statistics.median(values):g}, p90 {p90:g}, max {max(values)}"


def short(module: str, modules: dict[str, Path]) -> str:
    name = module.removeprefix("makernet.") if module != "makernet" else module
    return name + ".__init__" if modules[module].name == "__init__.py" else name


def function_lengths(where: str, node: ast.AST, prefix: str = "") -> list[tuple[int, str]]:
    """(lines from def to end of body, file:qualified.name) of every function, method and nested function."""
    out: list[tuple[int, str]] = []
    for child in ast.iter_child_nodes(node):
        name = prefix + getattr(child, "name", "") if isinstance(child, (*DEFS, ast.ClassDef)) else prefix
        if isinstance(child, DEFS):
            out.append(((child.end_lineno or child.lineno) - child.lineno + 1, f"{where}:{name}"))
        out += function_lengths(where, child, name + "." if name != prefix else prefix)
    return out


def imports(module: str, tree: ast.Module, modules: dict[str, Path]) -> tuple[set[str], set[str], int, list[str]]:
    """Project modules this one needs when imported, those it imports anywhere (functions included),
    imports of them inside functions, private names imported."""
    deps: set[str] = set()
    late: set[str] = set()
    inside, private = 0, list[str]()
    package = module.split(".") if modules[module].name == "__init__.py" else module.split(".")[:-1]
    # a module's own packages are already being imported when it runs: importing them is no cycle
    own = {".".join(module.split(".")[:i]) for i in range(1, len(module.split(".")))}

    def visit(node: ast.AST, in_function: bool) -> None:
        nonlocal inside
        for child in ast.iter_child_nodes(node):
            targets = [alias.name for alias in child.names] if isinstance(child, ast.Import) else []
            if isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(package[: len(package) + 1 - child.level] + [base] * bool(base))
                for alias in child.names:
                    targets.append(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
                    if alias.name.startswith("_") and not alias.name.endswith("__") and base in modules \
                            and base != module:
                        private.append(f"{short(module, modules)} <- {short(base, modules)}.{alias.name}"
                                       f" (line {child.lineno})")
            for target in targets:  # a.b.c runs a/__init__, a/b/__init__ and a/b/c
                parts = target.split(".")
                hits = {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & modules.keys() - own
                (late if in_function else deps).update(hits)
                inside += bool(hits) and in_function
            visit(child, in_function or isinstance(child, DEFS))
    visit(tree, False)
    return deps - {module}, (deps | late) - {module}, inside, private


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []  # work: the depth-first path, each node with its successors still to visit
    work: list[tuple[str, list[str]]] = []
    found: list[list[str]] = []

    def enter(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        work.append((node, sorted(graph[node], reverse=True)))
    for start in sorted(graph):
        if start not in index:
            enter(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    enter(nxt)
                elif nxt in stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                cut = stack.index(node)
                component, stack[cut:] = stack[cut:], []
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found, key=lambda c: (-len(c), c))


def called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def job_status_writes(tree: ast.Module) -> list[int]:
    """move(_, Job, ...); update(Job)....values(status=...); job.status = / j.status = (also augmented)."""
    out: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and called(node) == "move" and len(node.args) > 1 \
                and isinstance(node.args[1], ast.Name) and node.args[1].id == "Job":
            out.append(node.lineno)
        if isinstance(node, ast.Call) and called(node) == "values" and any(k.arg == "status" for k in node.keywords):
            inner: ast.expr = node
            while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and called(inner) != "update":
                inner = inner.func.value
            if isinstance(inner, ast.Call) and called(inner) == "update" and inner.args \
                    and isinstance(inner.args[0], ast.Name) and inner.args[0].id == "Job":
                out.append(node.lineno)
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        out += [t.lineno for target in targets for t in ast.walk(target) if isinstance(t, ast.Attribute)
                and t.attr == "status" and isinstance(t.value, ast.Name) and t.value.id in ("job", "j")]
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent)
    root: Path = parser.parse_args().root.resolve()
    files = sources(root)
    trees = {p: ast.parse((root / p).read_text(encoding="utf-8"), str(p)) for p in files}
    sizes = {p: lines(root / p) for p in files}
    rows: list[tuple[str, str]] = []

    biggest = max(files, key=lambda p: sizes[p])
    rows.append(("module lines", f"{spread(list(sizes.values()))} ({biggest.as_posix()})"))
    functions = [f for p, t in trees.items() for f in function_lengths(p.as_posix(), t)]
    rows.append(("function lines", f"{spread([n for n, _ in functions])} ({max(functions)[1]})"))

    modules: dict[str, Path] = {}  # where a package and a module share a name, the package is imported
    for p in sorted(files, key=lambda p: p.name == "__init__.py"):
        modules[dotted(p)] = p
    graph: dict[str, set[str]] = {}
    anywhere: dict[str, set[str]] = {}
    inside, private = 0, list[str]()
    for m, p in sorted(modules.items()):
        graph[m], anywhere[m], n, names = imports(m, trees[p], modules)
        inside, private = inside + n, private + names
    shadowed = f" (+{len(files) - len(modules)} module files shadowed by packages)" if len(files) > len(modules) else ""
    rows.append(("import edges", f"{sum(map(len, graph.values()))} between {len(graph)} modules{shadowed}"))
    rows.append(("project imports in functions", str(inside)))
    for label, found in (("import cycles (module level)", cycles(graph)),
                         ("import cycles (imports anywhere)", cycles(anywhere))):
        rows.append((label, f"{len(found)}, {sum(map(len, found))} modules in them"))
        rows += [(f"  cycle {i}", ", ".join(short(m, modules) for m in c)) for i, c in enumerate(found, 1)]
    rows.append(("private names imported", str(len(private))))
    rows += [("", p) for p in private]

    services = Path("makernet", "services")
    placed = {p: p.relative_to(services).parts for p in files if p.is_relative_to(services)}
    nested = any(len(parts) > 1 for parts in placed.values())
    areas: dict[str, int] = {}
    for p, parts in placed.items():
        area = (parts[0] if len(parts) > 1 else "shared") if nested else f"services (flat, {len(placed)} files)"
        areas[area] = areas.get(area, 0) + sizes[p]
    largest = max(areas, key=lambda a: areas[a], default="none")
    rows.append(("largest services area", f"{largest}: {areas.get(largest, 0)} lines"))
    rows += [("", f"{a}: {n}") for a, n in sorted(areas.items(), key=lambda x: -x[1])]

    writes = [(p, n) for p, t in trees.items() if p.parts[0] in ("makernet", "workers") for n in job_status_writes(t)]
    rows.append(("job status writes", f"{len(writes)} in {len({p for p, _ in writes})} files"))
    rows += [("", f"{p.as_posix()}:{n}") for p, n in writes]
    only_from = sum(k.arg == "only_from" for p, t in trees.items() if p.parts[0] == "makernet"
                    for n in ast.walk(t) if isinstance(n, ast.Call) for k in n.keywords)
    rows.append(("only_from= overrides", str(only_from)))

    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(f"reproduce: python bench/code_shape.py {root}")


if __name__ == "__main__":
    main()
