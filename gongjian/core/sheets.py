"""Reading import sheets (.xlsx or .csv) and reporting every bad row at once.

An importer reads a :class:`Sheet`, checks every row and collects :class:`RowError` s; if there is
any, it raises :class:`SheetInvalid` with all of them and writes nothing. Row numbers are the
sheet's own (the header is row 1), so a user can find the row in Excel.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from gongjian.core.uploads import check_sheet

MAX_ROWS = 20_000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class SheetRow:
    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Sheet:
    headers: list[str]
    rows: list[SheetRow] = field(default_factory=list)


class SheetInvalid(Exception):
    """The sheet has errors; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decode(raw: bytes) -> str:
    # Excel on Chinese Windows saves CSV in GB18030; everything else is UTF-8 (with or without BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("无法识别文件编码，请另存为 UTF-8 的 CSV 或 .xlsx。"), code="bad_encoding")


def read_sheet(upload: File, *, required: list[str], optional: list[str] = ()) -> Sheet:  # type: ignore[assignment]
    """Read the first worksheet (or the CSV) into rows keyed by header. Raises SheetInvalid when a
    required column is missing, ValidationError when the file itself cannot be read."""
    suffix = check_sheet(upload)
    upload.seek(0)
    raw_rows: list[list[str]]
    if suffix == ".csv":
        text = _decode(upload.read())
        raw_rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
    else:
        try:
            wb = load_workbook(upload, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ValidationError(_("无法读取该 Excel 文件。"), code="bad_file") from exc
        try:
            ws = wb.worksheets[0]
            raw_rows = []
            for r in ws.iter_rows(values_only=True):
                raw_rows.append([_cell(v) for v in r])
                if len(raw_rows) > MAX_ROWS + 1:
                    break
        finally:
            wb.close()
    if not raw_rows:
        raise SheetInvalid([RowError(1, "", _("文件是空的。"))])
    headers = [h.strip() for h in raw_rows[0]]
    missing = [c for c in required if c not in headers]
    if missing:
        raise SheetInvalid([RowError(1, c, _("缺少此列。")) for c in missing])
    if len(raw_rows) - 1 > MAX_ROWS:
        raise SheetInvalid([RowError(MAX_ROWS + 2, "", _("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS})])
    wanted = set(required) | set(optional)
    sheet = Sheet(headers=[h for h in headers if h in wanted])
    for number, raw in enumerate(raw_rows[1:], start=2):
        if not any(raw):
            continue
        values = {h: (raw[i] if i < len(raw) else "") for i, h in enumerate(headers) if h in wanted}
        sheet.rows.append(SheetRow(number=number, values=values))
    if not sheet.rows:
        raise SheetInvalid([RowError(2, "", _("没有数据行。"))])
    return sheet
