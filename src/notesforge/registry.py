"""Exporters by name, discovered through the `notesforge.exporters` entry-point group.

The built-in exporters are registered the same way in pyproject.toml, so a
third-party package adds a format without touching notesforge.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from .exporters.base import Exporter

GROUP = "notesforge.exporters"


class RegistryError(Exception):
    pass


@cache
def _entry_points() -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda ep: (ep.name, ep.value)):
        found.setdefault(ep.name, ep)
    return found


def names() -> list[str]:
    return sorted(_entry_points())


def get(name: str) -> type[Exporter]:
    """The exporter class registered as `name` (its module imports nothing heavy)."""
    ep = _entry_points().get(name)
    if ep is None:
        raise RegistryError(f"unknown format {name!r}")
    try:
        cls = ep.load()
    except Exception as exc:  # a broken plugin must not take the others down
        raise RegistryError(f"the exporter {name!r} ({ep.value}) cannot be loaded: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Exporter)):
        raise RegistryError(f"the exporter {name!r} ({ep.value}) is not an Exporter subclass")
    return cls


def refresh() -> None:
    """Forget discovered entry points (after installing a plugin at run time)."""
    _entry_points.cache_clear()


def version(name: str) -> str:
    """The version of the package that provides exporter `name` (part of the build-cache key)."""
    ep = _entry_points().get(name)
    dist = getattr(ep, "dist", None) if ep else None
    return getattr(dist, "version", None) or "0"
