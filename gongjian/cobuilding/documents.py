"""The approved plan as a Word document laid out like a government 实施方案: a centred title,
then 一、工作依据, 二、工作目标, 三、重点任务 (a table per work area), 四、保障措施."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongjian.cobuilding.models import Plan
from gongjian.cobuilding.selectors import plan_items_by_area

SONG = "SimSun"  # 宋体 for the body
HEI = "SimHei"  # 黑体 for headings
NUMBERS = "一二三四五六七八九十"


def _font(run: object, name: str, size: int, bold: bool = False) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]


def _heading(doc: object, text: str) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    _font(p.add_run(text), HEI, 16)


def _body(doc: object, text: str) -> None:
    for line in (text or "—").splitlines() or ["—"]:
        p = doc.add_paragraph()  # type: ignore[attr-defined]
        p.paragraph_format.first_line_indent = Pt(32)
        _font(p.add_run(line.strip()), SONG, 14)


def plan_docx(plan: Plan) -> bytes:
    """The plan as .docx bytes."""
    doc = Document()
    pairing = plan.pairing
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(plan.title), HEI, 22, bold=True)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(
        sub.add_run(
            _("%(unit)s · %(community)s（%(status)s）")
            % {"unit": pairing.unit.name, "community": pairing.community.name, "status": plan.get_status_display()}
        ),
        SONG,
        12,
    )
    _heading(doc, _("一、工作依据"))
    _body(doc, plan.basis)
    _heading(doc, _("二、工作目标"))
    _body(doc, plan.goals)
    _heading(doc, _("三、重点任务"))
    headers = [_("序号"), _("工作内容"), _("工作目标"), _("预算（元）"), _("完成时限"), _("责任人")]
    n = 0
    for area_index, (_value, label, items) in enumerate(plan_items_by_area(plan)):
        p = doc.add_paragraph()
        _font(p.add_run(f"（{NUMBERS[area_index]}）{label}"), HEI, 14)
        if not items:
            _body(doc, _("本项暂无具体事项。"))
            continue
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), HEI, 11)
        for item in items:
            n += 1
            cells = table.add_row().cells
            values = [str(n), item.title, item.target, f"{item.budget:,.2f}", item.due_on.isoformat(), item.responsible]
            for cell, text in zip(cells, values, strict=True):
                cell.text = ""
                _font(cell.paragraphs[0].add_run(text), SONG, 11)
    _heading(doc, _("四、保障措施"))
    _body(doc, plan.safeguards)
    sign = doc.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    approved = plan.approved_at and timezone.localtime(plan.approved_at).date()
    _font(sign.add_run(f"{pairing.unit.name}\n{pairing.community.name}\n{approved or ''}"), SONG, 14)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
