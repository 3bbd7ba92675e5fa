"""Dependencies run one way: corpus <- annotations <- search.

Read from the source (every import statement, at module level or inside a function),
so an import tucked into a function body counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each app must never import.
FORBIDDEN = {
    "corpus": ("annotations", "search"),
    "annotations": ("search",),
}


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def app_modules() -> list[pytest.param]:
    params = []
    for app in FORBIDDEN:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            params.append(pytest.param(app, path, id=name))
    return params


@pytest.mark.parametrize(("app", "path"), app_modules())
def test_no_module_imports_an_app_that_depends_on_its_own(app: str, path: Path) -> None:
    wrong_way = sorted(
        module for module in imported_modules(path) if module.split(".")[0] in FORBIDDEN[app]
    )
    assert wrong_way == [], f"{path.relative_to(ROOT)} imports {wrong_way}"


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("def load():\n    from annotations.services import tags_reanchor\n")
    assert imported_modules(module) == {"annotations.services"}
