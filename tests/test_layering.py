"""The layers of app/ go one way: plumbing < domain services < blueprints < the app factory.

A module imports only from its own layer or a lower one, and the packages of the domain layer
do not import each other in a circle. The table below says which layer a module belongs to;
README.md ("Project layout") explains the layers. The checker reads the source (ast), so an
import inside a function counts as much as one at the top.

How to read a failure: "app/x/services.py:12 imports app.y.routes (blueprint) from the domain
layer" means that line must go: move what it needs down (into plumbing, or into a domain
module), never mark it as allowed.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

PLUMBING, DOMAIN, BLUEPRINT, TOP = "plumbing", "domain", "blueprint", "top"
ORDER = {PLUMBING: 0, DOMAIN: 1, BLUEPRINT: 2, TOP: 3}

# The app-level modules that every feature may use (app/<name>.py or app/<name>/).
PLUMBING_MODULES = (
    "audit", "csrf_rerun", "csvformat", "deferred", "errors", "extensions", "filters", "formatting", "forms_base",
    "http_cache", "i18n", "layout", "logging", "models", "page_cache", "pagination", "progress",
    "rate_limits", "routing", "sanitize", "settings", "slug_redirects", "theme", "urls",
)

# Module name patterns (fnmatch on the dotted name) and their layer; the first match wins.
LAYER_TABLE: tuple[tuple[str, str], ...] = (
    # The app factory and the flask CLI's entry point sit on top.
    ("app", TOP),
    ("app.cli", TOP),
    # Plumbing: configuration, models, extensions, the app-level modules, the mail transport.
    *((f"app.{name}", PLUMBING) for name in PLUMBING_MODULES),
    *((f"app.{name}.*", PLUMBING) for name in PLUMBING_MODULES),
    ("app.mail.transport", PLUMBING),
    ("app.mail.services", PLUMBING),  # send_mail and delivery: the outbox is the transport's
    # Blueprints and other entry points: routes, forms, views, CLI commands, request hooks.
    ("app.*.*routes", BLUEPRINT),  # routes.py, public_routes.py
    ("app.*.*forms", BLUEPRINT),  # forms.py, catalog_forms.py
    ("app.*.csrf", BLUEPRINT),
    ("app.*.cli", BLUEPRINT),
    ("app.*.commands", BLUEPRINT),
    ("app.auth.decorators", BLUEPRINT),
    ("app.auth.admin_guard", BLUEPRINT),
    ("app.backend.navigation", BLUEPRINT),
    ("app.ops.*", BLUEPRINT),  # health page, backup and restore commands
    ("app.demo", BLUEPRINT),  # the demo loader, run by `flask seed-demo`
    ("app.demo.*", BLUEPRINT),
    # Everything else in a feature package is a domain service: services, queries, notifications,
    # policies, exports of domain data (auth's services and permissions, users, strategy and
    # milestones, comments, moderation, subscriptions, citizens, participation, public queries).
    ("app.*", DOMAIN),
)


def layer_of(module: str, table=LAYER_TABLE) -> str:
    for pattern, layer in table:
        if fnmatchcase(module, pattern):
            return layer
    raise LookupError(f"{module} is in no layer: add it to LAYER_TABLE")


def package_of(module: str) -> str:
    """The feature package of a module: app.backend.services -> app.backend."""
    return ".".join(module.split(".")[:2])


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported module
    path: Path
    line: int

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root.parent)}:{self.line}"


def module_names(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file below root (root is the package `app`)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imports(root: Path) -> list[Import]:
    """Every import of a module of the package `root.name` by a module below root."""
    modules = module_names(root)
    top = root.name
    found = []
    for source, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # "from app import audit" imports the module app.audit, "from app.x import f" app.x.
                targets = [
                    f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                    for alias in node.names
                ]
            else:
                continue
            for target in dict.fromkeys(targets):
                if target == top or target.startswith(top + "."):
                    found.append(Import(source, _existing(target, modules), path, node.lineno))
    return list(dict.fromkeys(found))


def _existing(name: str, modules: dict[str, Path]) -> str:
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def upward_imports(root: Path, table=LAYER_TABLE) -> list[str]:
    """Imports of a higher layer, as messages naming the file, the line and the import."""
    problems = []
    for imp in imports(root):
        low, high = layer_of(imp.source, table), layer_of(imp.target, table)
        if ORDER[high] > ORDER[low]:
            problems.append(f"{imp.where(root)} imports {imp.target} ({high}) from the {low} layer")
    return problems


def domain_cycles(root: Path, table=LAYER_TABLE) -> list[str]:
    """Circles in the graph of domain packages, each with the imports that close it."""
    edges: dict[str, dict[str, Import]] = defaultdict(dict)
    for imp in imports(root):
        src, dst = package_of(imp.source), package_of(imp.target)
        if src != dst and layer_of(imp.source, table) == DOMAIN and layer_of(imp.target, table) == DOMAIN:
            edges[src].setdefault(dst, imp)
    problems, seen = [], set()
    for start in sorted(edges):
        for cycle in _cycles_from(start, edges):
            key = frozenset(cycle)
            if key in seen:
                continue
            seen.add(key)
            steps = [edges[a][b] for a, b in zip(cycle, cycle[1:] + cycle[:1])]
            problems.append(" -> ".join([*cycle, cycle[0]]) + ": " + "; ".join(
                f"{step.where(root)} imports {step.target}" for step in steps))
    return problems


def _cycles_from(start: str, edges: dict[str, dict[str, Import]]) -> list[list[str]]:
    """The simple circles through `start` (the graph has a few dozen packages)."""
    found, stack = [], [(start, [start])]
    while stack:
        node, path = stack.pop()
        for nxt in sorted(edges.get(node, {})):
            if nxt == start:
                found.append(path)
            elif nxt not in path and nxt > start:  # each circle once, from its smallest package
                stack.append((nxt, [*path, nxt]))
    return found


APP = Path(__file__).resolve().parent.parent / "app"


def test_every_module_has_a_layer():
    for module in module_names(APP):
        layer_of(module)


def test_no_module_imports_a_higher_layer():
    problems = upward_imports(APP)
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def test_domain_packages_import_each_other_without_circles():
    problems = domain_cycles(APP)
    assert not problems, "circles between domain packages:\n" + "\n".join(problems)


def test_the_admin_2fa_guard_covers_the_backend_menu():
    """auth keeps its own list of guarded blueprints (it must not import the backend's menu):
    every area of that menu is guarded, except the account page where the factor is set up."""
    from app.auth.admin_guard import GUARDED_BLUEPRINTS, GUARDED_PAGES
    from app.backend.navigation import BACKEND_AREAS

    unguarded = [
        endpoint for endpoint, *_ in BACKEND_AREAS
        if endpoint.split(".")[0] not in GUARDED_BLUEPRINTS and endpoint not in GUARDED_PAGES
        and not endpoint.startswith("auth.")
    ]
    assert unguarded == []


# --- the checker itself, on a tiny tree ------------------------------------------------------------

TINY_TABLE = (
    ("pkg", TOP),
    ("pkg.urls", PLUMBING),
    ("pkg.*.routes", BLUEPRINT),
    ("pkg.*", DOMAIN),
)


def write_tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_checker_names_an_upward_import_with_file_and_line(tmp_path):
    root = write_tree(tmp_path, {
        "__init__.py": "from pkg.shop.routes import bp\n",
        "urls.py": "",
        "shop/__init__.py": "",
        "shop/routes.py": "from pkg.shop import services\nfrom pkg import urls\nbp = None\n",
        "shop/services.py": "import os\n\n\ndef f():\n    from pkg.shop.routes import bp\n",
    })
    assert upward_imports(root, TINY_TABLE) == [
        "pkg/shop/services.py:5 imports pkg.shop.routes (blueprint) from the domain layer",
    ]


def test_checker_reads_from_package_import_module(tmp_path):
    root = write_tree(tmp_path, {
        "__init__.py": "",
        "urls.py": "from pkg import shop\n",
        "shop/__init__.py": "",
    })
    assert upward_imports(root, TINY_TABLE) == ["pkg/urls.py:1 imports pkg.shop (domain) from the plumbing layer"]


def test_checker_finds_a_circle_between_domain_packages(tmp_path):
    root = write_tree(tmp_path, {
        "__init__.py": "",
        "a/__init__.py": "",
        "a/services.py": "from pkg.b.services import g\n",
        "b/__init__.py": "",
        "b/services.py": "from pkg.c import queries\n",
        "c/__init__.py": "",
        "c/queries.py": "from pkg.a.services import f\n",
        "c/routes.py": "from pkg.a.services import f\n",
    })
    assert domain_cycles(root, TINY_TABLE) == [
        "pkg.a -> pkg.b -> pkg.c -> pkg.a: pkg/a/services.py:1 imports pkg.b.services; "
        "pkg/b/services.py:1 imports pkg.c.queries; pkg/c/queries.py:1 imports pkg.a.services"
    ]
    assert upward_imports(root, TINY_TABLE) == []


def test_a_module_outside_the_table_is_reported(tmp_path):
    with pytest.raises(LookupError, match="other.x is in no layer"):
        layer_of("other.x", TINY_TABLE)
