"""Build `meeting_record.docx`, the template of a meeting record (会议记录) of organizational life.

The platform fills the template with docxtpl (`{{ … }}` fields, `{%tr … %}` table rows, `{%p … %}`
paragraphs). A county that wants its own layout can open the .docx in Word or WPS, rearrange it, keep the
fields, and put the file back in its place; or change this script and run it again:

    .venv/bin/python src/dangjian/orglife/doc_templates/build_meeting_record_template.py

Fields (see `orglife/documents.py`, `record_context`): org_name, kind_label, title, date, time, place, host,
recorder, lecturer, hours, held_as_label, state_label, should_attend, present_count, present_names,
leave_count, leave_names, absent_count, absent_names, topic, minutes, resolutions, themed (bool),
themed_done, themed_missing, themed_extra, votes (motion, rule_label, eligible, should_attend, present,
yes, no, abstain, written, outcome, reasons), grades (name, grade, note), printed_on.

Paper is A4. Word does not take a CJK font from `run.font.name` alone, so every style sets its East-Asian
font explicitly (w:eastAsia): 宋体 for the text and 黑体 for the titles, as in members/doc_templates.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "meeting_record.docx"
BODY_FONT = "宋体"
TITLE_FONT = "黑体"
LATIN_FONT = "Times New Roman"


def set_fonts(style_or_run, east_asian: str, size: float | None = None, bold: bool | None = None) -> None:
    font = style_or_run.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
    r_fonts = element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), east_asian)
    r_fonts.set(qn("w:ascii"), LATIN_FONT)
    r_fonts.set(qn("w:hAnsi"), LATIN_FONT)


def paragraph(
    document, text: str = "", *, style=None, align=None, indent: bool = False, space_after: float = 3
):
    p = document.add_paragraph(text, style=style)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)  # two characters of 12 pt
    return p


def heading(document, text: str) -> None:
    p = paragraph(document, style="Heading CN", space_after=2)
    p.add_run(text)
    p.paragraph_format.space_before = Pt(8)


def cell(table, row: int, col: int, text: str, *, bold: bool = False) -> None:
    target = table.cell(row, col)
    target.text = ""
    run = target.paragraphs[0].add_run(text)
    set_fonts(run, TITLE_FONT if bold else BODY_FONT, size=11, bold=bold)


def facts_table(document) -> None:
    """Two columns: label, value. Optional rows are wrapped in `{%tr if … %}` rows of their own."""
    rows = [
        ("会议类型", "{{ kind_label }}{% if held_as_label %}（以{{ held_as_label }}形式召开）{% endif %}"),
        ("时间", "{{ date }}{% if time %} {{ time }}{% endif %}{% if ends_on %} 至 {{ ends_on }}{% endif %}"),
        ("地点", "{{ place }}"),
        ("主持人", "{{ host }}"),
        ("记录人", "{{ recorder }}"),
        ("{%tr if lecturer or hours %}", None),
        ("授课人 / 学时", "{{ lecturer }}{% if hours %}　{{ hours }} 学时{% endif %}"),
        ("{%tr endif %}", None),
        ("应到会", "{{ should_attend }} 人"),
        ("实到会", "{{ present_count }} 人{% if present_names %}：{{ present_names }}{% endif %}"),
        ("请假", "{{ leave_count }} 人{% if leave_names %}：{{ leave_names }}{% endif %}"),
        ("缺席", "{{ absent_count }} 人{% if absent_names %}：{{ absent_names }}{% endif %}"),
        ("会议主题", "{{ topic }}"),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, (label, value) in enumerate(rows):
        if value is None:  # a docxtpl row tag: the whole row is replaced by the tag
            cell(table, index, 0, label)
            cell(table, index, 1, "")
            continue
        cell(table, index, 0, label, bold=True)
        cell(table, index, 1, value)
    for row in table.rows:
        row.cells[0].width = Cm(3.2)
        row.cells[1].width = Cm(13.4)


def votes_table(document) -> None:
    headers = ["表决事项", "有表决权", "应到", "实到", "赞成", "反对", "弃权", "结果"]
    fields = [
        "{{ v.motion }}{% if v.subject_name %}（{{ v.subject_name }}）{% endif %}",
        "{{ v.eligible }}",
        "{{ v.should_attend }}",
        "{{ v.present }}",
        "{{ v.yes }}{% if v.written_yes %}+{{ v.written_yes }}{% endif %}",
        "{{ v.no }}{% if v.written_no %}+{{ v.written_no }}{% endif %}",
        "{{ v.abstain }}",
        "{{ v.outcome }}",
    ]
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, text in enumerate(headers):
        cell(table, 0, col, text, bold=True)
    cell(table, 1, 0, "{%tr for v in votes %}")
    for col, text in enumerate(fields):
        cell(table, 2, col, text)
    cell(table, 3, 0, "{%tr endfor %}")
    widths = [5.6, 1.6, 1.4, 1.4, 1.6, 1.4, 1.4, 2.2]
    for row in table.rows:
        for col, width in enumerate(widths):
            row.cells[col].width = Cm(width)


def build() -> Path:
    document = Document()
    section = document.sections[0]
    # python-docx starts from US Letter; official documents are A4 (210 × 297 mm).
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.2)

    normal = document.styles["Normal"]
    set_fonts(normal, BODY_FONT, size=12)
    normal.paragraph_format.line_spacing = 1.3
    title_style = document.styles.add_style("Title CN", 1)  # 1 = paragraph style
    title_style.base_style = normal
    set_fonts(title_style, TITLE_FONT, size=18, bold=True)
    heading_style = document.styles.add_style("Heading CN", 1)
    heading_style.base_style = normal
    set_fonts(heading_style, TITLE_FONT, size=13, bold=True)

    p = paragraph(document, style="Title CN", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    p.add_run("{{ title }}")
    paragraph(
        document,
        "{{ org_name }}{% if state_label %}（{{ state_label }}）{% endif %}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=8,
    )

    facts_table(document)

    heading(document, "会议内容")
    paragraph(document, "{{ minutes }}", indent=True)
    heading(document, "决议事项")
    paragraph(document, "{{ resolutions }}", indent=True)

    paragraph(document, "{%p if themed %}")
    heading(document, "主题党日“4+X”内容")
    paragraph(document, "已开展：{{ themed_done }}{% if themed_extra %}；X 项：{{ themed_extra }}{% endif %}")
    paragraph(document, "{% if themed_missing %}未开展：{{ themed_missing }}{% endif %}")
    paragraph(document, "{%p endif %}")

    paragraph(document, "{%p if votes %}")
    heading(document, "表决情况")
    votes_table(document)
    paragraph(document, "{%p for v in votes %}")
    paragraph(document, "{{ v.number }}. {{ v.motion }}：{{ v.reasons }}")
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p endif %}")

    paragraph(document, "{%p if grades %}")
    heading(document, "民主评议等次")
    paragraph(document, "{{ grade_summary }}")
    paragraph(document, "{%p for g in grades %}")
    paragraph(document, "{{ g.name }}：{{ g.grade }}{% if g.note %}（{{ g.note }}）{% endif %}")
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p endif %}")

    paragraph(document, "")
    paragraph(document, "主持人（签字）：　　　　　　　　记录人（签字）：", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "打印日期：{{ printed_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT)

    document.core_properties.title = "会议记录"
    document.core_properties.author = "党建通"
    document.save(OUTPUT)
    return OUTPUT


if __name__ == "__main__":
    print(build())
