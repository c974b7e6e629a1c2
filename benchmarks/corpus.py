"""Write a deterministic, valid synthetic notes source for benchmarks.

    python benchmarks/corpus.py --scale 1 --out /tmp/corpus-1.toml

At scale 1: 100 sections (25 chapters of 4), 2,000 bullets (a third with cloze
marks), 20 comparison tables of two or three columns, 200 dated events, 200 key
terms, 500 explicit cards, and Unicode text (accents, Cyrillic, Greek) with
characters every format must escape. Scale N is N times that. The same scale
always gives the same bytes: randomness comes from `random.Random(scale)`, and
every card front carries a serial number so that no two questions are equal.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

# Per scale unit.
CHAPTERS = 25
SUBSECTIONS = 3  # each chapter has 3 subsections: 100 sections
BULLETS = 20  # per section: 2,000
EVENTS = 2  # per section: 200
TERMS = 2  # per section: 200
CARDS = 5  # per section: 500 (3 basic, 1 reversed, 1 cloze)
TABLE_EVERY = 5  # one table every 5 sections: 20


def _split(text: str) -> list[str]:
    return text.split()


WORDS = _split(
    "the party leaders argued over industry and land while peasants resisted grain quotas in villages "
    "factories cities workers plans targets railways canals dams coal steel tractors collective farms "
    "propaganda censorship newspapers posters trials purges officials army generals writers artists "
    "schools children women wages rations famine harvest export machinery engineers foreign experts"
)
ACCENTED = _split("école élite façade rôle régime naïve coöperation déjà über Führer señor São Kraków Łódź")
CYRILLIC = _split("Сталин Ленин Троцкий колхоз пятилетка партия рабочий завод хлеб земля")
GREEK = _split("Ἀθῆναι δημοκρατία πόλις λόγος ἱστορία κράτος νόμος δῆμος")
HOSTILE = ("R&D", "x < y", "<b>", "5 \\* 3", "AT&T", "{{c1::x}}", "[sound:a.mp3]", "a_b", "#1", "50% | 50%")
MONTHS = _split("January February March April May June July August September October November December")


class Writer:
    def __init__(self, scale: int):
        self.rng = random.Random(scale)
        self.serial = 0
        self.bullets = 0
        self.lines: list[str] = []

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def words(self, low: int, high: int) -> str:
        rng = self.rng
        out = []
        for _ in range(rng.randint(low, high)):
            roll = rng.random()
            if roll < 0.06:
                out.append(rng.choice(ACCENTED))
            elif roll < 0.10:
                out.append(rng.choice(CYRILLIC))
            elif roll < 0.13:
                out.append(rng.choice(GREEK))
            elif roll < 0.14:
                out.append(rng.choice(HOSTILE))
            else:
                out.append(rng.choice(WORDS))
        return " ".join(out)

    def marked(self, low: int, high: int) -> str:
        """Words with some inline markup: emphasis or strong."""
        text = self.words(low, high)
        roll = self.rng.random()
        if roll < 0.15:
            head, _, tail = text.partition(" ")
            return f"*{head}* {tail}"
        if roll < 0.25:
            head, _, tail = text.rpartition(" ")
            return f"{head} **{tail}**"
        return text

    def cloze(self, answers: int, n: int) -> str:
        parts = [self.words(3, 8)]
        for k in range(answers):
            hint = "|" + self.rng.choice(("year", "name", "place", "число", "όνομα")) if self.rng.random() < 0.2 else ""
            parts.append(f"[[{self.rng.choice(WORDS + CYRILLIC)} {n}-{k + 1}{hint}]]")
            parts.append(self.words(2, 6))
        return " ".join(parts) + "."

    def emit(self, *lines: str) -> None:
        self.lines.extend(lines)


def q(text: str) -> str:
    """A TOML basic string."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{out}"'


def date(n: int) -> str:
    """A distinct date for every n: "12 March 1801"."""
    return f"{n % 28 + 1} {MONTHS[n // 28 % 12]} {1700 + n // 336}"


def section(w: Writer, prefix: str, ident: str, title: str, index: int) -> None:
    w.emit(f"[[{prefix}]]", f"id = {q(ident)}", f"title = {q(title)}", "")
    block = f"[[{prefix}.block]]"
    w.emit(block, 'type = "paragraph"', f"text = {q(w.marked(20, 40) + '.')}", "")
    w.emit(block, 'type = "bullets"', "items = [")
    for _ in range(BULLETS):
        n = w.next()
        w.bullets += 1
        text = w.cloze(1 + (n % 2), n) if w.bullets % 3 == 1 else f"{w.marked(8, 20)}, note {n}."
        w.emit(f"  {q(text)},")
    w.emit("]", "")
    if index % TABLE_EVERY == 0:
        table(w, prefix, ident, index)
    w.emit(block, 'type = "events"', "items = [")
    for _ in range(EVENTS):
        n = w.next()
        w.emit(f"  {{ date = {q(date(n))}, text = {q(f'{w.words(5, 12)}, event {n}')} }},")
    w.emit("]", "")
    w.emit(block, 'type = "terms"', "items = [")
    for _ in range(TERMS):
        n = w.next()
        term = f"{w.rng.choice(WORDS + ACCENTED + GREEK).capitalize()} {n}"
        w.emit(f"  {{ term = {q(term)}, definition = {q(f'{w.marked(8, 18)}, definition {n}.')} }},")
    w.emit("]", "")
    w.emit(block, 'type = "cards"', "items = [")
    for k in range(CARDS):
        n = w.next()
        if k < 3:
            w.emit(f"  {{ q = {q(f'Question {n}: why {w.words(4, 10)}?')}, a = {q(w.words(3, 9))} }},")
        elif k == 3:
            item = f"q = {q(f'Figure {n}: {w.words(3, 6)}')}, a = {q(f'{w.words(3, 8)} ({n})')}, reverse = true"
            w.emit(f"  {{ {item} }},")
        else:
            w.emit(f"  {{ cloze = {q(w.cloze(1, n))}, extra = {q(w.words(4, 10))} }},")
    w.emit("]", "")


def table(w: Writer, prefix: str, ident: str, index: int) -> None:
    columns = 2 if (index // TABLE_EVERY) % 2 == 0 else 3
    n = w.next()
    w.emit(f"[[{prefix}.block]]", 'type = "table"', f"id = {q(f'{ident}-table')}")
    w.emit(f"caption = {q(f'Comparison {n}: {w.words(3, 7)}')}", "")
    for c in range(columns):
        w.emit(f"[[{prefix}.block.columns]]", f"heading = {q(f'Side {c + 1}: {w.words(1, 3)}')}", "points = [")
        for p in range(w.rng.randint(3, 6)):
            m = w.next()
            text = w.cloze(1, m) if p % 2 == 0 else f"{w.marked(6, 14)}, point {m}."
            w.emit(f"  {q(text)},")
        w.emit("]", "")


def corpus(scale: int) -> str:
    if scale < 1:
        raise ValueError("scale must be at least 1")
    w = Writer(scale)
    w.emit(
        f"# Synthetic benchmark notes, scale {scale}: written by benchmarks/corpus.py, do not edit.",
        "[notes]",
        f'id = "bench-{scale}"',
        f"title = {q('Synthetic notes: Ἱστορία, история, histoire')}",
        f"subtitle = {q(f'Benchmark corpus at scale {scale}')}",
        'course = "Benchmarks — notesforge"',
        'language = "en-GB"',
        "",
    )
    index = 0
    for chapter in range(CHAPTERS * scale):
        ident = f"chapter-{chapter + 1}"
        section(w, "section", ident, f"Chapter {chapter + 1}: {w.words(3, 7)}", index)
        index += 1
        for sub in range(SUBSECTIONS):
            title = f"Part {chapter + 1}.{sub + 1}: {w.words(2, 6)}"
            section(w, "section.section", f"{ident}-{sub + 1}", title, index)
            index += 1
    return "\n".join(w.lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="size: N times the scale-1 corpus (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="the .toml file to write")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(corpus(args.scale).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
