"""The shape of the code: no import cycles anywhere, the publication never
imports the newsroom, modules stay small, and every package says what it holds."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("config", "newsletter", "editorial")
# The size at which a module becomes a package by concern (STYLE.md).
MAX_MODULE_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(*packages: str) -> dict[str, Path]:
    packages = packages or PACKAGES
    return {
        _module_name(path): path
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


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


def _graph(*packages: str) -> dict[str, set[str]]:
    modules = _modules(*packages)
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
    graph = _graph("newsletter")
    assert "newsletter.rendering" in graph["newsletter.figures"]
    assert _cycle(graph) is None, " → ".join(_cycle(graph))


def test_no_module_of_the_project_imports_in_a_cycle():
    """Across config, newsletter and editorial, imports inside functions included."""
    graph = _graph()
    assert "editorial.release.checklist" in graph["editorial.release.publishing"]
    assert _cycle(graph) is None, " → ".join(_cycle(graph))


def test_the_markdown_pipeline_and_the_models_import_no_rendering():
    """markdown.py is pure; models.py (and the models it re-exports) render nothing."""
    graph = _graph("newsletter")
    assert graph["newsletter.markdown"] <= {"newsletter.figure_syntax"}
    assert graph["newsletter.models"] <= {
        "newsletter.figure_syntax",
        "newsletter.caching",
        "newsletter.caching.models",
        "newsletter.subscribers",
        "newsletter.subscribers.models",
        "newsletter.validators",
    }
    assert graph["newsletter.subscribers.models"] <= {"newsletter.subscribers"}
    assert graph["newsletter.caching.models"] <= {"newsletter.caching"}


def test_newsletter_never_imports_editorial():
    """The publication does not depend on the newsroom."""
    offenders = {
        module: sorted(name for name in names if name.split(".")[0] == "editorial")
        for module, names in (
            (module, _imported_names(path, module))
            for module, path in _modules("newsletter").items()
        )
    }
    assert {module: names for module, names in offenders.items() if names} == {}


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_module_is_over_the_size_of_one_concern(module):
    """A module past ~600 lines holds two concerns: it becomes a package."""
    lines = len(_modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module} has {lines} lines"


@pytest.mark.parametrize(
    "package", sorted(name for name, path in _modules().items() if path.name == "__init__.py")
)
def test_every_package_opens_with_what_lives_there(package):
    """A newcomer finds where a rule lives from the package's docstring."""
    path = _modules()[package]
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    exempt = {
        "newsletter.management",
        "newsletter.management.commands",
        "newsletter.templatetags",
        "editorial.management",
        "editorial.management.commands",
        "editorial.templatetags",
    }
    assert package in exempt or docstring, f"{path.relative_to(ROOT)} has no docstring"
