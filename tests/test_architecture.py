"""The layers of docs/architecture.md, held in the code: each module imports only what its layer may.

model layer  <-  reader  <-  build layer  <-  command line
     ^    ^          ^           |                 |
     |    +------- importers <---------------------+  (read back what they write)
     +------- exporters  <-------+  (through the registry, by entry point)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from notesforge import visitor
from notesforge.model import BLOCK_TYPES

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "notesforge"

MODEL = {
    "model",
    "visitor",
    "inline",
    "cards",
    "alltext",
    "stats",
    "diagnostics",
    "_version",
    "masking",
    "lint",
    "keydates",
    "summary",
    "course",
}
BUILD = {"pipeline", "registry", "settings", "cache", "files", "record"}
TOP = {"cli", "__main__", "progress", "__init__"}
# A format's modules may use the model layer, the exporter interface and the exporters' shared
# private modules, never another format's modules.
EXPORTER_SHARED = {"exporters", "exporters.base"}


def modules() -> dict[str, Path]:
    return {".".join(path.relative_to(PACKAGE).with_suffix("").parts): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer(name: str) -> str:
    top = name.split(".")[0]
    if name in MODEL:
        return "model"
    if top == "reader":
        return "reader"
    if top == "exporters":
        return "exporters"
    if top == "importers":
        return "importers"
    if name in BUILD:
        return "build"
    if name in TOP:
        return "cli"
    raise AssertionError(f"notesforge.{name} is in no layer: add it to tests/test_architecture.py and the docs")


ALLOWED = {
    "model": {"model"},
    "reader": {"model", "reader"},
    "exporters": {"model", "exporters"},
    # Importers are another front end: they make the model, and may read back what they write.
    "importers": {"model", "reader", "importers"},
    "build": {"model", "reader", "build", "exporters"},
    "cli": {"model", "reader", "build", "exporters", "importers", "cli"},
}


def imported(name: str, path: Path) -> set[str]:
    """Every notesforge module `name` imports, at the top or inside a function (without the package prefix)."""
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    if name == "__init__":
        package = []
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            elif (node.module or "").startswith("notesforge"):
                target = node.module.removeprefix("notesforge").strip(".")
            else:
                continue
            names = [f"{target}.{alias.name}".strip(".") for alias in node.names]
            found |= {n for n in names if n in modules()} or {target}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("notesforge.") for a in node.names if a.name.startswith("notesforge.")}
    return {f for f in found if f}


def resolve(target: str) -> str:
    # `from .pdf import fonts` names a module; `from .model import Notes` names the module `model`.
    known = modules()
    while target and target not in known and f"{target}.__init__" not in known:
        target = target.rpartition(".")[0]
    return target


CASES = sorted(modules().items())


@pytest.mark.parametrize(("name", "path"), CASES, ids=[name for name, _ in CASES])
def test_each_module_imports_only_its_own_layer_and_below(name: str, path: Path) -> None:
    mine = layer(name)
    for target in map(resolve, imported(name, path)):
        theirs = layer(target) if target else "cli"
        assert theirs in ALLOWED[mine], f"notesforge.{name} ({mine} layer) imports notesforge.{target} ({theirs})"
        if mine == "exporters" and theirs == "exporters":
            assert _format_of(name) == _format_of(target) or target in EXPORTER_SHARED or _private(target), (
                f"notesforge.{name} imports another format's module notesforge.{target}"
            )
        if mine == "build" and theirs == "exporters":
            assert target in EXPORTER_SHARED, f"notesforge.{name} imports the format module notesforge.{target}"


def _format_of(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def _private(name: str) -> bool:
    return name.startswith("exporters._")


def test_every_block_type_has_one_abstract_visitor_method() -> None:
    abstract = visitor.BlockVisitor.__abstractmethods__
    assert abstract == {f"visit_{cls.type}" for cls in BLOCK_TYPES}
    assert len({cls.type for cls in BLOCK_TYPES}) == len(BLOCK_TYPES)


def test_a_visitor_without_a_method_for_every_block_type_cannot_be_made() -> None:
    class Forgetful(visitor.BlockVisitor[str]):
        def visit_paragraph(self, block):
            return "p"

    with pytest.raises(TypeError, match="abstract"):
        Forgetful()


def test_every_visitor_in_the_package_handles_every_block_type() -> None:
    """Each format's visitor is a concrete class: instantiating it proves no block type is missing."""
    import importlib

    found = []
    for name in modules():
        if name == "__main__":
            continue
        module = importlib.import_module(f"notesforge.{name}".removesuffix(".__init__"))
        for value in vars(module).values():
            ours = isinstance(value, type) and value.__module__ == module.__name__
            if ours and issubclass(value, visitor.BlockVisitor) and value is not visitor.BlockVisitor:
                assert not value.__abstractmethods__, f"{value.__qualname__} lacks {sorted(value.__abstractmethods__)}"
                found.append(value.__qualname__)
    assert len(found) >= 5, found
