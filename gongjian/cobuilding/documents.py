"""The approved plan as a Word document laid out like a government 实施方案 (after GB/T 9704-2012,
the layout of party and government documents): A4 with its margins, a centred title in 小标宋,
the units under it, then 一、工作依据, 二、工作目标, 三、重点任务 (a table per work area, in the
order of the five areas, with the count and total budget), 四、保障措施, the units and date at
the foot, and a page number "— n —" in the footer."""

import datetime
import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gongjian.cobuilding.models import Plan
from gongjian.cobuilding.selectors import plan_items_by_area

# The fonts of a government document; Word substitutes the nearest installed face.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = 22  # 二号
BODY_SIZE = 16  # 三号
TABLE_SIZE = 11
LINE = Pt(29)  # 22 lines to an A4 page
NUMBERS = "一二三四五六七八九十"
# 序号, 工作内容, 工作目标, 预算（元）, 完成时限, 责任人: 156 mm of text width.
COLUMN_WIDTHS_MM = (12, 44, 36, 24, 20, 20)


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc: Any, text: str, font: str, size: float, *, bold: bool = False, indent: bool = False) -> Any:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), font, size, bold)
    return p


def _heading(doc: Any, text: str) -> None:
    _paragraph(doc, text, HEADING_FONT, BODY_SIZE, indent=True)


def _subheading(doc: Any, text: str) -> None:
    _paragraph(doc, text, SUBHEADING_FONT, BODY_SIZE, bold=True, indent=True)


def _body(doc: Any, text: str) -> None:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()] or ["—"]
    for line in lines:
        _paragraph(doc, line, BODY_FONT, BODY_SIZE, indent=True)


def _chinese_date(day: datetime.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("— "), "宋体", 14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    _font(footer.add_run(" —"), "宋体", 14)


def _repeat_header(row: Any) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _cell(cell: Any, text: str, font: str, width_mm: int, align: Any = None) -> None:
    cell.width = Mm(width_mm)
    cell.text = ""
    p = cell.paragraphs[0]
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, TABLE_SIZE)


def plan_docx(plan: Plan) -> bytes:
    """The plan as .docx bytes."""
    doc = Document()
    _page_setup(doc)
    pairing = plan.pairing
    doc.core_properties.title = plan.title
    doc.core_properties.author = pairing.unit.name

    title = _paragraph(doc, plan.title, TITLE_FONT, TITLE_SIZE)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    sub = _paragraph(
        doc,
        _("联点单位：%(unit)s　联点社区：%(community)s")
        % {"unit": pairing.unit.name, "community": pairing.community.name},
        SUBHEADING_FONT,
        BODY_SIZE,
    )
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.paragraph_format.space_after = Pt(BODY_SIZE)

    _heading(doc, _("一、工作依据"))
    _body(doc, plan.basis)
    _heading(doc, _("二、工作目标"))
    _body(doc, plan.goals)
    _heading(doc, _("三、重点任务"))
    areas = plan_items_by_area(plan)
    all_items = [item for _value, _label, items in areas for item in items]
    total = sum((item.budget for item in all_items), Decimal(0))
    _body(
        doc,
        _("围绕五大任务，共安排重点任务 %(n)d 项，预算合计 %(total)s 元，具体如下：")
        % {"n": len(all_items), "total": f"{total:,.2f}"},
    )
    headers = [_("序号"), _("工作内容"), _("工作目标"), _("预算（元）"), _("完成时限"), _("责任人")]
    n = 0
    for area_index, (_value, label, items) in enumerate(areas):
        _subheading(doc, f"（{NUMBERS[area_index]}）{label}")
        if not items:
            _body(doc, _("本项暂无具体事项。"))
            continue
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _repeat_header(table.rows[0])
        for cell, text, width in zip(table.rows[0].cells, headers, COLUMN_WIDTHS_MM, strict=True):
            _cell(cell, text, HEADING_FONT, width, WD_ALIGN_PARAGRAPH.CENTER)
        for item in items:
            n += 1
            values = [
                str(n),
                item.title,
                item.target or "—",
                f"{item.budget:,.2f}",
                _chinese_date(item.due_on),
                item.responsible or "—",
            ]
            aligns = [WD_ALIGN_PARAGRAPH.CENTER, None, None, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER, None]
            for cell, text, width, align in zip(table.add_row().cells, values, COLUMN_WIDTHS_MM, aligns, strict=True):
                _cell(cell, text, BODY_FONT, width, align)
    _heading(doc, _("四、保障措施"))
    _body(doc, plan.safeguards)

    doc.add_paragraph()
    approved = timezone.localtime(plan.approved_at).date() if plan.approved_at else None
    for line in (pairing.unit.name, pairing.community.name, _chinese_date(approved) if approved else ""):
        if line:
            p = _paragraph(doc, line, BODY_FONT, BODY_SIZE)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(BODY_SIZE * 2)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
