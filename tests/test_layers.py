"""Who imports whom: arrows run downwards, so no feature package imports the admin."""

import ast
from pathlib import Path

import pytest

NGO = Path(__file__).resolve().parent.parent / "ngo"
FEATURES = ["statements", "comments", "accessibility"]


def imported_modules(path: Path, root: Path = NGO.parent) -> set[str]:
    """Every module a Python file under `root` imports, relative ones made absolute."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("feature", FEATURES)
def test_feature_packages_never_import_the_admin(feature):
    files = sorted((NGO / feature).glob("*.py"))
    assert files
    for path in files:
        admin = {
            m
            for m in imported_modules(path)
            if m == "ngo.admin" or m.startswith("ngo.admin.")
        }
        assert not admin, f"{path.relative_to(NGO.parent)} imports {sorted(admin)}"


@pytest.mark.parametrize(
    "source",
    [
        "from ngo.admin.views import can\n",
        "import ngo.admin\n",
        "from ngo import admin\n",
        "from ..admin import public\n",
        "def f():\n    from ngo.admin.public import x\n",
    ],
)
def test_the_check_sees_every_form_of_admin_import(tmp_path, source):
    sample = tmp_path / "ngo" / "statements" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text(source, encoding="utf-8")
    modules = imported_modules(sample, root=tmp_path)
    assert any(m == "ngo.admin" or m.startswith("ngo.admin.") for m in modules)


def test_the_statement_page_is_owned_by_the_statements_package():
    page = NGO / "statements" / "page.py"
    names = {
        node.name
        for node in ast.parse(page.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef)
    }
    assert {"detail", "may_read", "moved_statement", "render_statement_page"} <= names
    for path in (NGO / "comments").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "def render_statement_page" not in source, path
    assert "def may_read" not in (NGO / "admin" / "public.py").read_text()
