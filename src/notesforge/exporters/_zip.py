"""Re-zip a package with fixed entry dates and order, so equal content gives equal bytes.

genanki and ebooklib stamp zip entries with the current time; both outputs are
zips, so both exporters pass their file through `normalise_zip`.
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
    date = FIXED_DATE if epoch is None else _zip_date(epoch)
    with zipfile.ZipFile(src) as zin:
        infos = zin.infolist()
        order = [i for name in first for i in infos if i.filename == name]
        order += [i for i in infos if i.filename not in first]
        with zipfile.ZipFile(dst, "w") as zout:
            for info in order:
                out = zipfile.ZipInfo(info.filename, date_time=date)
                out.compress_type = zipfile.ZIP_STORED if info.filename in stored else zipfile.ZIP_DEFLATED
                out.external_attr = 0o644 << 16
                out.create_system = 3  # unix, whatever the building machine is
                zout.writestr(out, zin.read(info.filename), compresslevel=6 if out.compress_type else None)


def _zip_date(epoch: int) -> tuple[int, int, int, int, int, int]:
    tm = time.gmtime(max(epoch, 315532800))  # 1980-01-01, the earliest zip date
    return (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec - tm.tm_sec % 2)
