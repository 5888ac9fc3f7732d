"""The house has no back doors: every import between Tremplin's apps goes downwards.

The apps form layers (docs/architecture.md). An app may import the apps below it, never one
above; a lower domain tells the higher ones through events (`offers.events`). Pages and API
endpoints (`views*.py`, `api.py`) may also compose the read-only selectors of apps above them.
The imports are read from the source (every `import`, also inside functions), so this stays
true as the code changes.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "tremplin"
# Bottom to top. `api` composes the domain routers, `platform` spans every domain.
LAYERS = [
    "core",
    "accounts",
    "organisations",
    "identity",
    "territories",
    "offers",
    "applications",
    "hosting",
    "juniors",
    "missions",
    "matching",
    "syndication",
    "api",
    "platform",
]
RANK = {app: rank for rank, app in enumerate(LAYERS)}
# Modules of a higher app that pages may read from.
READ_MODULES = {"selectors", "metrics"}
TOP = {"api", "platform"}


def _is_page(relative: Path) -> bool:
    return relative.name.startswith("views") or relative.name == "api.py"


def _module_exists(dotted: str) -> bool:
    path = ROOT.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every `tremplin.…` module a file imports, `from package import module` resolved."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.append((node.lineno, candidate if _module_exists(candidate) else node.module))
    return [(line, name) for line, name in found if name.startswith("tremplin.")]


def _imports() -> list[tuple[str, Path, int, str]]:
    """(importing app, file, line, imported module) for every cross-app import."""
    edges = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts or len(relative.parts) < 2:
            continue
        app = relative.parts[0]
        for line, module in _imported_modules(ast.parse(path.read_text(), str(path))):
            other = module.split(".")[1]
            if other != app:
                edges.append((app, relative, line, module))
    return edges


def _allowed(app: str, relative: Path, module: str) -> bool:
    other = module.split(".")[1]
    if RANK[other] < RANK[app]:
        return True
    # A page may compose the selectors of a higher domain, never of api or platform.
    return _is_page(relative) and other not in TOP and module.split(".")[-1] in READ_MODULES


def test_every_app_is_placed_in_a_layer():
    apps = {path.name for path in ROOT.iterdir() if (path / "apps.py").exists()}
    assert apps == set(LAYERS)


def test_no_app_imports_an_app_above_it():
    wrong = [
        f"{relative}:{line} imports {module}"
        for app, relative, line, module in _imports()
        if not _allowed(app, relative, module)
    ]
    assert wrong == []


def test_the_domain_modules_form_no_cycle_between_apps():
    """Models, services, selectors, tasks, forms, permissions…: only pages may look up."""
    graph: dict[str, set[str]] = {app: set() for app in LAYERS}
    for app, relative, _line, module in _imports():
        if not _is_page(relative):
            graph[app].add(module.split(".")[1])

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in graph[start] - seen:
            if nxt == target or reaches(nxt, target, seen | {nxt}):
                return True
        return False

    assert [app for app in LAYERS if reaches(app, app, set())] == []


def test_nothing_imports_the_api_or_the_platform_but_the_top():
    wrong = [
        f"{relative}:{line} imports {module}"
        for app, relative, line, module in _imports()
        if module.split(".")[1] in TOP and app not in TOP
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("app", "file", "module", "allowed"),
    [
        ("offers", "offers/services.py", "tremplin.syndication.services", False),
        ("offers", "offers/views.py", "tremplin.hosting.selectors", True),
        ("offers", "offers/views.py", "tremplin.hosting.services", False),
        ("offers", "offers/forms.py", "tremplin.hosting.selectors", False),
        ("core", "core/views.py", "tremplin.platform.privacy", False),
        ("syndication", "syndication/api.py", "tremplin.api.api", False),
        ("hosting", "hosting/models.py", "tremplin.offers.models", True),
    ],
)
def test_the_rule_itself(app, file, module, allowed):
    """The checker would catch the back doors it was written against."""
    assert _allowed(app, Path(file), module) is allowed
