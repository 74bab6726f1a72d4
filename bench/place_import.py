"""How long a place import takes: builds an .xlsx of N buildings (5 districts, 40 subdistricts,
200 communities, …) and imports it into a fresh database, printing rows, places and seconds.

    .venv/bin/python bench/place_import.py [ROWS]            # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/place_import.py

Imports run inside the request; this tells how large a sheet stays within a few seconds.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
tmp = tempfile.mkdtemp(prefix="gongjian-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from gongjian.places.models import Place  # noqa: E402
from gongjian.places.services import place_import  # noqa: E402


def sheet(rows: int) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["区", "街道", "社区", "小区", "网格", "楼栋"])
    for i in range(rows):
        d, s, c, e, g = i % 5, i % 40, i % 200, i % 600, i % 1200
        ws.append([f"区{d}", f"街道{d}-{s}", f"社区{s}-{c}", f"小区{c}-{e}", f"网格{e}-{g}", f"{i}栋"])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("bench.xlsx", buf.getvalue())


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    call_command("migrate", verbosity=0)
    Place.objects.all().delete()
    upload = sheet(rows)
    start = time.perf_counter()
    result = place_import(upload=upload)
    seconds = time.perf_counter() - start
    engine = django.db.connection.vendor
    created = result["created"]
    print(f"{engine}: imported {rows} rows -> {created} places in {seconds:.2f} s ({rows / seconds:.0f} rows/s)")


if __name__ == "__main__":
    main()
