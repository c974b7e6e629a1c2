"""Time notesforge against bare anchors on this machine and write BENCHMARKS.md.

    python benchmarks/run.py              # scales 1 and 4, medians of 3 (10 for --help)
    python benchmarks/run.py --quick      # smoke run: scale 1, one run each, print only

Every timed command is a subprocess started through `measure.py` (one fresh
wrapper per run), so import time counts the same way for notesforge and the
anchors, and peak memory is that command's alone. Formats are whatever
`notesforge formats` lists; a format that cannot load is a "not available" row.
See benchmarks/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ANCHORS = HERE / "anchors"
PY = sys.executable
NOTESFORGE = [PY, "-m", "notesforge"]
EPOCH = "1700000000"  # fixed, so that outputs and cache keys do not depend on file times
EXPECTED = ("anki", "epub", "markdown", "pdf")  # the formats the targets name
PRINTED = ("pdf", "worksheet", "flashcards", "organiser")  # laid out by reportlab: each against the one-pass floor


# --- measuring ---------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    cpu: float
    peak_mib: float
    returncode: int
    stderr: str


@dataclass
class Measure:
    """One command at one scale: its samples, or why it was not run."""

    key: str
    label: str
    scale: int | None
    argv: list[str] = field(default_factory=list)
    repeat: int = 3
    unavailable: str | None = None
    samples: list[Sample] = field(default_factory=list)

    @property
    def good(self) -> list[Sample]:
        return [s for s in self.samples if s.returncode == 0]

    @property
    def failed(self) -> str | None:
        """Why runs failed (None if none did): how many, and the first failure's message."""
        bad = [s for s in self.samples if s.returncode != 0]
        if not bad:
            return None
        lines = [line.strip() for line in bad[0].stderr.splitlines() if line.strip()]
        # notesforge prints "FMT: failed: why" per format, then a summary line: show the why.
        told = [line for line in lines if re.match(r"^\S+: failed: ", line)] or lines[-1:] or ["no message"]
        return f"{len(bad)} of {len(self.samples)} runs failed (exit {bad[0].returncode}): {told[0][:300]}"

    @property
    def ok(self) -> bool:
        """Measured: at least one run succeeded (figures are of the successful runs)."""
        return not self.unavailable and bool(self.good)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.good)

    @property
    def fastest(self) -> float:
        """The fastest run: other load on a shared machine can only slow a run down, so this is the steadier figure."""
        return min(s.seconds for s in self.good)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.good)

    @property
    def peak(self) -> float:
        return max(s.peak_mib for s in self.good)

    @property
    def spread(self) -> str:
        times = [s.seconds for s in self.good]
        return f"{len(times)}: {min(times):.3f}–{max(times):.3f}"


def measure_once(argv: list[str], env: dict[str, str], cwd: Path) -> Sample:
    done = subprocess.run(
        [PY, str(HERE / "measure.py"), "--cwd", str(cwd), "--", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return Sample(**json.loads(done.stdout))


def run_rounds(measures: list[Measure], env: dict[str, str], cwd: Path, warm_up: bool, log: Callable) -> None:
    """Round-robin: round k runs every command once, so slow drift of the machine hits all alike."""
    runnable = [m for m in measures if not m.unavailable]
    if warm_up:
        log("warm-up: one untimed run of each command")
        for m in runnable:
            measure_once(m.argv, env, cwd)
    rounds = max((m.repeat for m in runnable), default=0)
    for k in range(rounds):
        for m in runnable:
            if k < m.repeat and (k == 0 or m.good):  # a command that fails every time is not retried
                m.samples.append(measure_once(m.argv, env, cwd))
        log(f"round {k + 1}/{rounds} done")


# --- what there is ------------------------------------------------------------------


def registered_formats(env: dict[str, str]) -> dict[str, str | None]:
    """Format name -> None if it loads, else why not (from `notesforge formats`)."""
    done = subprocess.run([*NOTESFORGE, "formats"], capture_output=True, text=True, env=env, check=True)
    found: dict[str, str | None] = {}
    for line in done.stdout.splitlines():
        match = re.match(r"^(\S+)\s+(.*)$", line)
        if not match or line.startswith("no exporters"):
            continue
        name, rest = match.groups()
        broken = re.match(r"^\(broken: (.*)\)$", rest.strip())
        found[name] = _short(broken.group(1)) if broken else None
    return found


def _short(reason: str) -> str:
    # "the exporter 'x' (module:Class) cannot be loaded: No module named ..." -> the cause.
    return reason.rsplit(": ", 1)[-1] if "cannot be loaded" in reason else reason


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    libs = []
    for dist in ("notesforge", "click", "genanki", "reportlab", "EbookLib"):
        try:
            libs.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            libs.append(f"{dist} (not installed)")
    pandoc = shutil.which("pandoc")
    if pandoc:
        first = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()
        libs.append(first[0] if first else "pandoc")
    else:
        libs.append("pandoc (not on PATH)")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{cpus} (nproc)",
        "cpu": cpu,
        "python": f"Python {platform.python_version()} ({platform.python_implementation()})",
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "libraries": "; ".join(libs),
        "commit": _git("rev-parse", "--short", "HEAD"),
    }


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def tree_state() -> str:
    """How the code that ran differs from the commit: files under src/ changed but not committed."""
    changed = [line for line in _git("status", "--porcelain", "--", "src").splitlines() if line.strip() and line != "?"]
    return f"{len(changed)} file(s) under src/ uncommitted" if changed else "src/ as committed"


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --- the plan -----------------------------------------------------------------------


@dataclass
class Plan:
    scales: list[int]
    formats: dict[str, str | None]  # registered name -> None or why it is not available
    measures: dict[tuple[str, int | None], Measure] = field(default_factory=dict)

    @property
    def available(self) -> list[str]:
        return [name for name, why in self.formats.items() if why is None]

    def add(self, m: Measure) -> Measure:
        self.measures[(m.key, m.scale)] = m
        return m

    def get(self, key: str, scale: int | None) -> Measure | None:
        m = self.measures.get((key, scale))
        return m if m and m.ok else None


def all_label(plan: Plan) -> tuple[list[str], str]:
    """The arguments and the label of a full build of every format."""
    if all(why is None for why in plan.formats.values()):
        return ["--format", "all"], "notesforge --format all"
    chosen = [a for name in plan.available for a in ("--format", name)]
    return chosen, f"notesforge all available ({', '.join(plan.available)})"


def make_plan(args: argparse.Namespace, work: Path, env: dict[str, str], log: Callable) -> Plan:
    plan = Plan(args.scales, registered_formats(env))
    for name in EXPECTED:
        plan.formats.setdefault(name, "not registered")
    pandoc = shutil.which("pandoc")
    big, small = args.repeat, args.help_repeat
    plan.add(Measure("click", 'python -c "import click"', None, [PY, "-c", "import click"], small))
    plan.add(Measure("help", "notesforge --help", None, [*NOTESFORGE, "--help"], small))
    every, every_label = all_label(plan)
    for scale in args.scales:
        source = work / f"corpus-{scale}.toml"
        subprocess.run([PY, str(HERE / "corpus.py"), "--scale", str(scale), "--out", str(source)], check=True)
        out = work / f"out-{scale}"

        def build(key: str, *fmt_args: str, force: bool = True, source: Path = source, out: Path = out) -> list[str]:
            return [*NOTESFORGE, "build", str(source), *fmt_args, "-o", str(out / key), "-q"] + ["--force"] * force

        for name, why in sorted(plan.formats.items()):
            m = Measure(f"nf:{name}", f"notesforge {name}", scale, build(name, "--format", name), big)
            m.unavailable = f"not available: {why}" if why else None
            plan.add(m)
        none_left = None if plan.available else "not available: no format loads"
        plan.add(Measure("nf:all", every_label, scale, build("all", *every), big, none_left))
        rebuild = Measure("nf:rebuild", "unchanged rebuild (all)", scale, build("all", *every, force=False), big)
        rebuild.unavailable = none_left
        plan.add(rebuild)
        for anchor, suffix in (("bare_genanki", "apkg"), ("bare_reportlab", "pdf"), ("bare_ebooklib", "epub")):
            argv = [PY, str(ANCHORS / f"{anchor}.py"), str(source), str(out / f"{anchor}.{suffix}")]
            plan.add(Measure(f"anchor:{anchor}", f"anchor: {anchor.replace('_', ' ')}", scale, argv, big))
        pandoc_m = plan.add(Measure("anchor:pandoc", "anchor: pandoc Markdown → EPUB", scale, repeat=big))
        if not pandoc:
            pandoc_m.unavailable = "not available: pandoc is not on PATH"
        elif plan.formats.get("markdown") is not None:
            pandoc_m.unavailable = "not available: needs the markdown format"
        else:
            markdown = prepare_markdown(source, work / f"md-{scale}", env)
            pandoc_m.argv = [
                pandoc,
                "--from=gfm+yaml_metadata_block",
                "--epub-chapter-level=2",
                str(markdown),
                "-o",
                str(out / "pandoc.epub"),
            ]
        out.mkdir(parents=True, exist_ok=True)
    listed = ", ".join(f"{name} ({why or 'ok'})" for name, why in plan.formats.items())
    log(f"formats: {listed}")
    return plan


def prepare_markdown(source: Path, out: Path, env: dict[str, str]) -> Path:
    """The pandoc anchor's input: notesforge's Markdown, with front matter for the book's title (not timed)."""
    argv = [*NOTESFORGE, "build", str(source), "-f", "markdown", "-s", "markdown.front_matter=true", "-o", str(out)]
    subprocess.run([*argv, "-q", "--force"], check=True, env=env)
    doc = tomllib.loads(source.read_text(encoding="utf-8"))
    return out / f"{doc['notes']['id']}.md"


# --- targets ------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    scale: str
    measure: Measure | None  # the timed command (None for derived rows)
    seconds: float | None = None
    ratio: float | None = None
    cpu_ratio: float | None = None  # the same ratio on CPU time: steadier on a busy machine
    fastest: float | None = None  # the fastest run's seconds
    fastest_ratio: float | None = None  # the same ratio on the fastest runs
    versus: str = ""
    target: str = ""
    met: str = ""
    peak: float | None = None
    note: str = ""


def check(ratio: float | None, limit: float, below: bool = False) -> str:
    if ratio is None:
        return "n/a"
    ok = ratio < limit if below else ratio <= limit
    return "met" if ok else "NOT MET"


def target_rows(plan: Plan) -> list[Row]:
    rows: list[Row] = []
    g = plan.get

    def versus(
        key: str, scale: int | None, anchor_key: str | None, anchor_name: str, limit: float | None, what: str
    ) -> None:
        m = plan.measures.get((key, scale))
        a = g(anchor_key, scale) if anchor_key else None
        if m is None:
            return
        row = Row(what, str(scale or ""), m, versus=anchor_name)
        if not m.ok:
            row.note = m.unavailable or f"failed: {m.failed}"
        else:
            row.seconds, row.peak, row.fastest = m.median, m.peak, m.fastest
            row.note = m.failed or ""
            if a is not None:
                row.ratio, row.cpu_ratio = m.median / a.median, m.cpu / a.cpu
                row.fastest_ratio = m.fastest / a.fastest
            elif anchor_key:
                row.note = f"anchor {anchor_name}: " + _why(plan.measures.get((anchor_key, scale)))
        if limit is not None:
            row.target = f"≤ {limit:g}×"
            row.met = check(row.ratio, limit)
        rows.append(row)

    versus("help", None, "click", 'python -c "import click"', 1.5, "notesforge --help")
    for scale in plan.scales:
        versus("nf:anki", scale, "anchor:bare_genanki", "bare genanki", 1.25, "anki")
        versus("nf:pdf", scale, "anchor:bare_reportlab", "bare reportlab", 1.3, "pdf")
        versus("nf:epub", scale, "anchor:pandoc", "pandoc", 0.3, "epub")
        versus("anchor:bare_ebooklib", scale, "anchor:pandoc", "pandoc", None, "anchor: bare ebooklib (≈0.2× expected)")
        for name in sorted(plan.formats):
            if name in PRINTED and name != "pdf":
                versus(f"nf:{name}", scale, "anchor:bare_reportlab", "bare reportlab", None, name)
            elif name not in EXPECTED or name == "markdown":
                versus(f"nf:{name}", scale, None, "", None, name)
        rows += printed_rows(plan, scale)
        # --format all against the sum of the single-format builds.
        every = plan.measures[("nf:all", scale)]
        singles = [g(f"nf:{n}", scale) for n in plan.available]
        row = Row(every.label.removeprefix("notesforge "), str(scale), every, versus="sum of single builds")
        if every.ok and singles and all(singles):
            row.seconds, row.peak = every.median, every.peak
            row.ratio = every.median / sum(s.median for s in singles)  # type: ignore[union-attr]
            row.fastest = every.fastest
            row.fastest_ratio = every.fastest / sum(s.fastest for s in singles)  # type: ignore[union-attr]
            row.note = every.failed or ""
        else:
            row.note = every.unavailable or (f"failed: {every.failed}" if every.failed else "a single build failed")
        row.target, row.met = "≤ 0.7×", check(row.ratio, 0.7)
        rows.append(row)
        versus("nf:rebuild", scale, "nf:all", "the full build", 0.05, "unchanged rebuild")
    # Linear growth: the largest scale against the smallest, per unit of scale.
    if len(plan.scales) >= 2:
        lo, hi = min(plan.scales), max(plan.scales)
        factor = hi / lo
        limit = round(1.1 * factor, 2)
        a, b = g("nf:all", lo), g("nf:all", hi)
        row = Row(f"growth: full build, scale {hi} / scale {lo}", f"{hi}/{lo}", None, versus=f"scale {lo}")
        if a and b:
            row.seconds, row.ratio, row.peak = b.median, b.median / a.median, b.peak
            row.cpu_ratio = b.cpu / a.cpu
            row.fastest, row.fastest_ratio = b.fastest, b.fastest / a.fastest
        row.target, row.met = f"≤ {limit:g}×", check(row.ratio, limit)
        rows.append(row)
        peaks = [m for (key, scale), m in plan.measures.items() if key.startswith("nf:") and scale == hi and m.ok]
        if peaks:
            top = max(peaks, key=lambda m: m.peak)
            row = Row(f"peak memory, scale {hi} (largest: {top.label})", str(hi), None, peak=top.peak)
            row.target, row.met = "< 300 MiB", "met" if top.peak < 300 else "NOT MET"
            rows.append(row)
    return rows


def pages(plan: Plan, key: str, scale: int) -> int | None:
    """Pages of the PDF a command wrote (counted from its page objects), or None."""
    m = plan.measures.get((key, scale))
    if not m or not m.ok or not m.argv:
        return None
    written = [Path(a) for a in m.argv if a.endswith(".pdf")]  # an anchor names its output
    if not written and "-o" in m.argv:
        written = sorted(Path(m.argv[m.argv.index("-o") + 1]).glob("*.pdf"))
    if len(written) != 1 or not written[0].is_file():
        return None
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", written[0].read_bytes()))


def printed_rows(plan: Plan, scale: int) -> list[Row]:
    """The worksheet against the booklet per page, the flashcards against twice the booklet."""
    rows: list[Row] = []
    booklet, booklet_pages = plan.get("nf:pdf", scale), pages(plan, "nf:pdf", scale)
    worksheet, worksheet_pages = plan.get("nf:worksheet", scale), pages(plan, "nf:worksheet", scale)
    if booklet and worksheet and booklet_pages and worksheet_pages:
        per_page, per_booklet_page = worksheet.median / worksheet_pages, booklet.median / booklet_pages
        row = Row("worksheet, per page", str(scale), worksheet, versus="booklet, per page")
        row.seconds, row.fastest, row.peak = per_page, worksheet.fastest / worksheet_pages, worksheet.peak
        row.ratio, row.cpu_ratio = (
            per_page / per_booklet_page,
            (worksheet.cpu / worksheet_pages) / (booklet.cpu / booklet_pages),
        )
        row.fastest_ratio = (worksheet.fastest / worksheet_pages) / (booklet.fastest / booklet_pages)
        row.target, row.met = "≤ 1×", check(row.ratio, 1.0)
        row.note = f"{worksheet_pages} pages against {booklet_pages}"
        rows.append(row)
    flashcards = plan.get("nf:flashcards", scale)
    if booklet and flashcards:
        row = Row("flashcards", str(scale), flashcards, versus="the booklet (same notes)")
        row.seconds, row.fastest, row.peak = flashcards.median, flashcards.fastest, flashcards.peak
        row.ratio, row.cpu_ratio = flashcards.median / booklet.median, flashcards.cpu / booklet.cpu
        row.fastest_ratio = flashcards.fastest / booklet.fastest
        row.target, row.met = "≤ 2×", check(row.ratio, 2.0)
        flashcard_pages = pages(plan, "nf:flashcards", scale)
        row.note = f"{flashcard_pages} pages" if flashcard_pages else ""
        rows.append(row)
    return rows


def _why(m: Measure | None) -> str:
    if m is None:
        return "not measured"
    return m.unavailable or (f"failed: {m.failed}" if m.failed else "no samples")


def growth_rows(plan: Plan) -> list[tuple[str, list[str]]]:
    """Seconds per format at each scale, and the ratio of the largest scale to the smallest."""
    keys = [f"nf:{n}" for n in sorted(plan.formats)] + ["nf:all", "nf:rebuild"]
    keys += [k for k, _ in plan.measures if k.startswith("anchor:")]
    out = []
    for key in dict.fromkeys(keys):
        cells = []
        ms = [plan.get(key, s) for s in plan.scales]
        for m in ms:
            cells.append(f"{m.median:.3f}" if m else "—")
        first, last = ms[0], ms[-1]
        cells.append(f"{last.median / first.median:.2f}×" if first and last and len(ms) > 1 else "—")
        label = next((m.label for (k, _), m in plan.measures.items() if k == key), key)
        out.append((label, cells))
    return out


# --- profile ------------------------------------------------------------------------


def profile(plan: Plan, fmt: str, work: Path, env: dict[str, str]) -> str:
    """cProfile of one single-format build at the smallest scale: time by package, then by function."""
    scale = min(plan.scales)
    stats_file = work / f"profile-{fmt}.pstats"
    source = work / f"corpus-{scale}.toml"
    argv = [PY, "-m", "cProfile", "-o", str(stats_file), "-m", "notesforge", "build", str(source)]
    argv += ["-f", fmt, "-o", str(work / "profile-out"), "-q", "--force", "-j", "1"]
    subprocess.run(argv, env=env, check=True, cwd=work)
    stats = pstats.Stats(str(stats_file))
    raw = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _), (_, _, _, ct, _) in raw.items())
    by_package: dict[str, float] = defaultdict(float)
    for (filename, _, func), (_, _, tt, _, _) in raw.items():
        by_package[_package(filename, func)] += tt
    lines = [f"Profile: notesforge build --format {fmt}, scale {scale} (cProfile, {total:.2f} s in all).", ""]
    lines += ["| where (own time) | seconds | share |", "| --- | ---: | ---: |"]
    for name, tt in sorted(by_package.items(), key=lambda kv: -kv[1])[:14]:
        lines.append(f"| {name} | {tt:.3f} | {tt / total:.0%} |")
    lines += ["", "| function | own s | cumulative s | calls |", "| --- | ---: | ---: | ---: |"]
    top = sorted(raw.items(), key=lambda kv: -kv[1][2])[:20]
    for (filename, line, func), (_, nc, tt, ct, _) in top:
        where = f"{_short_path(filename)}:{line} {func}" if line else func
        lines.append(f"| `{where}` | {tt:.3f} | {ct:.3f} | {nc} |")
    lines += ["", "Cumulative time of notesforge's own functions (top 12):", ""]
    lines += ["| function | cumulative s | share |", "| --- | ---: | ---: |"]
    own = [(k, v) for k, v in raw.items() if "notesforge" in k[0] and "/site-packages/" not in k[0]]
    for (filename, line, func), (_, _, _, ct, _) in sorted(own, key=lambda kv: -kv[1][3])[:12]:
        lines.append(f"| `{_short_path(filename)}:{line} {func}` | {ct:.3f} | {ct / total:.0%} |")
    return "\n".join(lines)


def _short_path(filename: str) -> str:
    for marker in ("/site-packages/", "/src/", "/lib/python3."):
        if marker in filename:
            rest = filename.split(marker, 1)[1]
            return rest.split("/", 1)[1] if marker == "/lib/python3." and "/" in rest else rest
    return filename


def _package(filename: str, func: str) -> str:
    if filename == "~":  # C code: group by its type's module ('sqlite3.Cursor') or its module (builtins.exec)
        method = re.match(r"<method '\w+' of '([\w.]+)' objects>", func)
        if method:
            return f"C methods of {method.group(1).split('.')[0]}"
        plain_fn = re.match(r"<built-in method ([\w.]+)>", func)
        return f"C functions of {plain_fn.group(1).rsplit('.', 1)[0]}" if plain_fn else func
    short = _short_path(filename)
    parts = short.split("/")
    if parts[0] == "notesforge":
        return "/".join(parts[:3]).removesuffix(".py") if parts[1] == "exporters" else f"notesforge/{parts[1]}"
    if "/site-packages/" in filename:
        return parts[0].removesuffix(".py")
    return f"stdlib {parts[0].removesuffix('.py')}"


# --- the report ---------------------------------------------------------------------


def fmt_s(x: float | None) -> str:
    return "—" if x is None else (f"{x:.3f}" if x >= 0.01 else f"{x * 1000:.2f} ms")


def _times(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}×"


def report(plan: Plan, info: dict[str, str], args: argparse.Namespace, prof: str | None, loads: list[str]) -> str:
    out = [
        "# Benchmarks",
        "",
        f"Written by `python benchmarks/run.py` ({' '.join(args.argv) or 'defaults'}) on {info['date']}, "
        f"at commit {info['commit']}. Regenerate it rather than editing it; `benchmarks/README.md` says what "
        "each row measures and how the anchors are built.",
        "",
        "## Machine",
        "",
        f"- CPUs: {info['cpus']}, {info['cpu']}",
        f"- {info['python']}, {info['system']}",
        f"- {info['libraries']}",
        f"- load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]}",
        f"- working tree (shared with other work in progress) {info['tree']}",
        f"- median of {args.repeat} runs per build ({args.help_repeat} for `--help`), "
        + ("after one untimed warm-up run of each command" if not args.quick else "no warm-up (--quick)")
        + "; every command a fresh subprocess (`python -m notesforge ...`, `python anchors/...`)",
        "- peak = the largest resident set of any process of the command (`ru_maxrss` of its children)",
        *([f"- {args.note}"] if args.note else []),
        "",
        "## Targets",
        "",
        "Ratios are of median wall times, and the target is judged on them; the CPU ratio is the same",
        "comparison on median CPU time (user + system, all processes), and the fastest ratio the same",
        "comparison of the fastest runs: other load on the machine can only slow a run down, so these two",
        "are the steadier figures on a shared machine. Per-page rows are seconds per page of the PDF.",
        "",
        "| what | scale | median s | ratio | CPU ratio | fastest s | fastest ratio | versus | target | met | peak MiB "
        "| note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | ---: | --- |",
    ]
    for r in target_rows(plan):
        peak = "—" if r.peak is None else f"{r.peak:.0f}"
        out.append(
            f"| {r.what} | {r.scale or '—'} | {fmt_s(r.seconds)} | {_times(r.ratio)} | {_times(r.cpu_ratio)} | "
            f"{fmt_s(r.fastest)} | {_times(r.fastest_ratio)} | {r.versus} | {r.target or '—'} | {r.met or '—'} | "
            f"{peak} | {r.note} |"
        )
    out += [
        "",
        "## Every command",
        "",
        "| command | scale | median s | CPU s | peak MiB | runs: min–max s | status |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for (_, scale), m in plan.measures.items():
        if m.ok:
            status = m.failed or "ok"
            out.append(
                f"| {m.label} | {scale or '—'} | {m.median:.3f} | {m.cpu:.3f} | {m.peak:.0f} | {m.spread} | {status} |"
            )
        else:
            out.append(f"| {m.label} | {scale or '—'} | — | — | — | — | {_why(m)} |")
    if len(plan.scales) > 1:
        head = " | ".join(f"scale {s} s" for s in plan.scales)
        out += ["", "## Growth", "", f"| command | {head} | {max(plan.scales)} / {min(plan.scales)} |"]
        out.append("| --- | " + " | ".join("---:" for _ in plan.scales) + " | ---: |")
        for label, cells in growth_rows(plan):
            out.append(f"| {label} | " + " | ".join(cells) + " |")
    if prof:
        out += ["", "## Where the time goes", "", prof]
    return "\n".join(out) + "\n"


def slowest_format(plan: Plan) -> str | None:
    """The available format furthest above (or closest to) its target against its anchor."""
    scale = max(plan.scales)
    best: tuple[float, str] | None = None
    for fmt, anchor, limit in (
        ("anki", "anchor:bare_genanki", 1.25),
        ("pdf", "anchor:bare_reportlab", 1.3),
        ("epub", "anchor:pandoc", 0.3),
    ):
        m, a = plan.get(f"nf:{fmt}", scale), plan.get(anchor, scale)
        if m and a:
            score = m.median / a.median / limit
            if best is None or score > best[0]:
                best = (score, fmt)
    return best[1] if best else (plan.available[0] if plan.available else None)


# --- main ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default=None, help="comma-separated corpus scales (default 1,4; --quick: 1)")
    parser.add_argument("--repeat", type=int, default=None, help="runs per build, median taken (default 3)")
    parser.add_argument("--help-repeat", type=int, default=None, help="runs of --help and import click (default 10)")
    parser.add_argument("--quick", action="store_true", help="smoke run: scale 1, one run each, no warm-up")
    parser.add_argument("--out", default=None, help="report file (default BENCHMARKS.md; --quick: print only); '-'")
    parser.add_argument("--profile", default=None, metavar="FMT", help="profile this format (default: the slowest)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run")
    parser.add_argument("--work", default=None, help="keep corpora and outputs here (default: a temporary folder)")
    parser.add_argument("--note", default=None, help="a line for the report's Machine section (e.g. what else ran)")
    args = parser.parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])
    args.scales = [int(s) for s in (args.scales or ("1" if args.quick else "1,4")).split(",") if s.strip()]
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.help_repeat = args.help_repeat or (3 if args.quick else 10)
    args.out = args.out or ("-" if args.quick else str(ROOT / "BENCHMARKS.md"))
    if any(s < 1 for s in args.scales) or args.repeat < 1 or args.help_repeat < 1:
        parser.error("scales and repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    # An installed notesforge has its modules' bytecode, as the anchors' libraries do; with writing it
    # turned off (PYTHONDONTWRITEBYTECODE), every timed run would compile notesforge from source.
    # The warm-up round writes it (__pycache__, ignored by git).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    keep = Path(args.work).resolve() if args.work else None
    with tempfile.TemporaryDirectory(prefix="notesforge-bench-") as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        info = machine()
        loads = [loadavg()]
        trees = [tree_state()]
        plan = make_plan(args, work, env, log)
        run_rounds(list(plan.measures.values()), env, work, warm_up=not args.quick, log=log)
        loads.append(loadavg())
        trees.append(tree_state())
        info["tree"] = f"before: {trees[0]}; after: {trees[1]}"
        prof = None
        fmt = args.profile or slowest_format(plan)
        if not args.no_profile and fmt and plan.formats.get(fmt, "missing") is None:
            log(f"profiling {fmt}")
            prof = profile(plan, fmt, work, env)
        text = report(plan, info, args, prof, loads)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        out = Path(args.out)
        if out.is_file():
            text += kept_sections(out.read_text(encoding="utf-8"), text)
        out.write_text(text, encoding="utf-8")
        sys.stdout.write(_summary(text))
        log(f"wrote {args.out}")
    return 0


def kept_sections(old: str, new: str) -> str:
    """The `## ` sections of the old report that this run does not write (pasted by hand, such as
    benchmarks/course.py's Courses table), to keep at the end of the new one."""
    written = set(re.findall(r"^## (.+)$", new, re.MULTILINE))
    parts = re.split(r"^(?=## )", old, flags=re.MULTILINE)[1:]
    kept = [part.rstrip("\n") + "\n" for part in parts if part.split("\n", 1)[0][3:].strip() not in written]
    return "".join("\n" + part for part in kept)


def _summary(text: str) -> str:
    """The targets table, for the terminal."""
    part = text.split("## Targets", 1)[1].split("\n## ", 1)[0]
    return "Targets" + part


if __name__ == "__main__":
    sys.exit(main())
