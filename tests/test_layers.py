"""The test suite's own layering: test modules share helpers through the `support` package, and no
module imports a test module or conftest (pytest loads those itself; importing one runs it twice,
and a test function imported into another module is collected there again).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
MODULES = sorted(TESTS.rglob("*.py"))


def forbidden(name: str) -> bool:
    return any(part.startswith("test_") or part == "conftest" for part in name.split("."))


def forbidden_imports(path: Path) -> list[str]:
    """`line: statement` of every import in `path` that names a test module or conftest."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # `from x import y`: y may be a module too (`from support import test_x`), or a test function.
            names = [node.module or "", *(alias.name for alias in node.names)]
        else:
            continue
        if any(forbidden(name) for name in names):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_every_test_file_is_checked() -> None:
    names = {path.relative_to(TESTS).as_posix() for path in MODULES}
    assert {"conftest.py", "test_layers.py", "support/__init__.py", "support/readback.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.relative_to(TESTS).as_posix())
def test_no_module_imports_a_test_module_or_conftest(path: Path) -> None:
    assert forbidden_imports(path) == []


def test_the_check_finds_such_imports(tmp_path: Path) -> None:
    module = tmp_path / "test_x.py"
    module.write_text(
        "import os\nfrom conftest import SEED\nimport test_pdf as p\nfrom support import test_y\n"
        "from support.pdf import Pdf\nfrom hypothesis import strategies\n",
        encoding="utf-8",
    )
    assert forbidden_imports(module) == [
        "2: from conftest import SEED",
        "3: import test_pdf as p",
        "4: from support import test_y",
    ]
