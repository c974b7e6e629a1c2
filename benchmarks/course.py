"""Time a course build: 12 seed-sized units, built whole, then rebuilt after one unit is edited.

    python benchmarks/course.py               # fastest of 3 runs each, prints a Markdown table
    python benchmarks/course.py --repeat 5 --units 12 --work /tmp/course-bench

The units are copies of the seed (source/notes.toml), each with an id and title of its own, in
`units/` under a `course.toml`. "Full" builds into an empty output folder (nothing cached);
"one unit edited" changes one bullet of unit 7 after a full build and builds again without
`--force`, so the unchanged units' parsed notes and their formats' parts come from the cache.
Every run is a fresh process through `measure.py` (wall and CPU time, peak memory); the
fastest of the runs is reported (medians on a shared machine wander by a third).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "source" / "notes.toml"
FORMATS = ("all", "anki", "pdf", "organiser", "worksheet", "flashcards", "epub", "markdown")
EDITED = 7  # the unit edited between builds
BULLET = "Petrograd was renamed [[Leningrad]]."


def make_course(folder: Path, units: int) -> Path:
    """A course of `units` copies of the seed with ids `unit-01`...; returns the course file."""
    seed = SEED.read_text(encoding="utf-8")
    assert BULLET in seed, "the seed's bullet this benchmark edits is gone: pick another"
    (folder / "units").mkdir(parents=True, exist_ok=True)
    for n in range(1, units + 1):
        text = seed.replace('id = "stalin-ussr-1924-41"', f'id = "unit-{n:02d}"', 1)
        text = text.replace('title = "Stalin’s Dictatorship"', f'title = "Unit {n}: Stalin’s Dictatorship"', 1)
        (folder / "units" / f"{n:02d}.toml").write_text(text, encoding="utf-8")
    course = folder / "course.toml"
    course.write_text('[course]\nid = "bench"\ntitle = "Benchmark course"\nunits = ["units"]\n', encoding="utf-8")
    return course


def edit(folder: Path, run: int) -> None:
    """Change one bullet of the edited unit, differently on every run."""
    unit = folder / "units" / f"{EDITED:02d}.toml"
    text = re.sub(r"Petrograd(?: \(edit \d+\))? was renamed", f"Petrograd (edit {run}) was renamed", unit.read_text())
    unit.write_text(text, encoding="utf-8")


def measure(command: list[str], cwd: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), "--cwd", str(cwd), "--", *command],
        capture_output=True,
        text=True,
        check=True,
    )
    sample = json.loads(done.stdout.strip().splitlines()[-1])
    if sample.get("returncode"):
        raise SystemExit(f"{' '.join(command)} failed:\n{sample.get('stderr')}")
    return sample


def run(course: Path, fmt: str, repeat: int) -> tuple[dict, dict]:
    """(fastest full build, fastest rebuild with one unit edited) of one format, or all."""
    folder = course.parent
    build = [sys.executable, "-m", "notesforge", "build", str(course), "-f", fmt, "-q"]
    full, edited = [], []
    for n in range(repeat):
        out = folder / f"out-{fmt}"
        shutil.rmtree(out, ignore_errors=True)
        full.append(measure([*build, "-o", str(out)], folder))
        edit(folder, n)
        edited.append(measure([*build, "-o", str(out)], folder))
    return min(full, key=lambda s: s["seconds"]), min(edited, key=lambda s: s["seconds"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--work", default=None, help="keep the course and outputs here")
    args = parser.parse_args(argv)
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="notesforge-course-bench-"))
    course = make_course(work, args.units)
    rows = [
        f"{args.units} seed-sized units; fastest of {args.repeat} runs; wall time (CPU time of all processes)",
        "",
        "| formats | full build | one unit edited | edited / full |",
        "| --- | ---: | ---: | ---: |",
    ]
    for fmt in args.formats.split(","):
        full, edited = run(course, fmt, args.repeat)
        rows.append(
            f"| {fmt} | {full['seconds']:.2f} s ({full['cpu']:.2f} s) | {edited['seconds']:.2f} s "
            f"({edited['cpu']:.2f} s) | {edited['seconds'] / full['seconds']:.0%} |"
        )
        print(rows[-1], file=sys.stderr, flush=True)
    print("\n".join(rows))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
