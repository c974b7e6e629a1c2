"""What the Anki deck costs beyond bare genanki: the deck built with its extra work turned off.

    python benchmarks/anki_costs.py                  # scales 1 and 4, 7 runs each, a Markdown table
    python benchmarks/anki_costs.py --scales 1 --repeat 3

The anki row of `run.py` compares `notesforge build --format anki` with `anchors/bare_genanki.py`,
which writes the same notes and cards with no checks, no record and no compression. This
measures what each piece of work the deck does on top costs, by building the same corpus with
it turned off (a measurement only: no such switch exists in notesforge):

- `duplicates`: the check that no two cards ask the same question (the cards are still made);
- `record`: the card record (`NOTES.cards`: read, compared, written; so no card is retired);
- `deflate`: the package's entries stored, as genanki writes them, not deflated;
- `masking`: a card's answer masked where its front would show it, and cloze answers guarded.

Each is turned off alone, then all four together (`_without.py` runs the build so). Every
run is a fresh process through `measure.py`, round-robin with the bare genanki anchor and the
deck as `run.py` builds it; fastest and median of the runs, and their ratios to the anchor's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _without import FEATURES
from course import measure

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,4")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--work", default=None, help="keep the corpora and outputs here")
    args = parser.parse_args(argv)
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"  # what run.py runs with
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode (see README)
    work = Path(args.work or tempfile.mkdtemp(prefix="notesforge-anki-costs-"))
    rows = [
        f"Fastest and median of {args.repeat} runs, round-robin; ratios to bare genanki's fastest and median.",
        "",
        "| scale | build | fastest s | ratio | median s | ratio |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for scale in (int(s) for s in args.scales.split(",")):
        source = work / f"corpus-{scale}.toml"
        subprocess.run(
            [sys.executable, str(HERE / "corpus.py"), "--scale", str(scale), "--out", str(source)], check=True
        )
        bare = HERE / "anchors" / "bare_genanki.py"
        commands = {"bare genanki": [sys.executable, str(bare), str(source), str(work / f"bare-{scale}.apkg")]}
        builds = {"the deck as built": [sys.executable, "-m", "notesforge"]}
        builds |= {f"without {f}": [sys.executable, str(HERE / "_without.py"), f] for f in FEATURES}
        builds["without all four"] = [sys.executable, str(HERE / "_without.py"), ",".join(FEATURES)]
        for n, (label, start) in enumerate(builds.items()):
            # Each build its own copy of the notes, so its own card record: a build without masking
            # records other fronts, which the next build would find changed and rewrite.
            folder = work / f"scale-{scale}" / str(n)
            folder.mkdir(parents=True, exist_ok=True)
            copy = shutil.copyfile(source, folder / "notes.toml")
            commands[label] = [*start, "build", str(copy), "--format", "anki", "-o", str(folder), "-q", "--force"]
        for command in commands.values():  # warm-up: bytecode written, files cached
            measure(command, work)
        times: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(args.repeat):
            for label, command in commands.items():
                times[label].append(measure(command, work)["seconds"])
        floor = min(times["bare genanki"]), statistics.median(times["bare genanki"])
        for label, seconds in times.items():
            fastest, median = min(seconds), statistics.median(seconds)
            ratios = fastest / floor[0], median / floor[1]
            rows.append(f"| {scale} | {label} | {fastest:.3f} | {ratios[0]:.2f}× | {median:.3f} | {ratios[1]:.2f}× |")
            print(rows[-1], file=sys.stderr, flush=True)
    print("\n".join(rows))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
