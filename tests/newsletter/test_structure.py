"""The shape of the newsletter package: no import cycles, and no import of the newsroom."""

import ast
from pathlib import Path

import newsletter

PACKAGE_ROOT = Path(newsletter.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE_ROOT.rglob("*.py"))}


def _imported_names(path: Path, module: str) -> set[str]:
    """Every module `path` imports, anywhere in it: inside functions and TYPE_CHECKING too."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            # "from newsletter import rendering" imports a module, not a name.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        module: {name for name in _imported_names(path, module) if name in modules} - {module}
        for module, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle of `graph` as a path of module names, or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        path.append(module)
        for imported in sorted(graph[module]):
            found = visit(imported)
            if found:
                return found
        path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        found = visit(module)
        if found:
            return found
    return None


def test_the_cycle_finder_sees_a_cycle_through_an_import_inside_a_function():
    """A self-check of the test below, on a made-up graph."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_import_graph_sees_imports_inside_functions(tmp_path):
    """An import in a function body counts like one at the top of the module."""
    source = tmp_path / "example.py"
    source.write_text("def f():\n    from newsletter.figures import figure_create\n")
    assert "newsletter.figures" in _imported_names(source, "newsletter.example")


def test_no_newsletter_module_imports_in_a_cycle():
    """Counting imports inside functions: models, Markdown, rendering and figures form a line."""
    graph = _graph()
    assert "newsletter.rendering" in graph["newsletter.figures"]
    assert _cycle(graph) is None, " → ".join(_cycle(graph))


def test_the_markdown_pipeline_and_the_models_import_no_rendering():
    """markdown.py is pure; models.py renders nothing."""
    graph = _graph()
    assert graph["newsletter.markdown"] <= {"newsletter.figure_syntax"}
    assert graph["newsletter.models"] <= {"newsletter.figure_syntax"}


def test_newsletter_never_imports_editorial():
    """The publication does not depend on the newsroom."""
    offenders = {
        module: sorted(name for name in names if name.split(".")[0] == "editorial")
        for module, names in (
            (module, _imported_names(path, module)) for module, path in _modules().items()
        )
    }
    assert {module: names for module, names in offenders.items() if names} == {}
