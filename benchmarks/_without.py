"""Run notesforge with some of the Anki deck's work turned off, for `anki_costs.py` to time.

    python benchmarks/_without.py FEATURE[,FEATURE...] build SOURCE --format anki ...

FEATURE is one of `FEATURES`. A measurement only: notesforge has no such switch.
It imports nothing but notesforge, so that it starts as `python -m notesforge` does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

FEATURES = ("duplicates", "record", "deflate", "masking")


def turn_off(feature: str) -> None:
    """Turn `feature` off in this process, by replacing the function that does it."""
    from notesforge import cards, masking, pipeline
    from notesforge.exporters import anki
    from notesforge.reader import document

    def replace(module: object, name: str, value: Callable) -> None:
        if not callable(getattr(module, name, None)):  # renamed since: say so rather than time the wrong thing
            raise SystemExit(f"_without.py: {module.__name__}.{name} is gone; update this benchmark")
        setattr(module, name, value)

    if feature == "duplicates":  # the check that no two cards ask the same question; the cards are still made
        for module in (document, anki):
            replace(module, "duplicate_fronts", lambda notes: [])
    elif feature == "record":  # the card record: not read, compared nor written
        replace(pipeline, "_issuing", lambda notes, resolved: {})
    elif feature == "deflate":  # the package's entries stored, as genanki writes them
        entry = anki.write_entry
        replace(anki, "write_entry", lambda out, name, data, epoch: entry(out, name, data, epoch, stored=True))
    elif feature == "masking":  # answers left showing on fronts, cloze answers unguarded
        for module in (masking, cards):
            replace(module, "guard_clozes", lambda rich: rich)
        replace(cards, "mask", lambda rich, phrases, mark=masking.MARK: rich)
    else:
        raise SystemExit(f"_without.py: no feature {feature!r}")


def main() -> None:
    features, *argv = sys.argv[1:]
    for feature in filter(None, features.split(",")):
        turn_off(feature)
    from notesforge import cli

    sys.argv = ["notesforge", *argv]
    cli.main()


if __name__ == "__main__":
    main()
