"""DESIGN.md dependency rule, checked on the source: no import cycles between apps.

kernel (regulator) → nothing else; credit → kernel; licensing and complaints → credit + kernel;
enforcement → licensing + credit + kernel; inspections → enforcement + licensing + credit + kernel.
Nothing imports inspections or complaints.
"""

import ast
import pathlib

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


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_app_imports_respect_the_dependency_rule(app):
    offenders = []
    for path in sorted((ROOT / app).rglob("*.py")):
        bad = _imports(path) & FORBIDDEN[app]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []
