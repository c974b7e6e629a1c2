"""Zip entries that give equal bytes for equal content: the Anki package and the EPUB.

zipfile stamps each entry with the current time and the building system; every entry here is
dated by the source's time (`Source.epoch`) and written as from a unix system instead.
"""

from __future__ import annotations

import time
import zipfile


def write_entry(zout: zipfile.ZipFile, name: str, data: bytes, epoch: int, *, stored: bool = False) -> None:
    """Add `name` to `zout`: dated by `epoch`, mode 644 from a unix system, deflated at level 6
    unless `stored`."""
    out = zipfile.ZipInfo(name, date_time=_zip_date(epoch))
    out.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    out.external_attr = 0o644 << 16
    out.create_system = 3  # unix, whatever the building machine is
    zout.writestr(out, data, compresslevel=None if stored else 6)


def _zip_date(epoch: int) -> tuple[int, int, int, int, int, int]:
    tm = time.gmtime(max(epoch, 315532800))  # 1980-01-01, the earliest zip date
    return (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec - tm.tm_sec % 2)
