"""DESIGN.md dependency rule, checked on the source: no import cycles between apps.

kernel (regulator) → nothing else; credit → kernel; licensing and complaints → credit + kernel;
enforcement → licensing + credit + kernel; inspections → enforcement + licensing + credit + kernel.
Nothing imports inspections or complaints.

An app reaches another not only by ``import``: a URL ``include("credit.pages")``, an
``importlib.import_module("credit.x")``, ``import_string("credit.x.Y")`` or ``__import__``
with the path in a string, or a dotted path kept in a setting default (``conf.py``) and
imported later, all count. Any string literal that names a module of a forbidden app
(``"credit.pages"``, ``"licensing.selectors.find"``) is therefore an import here; strings
that name no module (an audit ``object_type`` such as ``"licensing.application"``) are not.
Routing that visits every app by name lives in ``config/`` (urls, settings), outside the rule.
"""

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "regulator": {"credit", "licensing", "enforcement", "inspections", "complaints"},
    "credit": {"licensing", "enforcement", "inspections", "complaints"},
    "licensing": {"enforcement", "inspections", "complaints"},
    "enforcement": {"inspections", "complaints"},
    "complaints": {"licensing", "enforcement", "inspections"},
    "inspections": {"complaints"},
}
_DOTTED = re.compile(r"^[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


def _is_module_path(text: str) -> str | None:
    """The app a dotted string names a module (or a module's attribute) of, else None."""
    if not _DOTTED.match(text):
        return None
    parts = text.split(".")
    app = parts[0]
    if not (ROOT / app).is_dir():
        return None
    # Longest prefix that is a module or package of that app.
    for n in range(len(parts), 1, -1):
        base = ROOT.joinpath(*parts[:n])
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return app
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            # include("x.pages"), import_module("x.y"), import_string("x.y.Z"), __import__("x"),
            # and dotted paths kept in conf defaults for a later import_string.
            app = _is_module_path(node.value)
            if app:
                found.add(app)
        elif isinstance(node, ast.Call) and node.args:
            # __import__("credit") / import_module("credit"): a bare app name.
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            arg = node.args[0]
            if (
                name in {"__import__", "import_module", "import_string", "include"}
                and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
            ):
                found.add(arg.value.split(".")[0])
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_app_imports_respect_the_dependency_rule(app):
    offenders = []
    for path in sorted((ROOT / app).rglob("*.py")):
        bad = _imports(path) & FORBIDDEN[app]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []


@pytest.mark.parametrize(
    "source,found",
    [
        ("from credit import selectors", {"credit"}),
        ("import licensing.models", {"licensing"}),
        ("urlpatterns = [path('p/', include('credit.pages'))]", {"credit"}),
        ("import_module('licensing.selectors')", {"licensing"}),
        ("importlib.import_module('credit')", {"credit"}),
        ("f = import_string('licensing.selectors.licence_get')", {"licensing"}),
        ("m = __import__('complaints.models', fromlist=['x'])", {"complaints"}),
        ("DEFAULTS = {'RESOLVER': 'licensing.selectors.find'}", {"licensing"}),
        ("audit.record(object_type='licensing.application')", set()),
        ("'''Docstring naming credit.pages.'''", set()),
    ],
)
def test_the_rule_sees_every_kind_of_import(tmp_path, source, found):
    path = tmp_path / "mod.py"
    path.write_text(source, encoding="utf-8")
    assert _imports(path) & set(FORBIDDEN) == found
