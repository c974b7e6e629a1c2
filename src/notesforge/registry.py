"""Exporters by name, discovered through the `notesforge.exporters` entry-point group.

The built-in exporters are registered the same way in pyproject.toml, so a
third-party package adds a format without touching notesforge.

Every build looks the group up, so it is read straight from the `entry_points.txt` of each
`*.dist-info` and `*.egg-info` folder on `sys.path` (what `importlib.metadata` reads for
them) rather than through `importlib.metadata`, whose import alone cost a build 10 ms. Where
`sys.path` holds anything else (a zip file), `importlib.metadata` finds them.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, reduce

from .exporters.base import Exporter

GROUP = "notesforge.exporters"
# `module:attribute [extras]`, as importlib.metadata.EntryPoint reads it.
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


class RegistryError(Exception):
    pass


@dataclass(frozen=True)
class Plugin:
    """One entry point of the group: `name = module:attribute`, and the distribution it is in."""

    name: str
    value: str
    version: Callable[[], str | None]  # the distribution's version, read when asked

    def load(self) -> object:
        """The object the value names, as `importlib.metadata.EntryPoint.load` finds it."""
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"not an entry point value: {self.value!r}")
        attrs = filter(None, (match.group("attr") or "").split("."))
        return reduce(getattr, attrs, importlib.import_module(match.group("module")))


def discover(group: str) -> Iterable[Plugin]:
    """The entry points of `group` of every distribution on `sys.path`, the first of a name."""
    found = _scan(group, sys.path)
    return found if found is not None else _from_metadata(group)


def _scan(group: str, paths: list[str]) -> list[Plugin] | None:
    """`group`'s entry points read from the metadata folders of `paths`; None if a path is not a
    folder of files (a zip file, say), which `importlib.metadata` reads its own way."""
    plugins: list[Plugin] = []
    seen: set[str] = set()  # distributions by normalised name: the first on sys.path wins, as in importlib
    header = f"[{group}]"
    for entry in paths:
        folder = entry or "."
        try:
            children = os.listdir(folder)
        except NotADirectoryError:
            return None
        except OSError:  # a path that does not exist: importlib skips it too
            continue
        for child in children:
            stem, dot, kind = child.rpartition(".")
            if not dot or kind.lower() not in ("dist-info", "egg-info"):
                continue
            name = _normalise(stem.partition("-")[0])
            if name in seen:
                continue
            seen.add(name)
            info = os.path.join(folder, child)
            try:
                with open(os.path.join(info, "entry_points.txt"), encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            if header in text:
                plugins += [Plugin(key, value, _version_reader(info)) for key, value in _section(text, group)]
    return plugins


def _section(text: str, group: str) -> Iterable[tuple[str, str]]:
    """The `name = value` lines of `[group]` in an entry_points.txt (an INI file)."""
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            inside = line[1:-1].strip() == group
        elif inside and "=" in line:
            key, _, value = line.partition("=")
            yield key.strip(), value.strip()


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _version_reader(info: str) -> Callable[[], str | None]:
    def version() -> str | None:
        for metadata in ("METADATA", "PKG-INFO"):
            try:
                with open(os.path.join(info, metadata), encoding="utf-8") as handle:
                    for line in handle:
                        if line.startswith("Version:"):
                            return line.partition(":")[2].strip()
                        if not line.strip():  # the headers end at the first blank line
                            break
            except OSError:
                continue
        return None

    return version


def _from_metadata(group: str) -> list[Plugin]:
    from importlib.metadata import entry_points

    found = entry_points(group=group)
    return [Plugin(ep.name, ep.value, lambda ep=ep: getattr(ep.dist, "version", None)) for ep in found]


@cache
def _entry_points() -> dict[str, Plugin]:
    found: dict[str, Plugin] = {}
    for plugin in sorted(discover(GROUP), key=lambda p: (p.name, p.value)):
        found.setdefault(plugin.name, plugin)
    return found


def names() -> list[str]:
    return sorted(_entry_points())


def get(name: str) -> type[Exporter]:
    """The exporter class registered as `name` (its module imports nothing heavy)."""
    plugin = _entry_points().get(name)
    if plugin is None:
        raise RegistryError(f"unknown format {name!r}")
    try:
        cls = plugin.load()
    except Exception as exc:  # a broken plugin must not take the others down
        raise RegistryError(f"the exporter {name!r} ({plugin.value}) cannot be loaded: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Exporter)):
        raise RegistryError(f"the exporter {name!r} ({plugin.value}) is not an Exporter subclass")
    return cls


def refresh() -> None:
    """Forget discovered entry points (after installing a plugin at run time)."""
    _entry_points.cache_clear()


def version(name: str) -> str:
    """The version of the package that provides exporter `name` (part of the build-cache key)."""
    plugin = _entry_points().get(name)
    return (plugin.version() if plugin else None) or "0"
