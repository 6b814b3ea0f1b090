"""The apps depend one way (DESIGN.md): workspace on motions on municipalities
on kinderpardon. ``lint-imports`` (in ``make lint``) proves it for imports;
this test proves it for what an import check cannot see: a model, URL or app
reached by its name ("motions.Motion", ``apps.get_model("motions", ...)``,
"motions:detail")."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ABOVE = {
    "kinderpardon": ["municipalities", "motions", "workspace"],
    "municipalities": ["motions", "workspace"],
    "motions": ["workspace"],
}
# The composition root names every app: what is installed, and where its URLs go.
COMPOSITION_ROOT = {ROOT / "kinderpardon" / "settings.py", ROOT / "kinderpardon" / "urls.py"}


def names_above(app: str, path: Path) -> list[str]:
    pattern = re.compile(rf"^({'|'.join(ABOVE[app])})([.:]|$)")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and pattern.match(node.value)
    ]


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_no_app_names_an_app_above_it(app):
    files = [
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path not in COMPOSITION_ROOT
    ]
    assert files
    assert [found for path in files for found in names_above(app, path)] == []
