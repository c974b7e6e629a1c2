"""Re-zip a package with fixed entry dates and order, so equal content gives equal bytes.

genanki and ebooklib stamp zip entries with the current time: the EPUB exporter passes
its file through `normalise_zip`; the Anki exporter writes its package with `entry` directly.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

# Zip dates cannot precede 1980; this one is used for every entry.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def normalise_zip(
    src: Path, dst: Path, *, first: Sequence[str] = (), stored: Sequence[str] = (), epoch: int | None = None
) -> None:
    """Copy the zip `src` to `dst`: names in `first` lead in that order, the rest keep
    their order; `stored` entries are uncompressed, the others deflated."""
    with zipfile.ZipFile(src) as zin:
        infos = zin.infolist()
        order = [i for name in first for i in infos if i.filename == name]
        order += [i for i in infos if i.filename not in first]
        with zipfile.ZipFile(dst, "w") as zout:
            for info in order:
                write_entry(zout, info.filename, zin.read(info.filename), epoch, stored=info.filename in stored)


def write_entry(zout: zipfile.ZipFile, name: str, data: bytes, epoch: int | None, *, stored: bool = False) -> None:
    """Add `name` to `zout` as `normalise_zip` writes every entry: the date of `epoch` (or
    `FIXED_DATE`), mode 644 from a unix system, deflated at level 6 unless `stored`."""
    out = zipfile.ZipInfo(name, date_time=FIXED_DATE if epoch is None else _zip_date(epoch))
    out.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    out.external_attr = 0o644 << 16
    out.create_system = 3  # unix, whatever the building machine is
    zout.writestr(out, data, compresslevel=None if stored else 6)


def _zip_date(epoch: int) -> tuple[int, int, int, int, int, int]:
    tm = time.gmtime(max(epoch, 315532800))  # 1980-01-01, the earliest zip date
    return (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec - tm.tm_sec % 2)
