"""The shape of the code: import cycles, the largest modules, who imports view modules, late imports.

    python -m tools.layout          # prints the report; exits 1 if a rule is broken

Rules (ARCHITECTURE.md): no import cycles between modules of `webapp`; no module over 400 lines; a view module (one
that defines a Blueprint) is imported only by the app factory's blueprint list; no import inside a function (a late
import hides a cycle or a slow start).
"""
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "webapp"
MAX_LINES = 400
FACTORY = {"webapp", "webapp.blueprints"}


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    is_package: bool
    imports: set[str] = field(default_factory=set)        # modules of the package imported at the top level
    late: list[tuple[int, str]] = field(default_factory=list)   # (line, module) imported inside a function
    is_view: bool = False


def module_name(path: Path, root: Path = ROOT) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def collect(root: Path = ROOT) -> dict[str, Module]:
    modules = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        name, is_package = module_name(path, root)
        source = path.read_text(encoding="utf-8")
        modules[name] = Module(name, path, source.count("\n") + 1, is_package)
    for module in modules.values():
        _read_imports(module, modules)
    return modules


def _resolve(node: ast.ImportFrom, module: Module) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join(base + ([node.module] if node.module else []))


def _targets(node: ast.AST, module: Module, known: dict[str, Module]) -> list[str]:
    """The modules of the package an import statement loads (a name imported from a package may be a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in known]
    target = _resolve(node, module)
    found = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in known]
    if target in known and len(found) < len(node.names):
        found.append(target)
    return found


def _read_imports(module: Module, known: dict[str, Module]) -> None:
    tree = ast.parse(module.path.read_text(encoding="utf-8"))
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    inside = {id(n) for f in functions for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Blueprint":
            module.is_view = True
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        for target in _targets(node, module, known):
            if id(node) in inside:
                module.late.append((node.lineno, target))
            elif target != module.name:
                module.imports.add(target)


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for target in sorted(modules[name].imports):
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in on_stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == name:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for name in sorted(modules):
        if name not in index:
            visit(name)
    return found


def view_importers(modules: dict[str, Module]) -> list[tuple[str, str]]:
    """(importer, view module) pairs where the importer is not the app factory."""
    return sorted((m.name, target) for m in modules.values() if m.name not in FACTORY
                  for target in m.imports | {t for _, t in m.late} if modules[target].is_view)


def report(modules: dict[str, Module]) -> tuple[list[str], bool]:
    found_cycles = cycles(modules)
    importers = view_importers(modules)
    late = [(m.name, line, target) for m in modules.values() for line, target in m.late]
    large = sorted(modules.values(), key=lambda m: -m.lines)
    too_large = [m for m in large if m.lines > MAX_LINES]
    lines = [f"{len(modules)} modules in {PACKAGE}/, {sum(m.lines for m in modules.values())} lines; "
             f"{sum(m.is_view for m in modules.values())} view modules", "",
             f"Import cycles: {len(found_cycles) or 'none'}"]
    lines += [f"  {' → '.join(c)}" for c in found_cycles]
    lines += ["", f"Imports of view modules outside the app factory: {len(importers) or 'none'}"]
    lines += [f"  {importer} imports {target}" for importer, target in importers]
    lines += ["", f"Imports inside functions: {len(late) or 'none'}"]
    lines += [f"  {name}:{line} imports {target}" for name, line, target in late]
    lines += ["", f"Largest modules (limit {MAX_LINES} lines):"]
    lines += [f"  {m.lines:5d}  {m.path.as_posix().split('/' + PACKAGE + '/', 1)[-1]}" for m in large[:12]]
    ok = not (found_cycles or importers or late or too_large)
    return lines, ok


def main() -> int:
    lines, ok = report(collect())
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
