"""Build the Word templates of member development (发展党员) that `recruitment/documents.py` fills.

The platform fills them with docxtpl (`{{ … }}` fields, `{%tr … %}` table rows, `{%p … %}` paragraphs).
A county that wants its own layout can open a .docx in Word or WPS, rearrange it, keep the fields, and put
the file back in its place; or change this script and run it again:

    .venv/bin/python src/dangjian/recruitment/doc_templates/build_templates.py

Templates and their fields (see `documents.py`):

- process_record.docx (发展党员工作全程纪实表): title, name, gender, birth, ethnicity, education, occupation,
  work_unit, org_name, stage, applied_on, activist_on, candidate_on, admitted_on, probation_ends_on,
  converted_on, extended, closed, steps (number, phase, title, source, date, body, people, facts), printed_on.
- talk_record.docx (谈话记录): title, name, gender, birth, ethnicity, education, work_unit, org_name,
  applied_on, talk_date, talker, talker_label, purpose, content, printed_on.
- filing_report.docx (入党积极分子 / 发展对象备案报告): title, to, text, name, gender, birth, ethnicity,
  education, work_unit, applied_on, activist_on, candidate_on, what, mentors, sponsors, org_name,
  decision_ref, report_date, source.
- public_notice.docx (发展对象公示): title, text, candidates (name, gender, birth, ethnicity, education,
  work_unit, applied_on, activist_on, candidate_on, sponsors), period, contact, committee, org_name,
  issued_on.
- assembly_resolution.docx (支部大会决议): title, opening, name, gender, birth, sponsors, figures (eligible,
  should_attend, present, yes_total, no, written_no, abstain, written, outcome), tally, written, decision,
  reasons, notes, org_name, meeting_date.
- approval.docx (审批意见): title, to, text, decision, name, gender, birth, org_name, probation_starts_on,
  probation_ends_on, decision_ref, late_reason, approver, approved_on.

Paper is A4. Word does not take a CJK font from `run.font.name` alone, so every style sets its East-Asian
font explicitly (w:eastAsia): 仿宋 for the text and 黑体 / 宋体 for the titles, as in members/doc_templates.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEAD_FONT = "黑体"
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


def new_document(title: str):
    document = Document()
    section = document.sections[0]
    # python-docx starts from US Letter; official documents are A4 (210 × 297 mm).
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    set_fonts(normal, BODY_FONT, size=14)
    normal.paragraph_format.line_spacing = 1.4
    title_style = document.styles.add_style("Title CN", 1)  # 1 = paragraph style
    title_style.base_style = normal
    set_fonts(title_style, TITLE_FONT, size=20, bold=True)
    heading_style = document.styles.add_style("Heading CN", 1)
    heading_style.base_style = normal
    set_fonts(heading_style, HEAD_FONT, size=14, bold=False)
    document.core_properties.title = title
    document.core_properties.author = "党建通"
    return document


def paragraph(document, text: str = "", *, style=None, align=None, indent: bool = False, space_after=4):
    p = document.add_paragraph(text, style=style)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Pt(28)  # two characters of 14 pt
    return p


def title(document, text: str = "{{ title }}") -> None:
    p = paragraph(document, style="Title CN", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    p.add_run(text)


def heading(document, text: str) -> None:
    p = paragraph(document, style="Heading CN", space_after=2)
    p.add_run(text)
    p.paragraph_format.space_before = Pt(8)


def cell(table, row: int, col: int, text: str, *, bold: bool = False, size: float = 11) -> None:
    target = table.cell(row, col)
    target.text = ""
    run = target.paragraphs[0].add_run(text)
    set_fonts(run, HEAD_FONT if bold else BODY_FONT, size=size, bold=False)


def grid(document, rows: list[list[str]], widths: list[float], *, bold_cols=(0,), size: float = 11):
    """A bordered table; cells in `bold_cols` are labels (黑体)."""
    table = document.add_table(rows=len(rows), cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        for c, text in enumerate(values):
            cell(table, r, c, text, bold=c in bold_cols and not text.startswith("{{"), size=size)
    for row in table.rows:
        for c, width in enumerate(widths):
            row.cells[c].width = Cm(width)
    return table


def signature(document, *lines: str) -> None:
    paragraph(document, "")
    for line in lines:
        paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=2)


PERSON_ROWS = [
    ["姓名", "{{ name }}", "性别", "{{ gender }}"],
    ["出生年月", "{{ birth }}", "民族", "{{ ethnicity }}"],
    ["学历", "{{ education }}", "职业", "{{ occupation }}"],
    ["工作单位", "{{ work_unit }}", "所在党支部", "{{ org_name }}"],
]


def process_record() -> Document:
    document = new_document("发展党员工作全程纪实表")
    title(document)
    grid(
        document,
        [
            *PERSON_ROWS,
            ["递交入党申请书", "{{ applied_on }}", "确定为入党积极分子", "{{ activist_on }}"],
            ["确定为发展对象", "{{ candidate_on }}", "接收为预备党员", "{{ admitted_on }}"],
            ["预备期满", "{{ probation_ends_on }}", "转为正式党员", "{{ converted_on }}"],
            ["延长预备期", "{{ extended }}", "当前阶段", "{{ stage }}"],
        ],
        [3.2, 4.4, 3.4, 4.6],
        bold_cols=(0, 2),
    )
    paragraph(document, "{%p if closed %}")
    paragraph(document, "{{ closed }}")
    paragraph(document, "{%p endif %}")
    heading(document, "办理过程")
    table = grid(
        document,
        [
            ["步骤", "办理事项", "日期", "决定机关 / 会议", "相关人员", "情况记录"],
            ["{%tr for s in steps %}", "", "", "", "", ""],
            [
                "{{ s.number }}",
                "{{ s.title }}（{{ s.source }}）",
                "{{ s.date }}",
                "{{ s.body }}",
                "{{ s.people }}",
                "{{ s.facts }}",
            ],
            ["{%tr endfor %}", "", "", "", "", ""],
        ],
        [1.1, 3.4, 2.4, 2.8, 2.8, 3.1],
        bold_cols=(),
        size=9.5,
    )
    for c in range(6):
        cell(table, 0, c, table.cell(0, c).text, bold=True, size=10)
    signature(document, "党支部书记（签字）：　　　　　　　", "填表日期：{{ printed_on }}")
    return document


def talk_record() -> Document:
    document = new_document("谈话记录")
    title(document)
    grid(
        document,
        [
            *PERSON_ROWS[:2],
            ["学历", "{{ education }}", "递交申请书", "{{ applied_on }}"],
            ["工作单位", "{{ work_unit }}", "所在党支部", "{{ org_name }}"],
            ["{{ talker_label }}", "{{ talker }}", "谈话时间", "{{ talk_date }}"],
        ],
        [3.2, 4.4, 3.4, 4.6],
        bold_cols=(0, 2),
    )
    paragraph(document, "{{ purpose }}", indent=True)
    heading(document, "谈话内容")
    paragraph(document, "{{ content }}", indent=True)
    signature(
        document,
        "谈话人（签字）：　　　　　　　　",
        "谈话对象（签字）：　　　　　　　　",
        "打印日期：{{ printed_on }}",
    )
    return document


def filing_report() -> Document:
    document = new_document("备案报告")
    title(document)
    paragraph(document, "中共{{ to }}：")
    paragraph(document, "{{ text }}", indent=True)
    grid(
        document,
        [
            *PERSON_ROWS,
            ["递交入党申请书", "{{ applied_on }}", "确定为入党积极分子", "{{ activist_on }}"],
            ["{%tr if candidate_on %}", "", "", ""],
            ["确定为发展对象", "{{ candidate_on }}", "入党介绍人", "{{ sponsors }}"],
            ["{%tr endif %}", "", "", ""],
            ["培养联系人", "{{ mentors }}", "文号", "{{ decision_ref }}"],
        ],
        [3.2, 4.4, 3.4, 4.6],
        bold_cols=(0, 2),
    )
    paragraph(document, "依据：{{ source }}", space_after=2)
    signature(document, "中共{{ org_name }}（盖章）", "{{ report_date }}")
    return document


def public_notice() -> Document:
    document = new_document("发展对象公示")
    title(document)
    paragraph(document, "{{ text }}", indent=True)
    table = grid(
        document,
        [
            [
                "姓名",
                "性别",
                "出生年月",
                "民族",
                "学历",
                "工作单位",
                "申请入党",
                "确定积极分子",
                "确定发展对象",
                "入党介绍人",
            ],
            ["{%tr for c in candidates %}", "", "", "", "", "", "", "", "", ""],
            [
                "{{ c.name }}",
                "{{ c.gender }}",
                "{{ c.birth }}",
                "{{ c.ethnicity }}",
                "{{ c.education }}",
                "{{ c.work_unit }}",
                "{{ c.applied_on }}",
                "{{ c.activist_on }}",
                "{{ c.candidate_on }}",
                "{{ c.sponsors }}",
            ],
            ["{%tr endfor %}", "", "", "", "", "", "", "", "", ""],
        ],
        [1.4, 0.9, 1.6, 1.0, 1.4, 2.0, 1.9, 1.9, 1.9, 1.6],
        bold_cols=(),
        size=9,
    )
    for c in range(10):
        cell(table, 0, c, table.cell(0, c).text, bold=True, size=9)
    paragraph(document, "{{ period }}", indent=True)
    paragraph(document, "{{ contact }}", indent=True)
    signature(document, "中共{{ committee }}", "中共{{ org_name }}", "{{ issued_on }}")
    return document


def assembly_resolution() -> Document:
    document = new_document("支部大会决议")
    title(document)
    paragraph(document, "{{ opening }}", indent=True)
    paragraph(document, "{{ tally }}{{ written }}", indent=True)
    grid(
        document,
        [
            ["有表决权的正式党员", "应到会", "实到会", "赞成", "反对", "弃权", "表决结果"],
            [
                "{{ figures.eligible }}",
                "{{ figures.should_attend }}",
                "{{ figures.present }}",
                "{{ figures.yes_total }}",
                "{{ figures.no }}{% if figures.written_no %}+{{ figures.written_no }}{% endif %}",
                "{{ figures.abstain }}",
                "{{ figures.outcome }}",
            ],
        ],
        [3.4, 1.8, 1.8, 1.8, 1.8, 1.8, 3.2],
        bold_cols=(),
    )
    paragraph(document, "{%p if sponsors %}")
    paragraph(document, "入党介绍人：{{ sponsors }}")
    paragraph(document, "{%p endif %}")
    paragraph(document, "{{ decision }}", indent=True)
    paragraph(document, "{%p if reasons %}")
    paragraph(document, "计票依据：{{ reasons }}")
    paragraph(document, "{%p endif %}")
    paragraph(document, "{%p if notes %}")
    heading(document, "讨论情况")
    paragraph(document, "{{ notes }}", indent=True)
    paragraph(document, "{%p endif %}")
    signature(
        document, "党支部书记（签字）：　　　　　　　", "中共{{ org_name }}（盖章）", "{{ meeting_date }}"
    )
    return document


def approval() -> Document:
    document = new_document("审批意见")
    title(document)
    paragraph(document, "{{ to }}：")
    paragraph(document, "{{ text }}", indent=True)
    paragraph(document, "{{ decision }}", indent=True)
    grid(
        document,
        [
            ["姓名", "{{ name }}", "性别", "{{ gender }}"],
            ["出生年月", "{{ birth }}", "所在党支部", "{{ org_name }}"],
            ["预备期起", "{{ probation_starts_on }}", "预备期止", "{{ probation_ends_on }}"],
            ["文号", "{{ decision_ref }}", "审批日期", "{{ approved_on }}"],
        ],
        [3.2, 4.4, 3.4, 4.6],
        bold_cols=(0, 2),
    )
    paragraph(document, "{%p if late_reason %}")
    paragraph(document, "逾期审批原因：{{ late_reason }}")
    paragraph(document, "{%p endif %}")
    signature(document, "中共{{ approver }}（盖章）", "{{ approved_on }}")
    return document


BUILDERS = {
    "process_record": process_record,
    "talk_record": talk_record,
    "filing_report": filing_report,
    "public_notice": public_notice,
    "assembly_resolution": assembly_resolution,
    "approval": approval,
}


def build(directory: Path = HERE) -> list[Path]:
    written = []
    for name, builder in BUILDERS.items():
        path = directory / f"{name}.docx"
        builder().save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
