"""The shape of the code, checked from its source: no import cycles, small modules, visible parts."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "reader"
MAX_LINES = 500
MAX_CORE_ENTRIES = 12


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, in functions too, except those only type checkers see."""
    stack = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if is_type_checking_block(child):
                assert isinstance(child, ast.If)
                stack.extend(child.orelse)  # the `else:` branch does run
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child
            stack.append(child)


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that `name` imports at run time (a package counts when imported itself)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            # `from package import module` imports the module; `from module import name` does not
            targets = [t for t in targets if t in known] or [base]
            targets = [t for t in targets if t != base] or [base]
        found.update(target for target in targets if target in known and target != name)
    return found


def import_graph() -> dict[str, set[str]]:
    files = source_files()
    known = set(files)
    return {name: imported_modules(name, path, known) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_the_walk_sees_the_imports_it_must() -> None:
    graph = import_graph()
    assert "reader.core.store.database" in graph
    assert "reader.core.model" in graph["reader.core.library"]
    # An import inside a function counts.
    assert (
        any("reader.ui" in target for target in graph["reader.cli.tui"])
        if ("reader.cli.tui" in graph)
        else True
    )


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles_in_the_package() -> None:
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(group) for group in found)


def test_no_hand_written_module_is_over_the_size_limit() -> None:
    too_long = []
    for name, path in source_files().items():
        text = path.read_text(encoding="utf-8")
        if "generated by" in text.partition("\n")[0]:
            continue
        lines = text.count("\n")
        if lines > MAX_LINES:
            too_long.append(f"{name}: {lines} lines")
    assert too_long == []


def test_generated_tables_say_so_and_their_generators_live_outside_the_package() -> None:
    generated = [
        path
        for path in PACKAGE.rglob("_*.py")
        if path.name != "__init__.py" and "_data" in path.name or path.name == "_index_chars.py"
    ]
    assert generated
    for path in generated:
        first_line = path.read_text(encoding="utf-8").partition("\n")[0]
        assert "generated by `python -m scripts." in first_line and "do not edit" in first_line


def test_core_has_few_entries_and_packages_hold_no_code() -> None:
    core = PACKAGE / "core"
    entries = [p.name for p in core.iterdir() if p.name != "__pycache__"]
    assert len(entries) <= MAX_CORE_ENTRIES, sorted(entries)
    for init in PACKAGE.rglob("__init__.py"):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        code = [node for node in tree.body if not isinstance(node, ast.Expr)]
        if init.parent == PACKAGE:
            continue  # reader/__init__.py carries __version__
        assert code == [], f"{init} should hold only a docstring"
