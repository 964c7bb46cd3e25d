"""Build the Word templates of the demonstration-site programme:

- `application_form.docx` — 党建示范点申报表: basic facts, the creation plan (目标、内容、进度、措施、责任人),
  the self-evaluation against the catalogue, the evidence list and the opinions of the committee above and
  of the organization department (A4 portrait);
- `certificate.docx` — 党建示范点证书: one page per designated site (A4 landscape).

The platform fills them with docxtpl (`{{ … }}` fields, `{%tr … %}` table rows, `{%p … %}` paragraphs). A
county that wants its own layout can open a .docx in Word or WPS, rearrange it, keep the fields, and put the
file back in its place; or change this script and run it again:

    .venv/bin/python src/dangjian/sites/doc_templates/build_templates.py

Fields (see `sites/documents.py`):
application form — title, year, campaign_title, org_name, parent_name, domain_label, tier_label, state_label,
catalogue_title, responsible, site_area, plan_filed_on, submitted_on, goals, content, schedule, measures,
features, rows (group, code, title, max_score, method, self_score, note), self_part, max_total, evidence
(name, criterion), parts (bool), mass_part, org_part, total, printed_on;
certificates — certificates (org_name, tier_label, year, plaque_no, issuer, date).

Word does not take a CJK font from `run.font.name` alone, so every style sets its East-Asian font
explicitly (w:eastAsia): 宋体 for the text and 黑体 for the titles, as in members/doc_templates.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
APPLICATION_FORM = HERE / "application_form.docx"
CERTIFICATE = HERE / "certificate.docx"
BODY_FONT = "宋体"
TITLE_FONT = "黑体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xC8, 0x16, 0x1D)


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


def styled_document(*, landscape: bool = False) -> Document:
    document = Document()
    section = document.sections[0]
    # python-docx starts from US Letter; official documents are A4 (210 × 297 mm).
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin = section.right_margin = Cm(3)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2.2)
        section.left_margin = section.right_margin = Cm(2.2)
    normal = document.styles["Normal"]
    set_fonts(normal, BODY_FONT, size=12)
    normal.paragraph_format.line_spacing = 1.3
    title_style = document.styles.add_style("Title CN", 1)  # 1 = paragraph style
    title_style.base_style = normal
    set_fonts(title_style, TITLE_FONT, size=20, bold=True)
    heading_style = document.styles.add_style("Heading CN", 1)
    heading_style.base_style = normal
    set_fonts(heading_style, TITLE_FONT, size=13, bold=True)
    return document


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


def cell(table, row: int, col: int, text: str, *, bold: bool = False, size: float = 11) -> None:
    target = table.cell(row, col)
    target.text = ""
    run = target.paragraphs[0].add_run(text)
    set_fonts(run, TITLE_FONT if bold else BODY_FONT, size=size, bold=bold)


# --- 申报表 -----------------------------------------------------------------------------------------------------


def facts_table(document) -> None:
    rows = [
        ("申报单位", "{{ org_name }}", "上级党组织", "{{ parent_name }}"),
        ("所属领域", "{{ domain_label }}", "申报层级", "{{ tier_label }}"),
        ("年度", "{{ year }}", "创建标准", "{{ catalogue_title }}"),
        (
            "责任人",
            "{{ responsible }}",
            "活动场所面积",
            "{% if site_area %}{{ site_area }} 平方米{% endif %}",
        ),
        ("计划报送日期", "{{ plan_filed_on }}", "申报日期", "{{ submitted_on }}"),
    ]
    table = document.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, values in enumerate(rows):
        for col, text in enumerate(values):
            cell(table, index, col, text, bold=col % 2 == 0)
    widths = [2.8, 5.5, 2.8, 5.5]
    for row in table.rows:
        for col, width in enumerate(widths):
            row.cells[col].width = Cm(width)


def self_table(document) -> None:
    headers = ["类别", "编码", "标准", "分值", "评价方式", "自评", "说明"]
    fields = [
        "{{ r.group }}",
        "{{ r.code }}",
        "{{ r.title }}",
        "{{ r.max_score }}",
        "{{ r.method }}",
        "{{ r.self_score }}",
        "{{ r.note }}",
    ]
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, text in enumerate(headers):
        cell(table, 0, col, text, bold=True, size=10)
    cell(table, 1, 0, "{%tr for r in rows %}")
    for col, text in enumerate(fields):
        cell(table, 2, col, text, size=9.5)
    cell(table, 3, 0, "{%tr endfor %}")
    widths = [2.4, 1.2, 5.6, 1.1, 1.8, 1.3, 3.2]
    for row in table.rows:
        for col, width in enumerate(widths):
            row.cells[col].width = Cm(width)


def opinions_table(document) -> None:
    rows = [
        ("申报单位意见", "\n\n（盖章）　　　　年　　月　　日"),
        ("上级党组织\n推荐意见", "\n\n（盖章）　　　　年　　月　　日"),
        ("县委组织部\n审核意见", "\n\n（盖章）　　　　年　　月　　日"),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, (label, value) in enumerate(rows):
        cell(table, index, 0, label, bold=True)
        cell(table, index, 1, value)
        table.cell(index, 1).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        row.cells[0].width = Cm(3.2)
        row.cells[1].width = Cm(13.4)


def build_application_form() -> Path:
    document = styled_document()
    p = paragraph(document, style="Title CN", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    p.add_run("{{ title }}")
    paragraph(document, "{{ campaign_title }}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)

    facts_table(document)

    heading(document, "一、创建目标")
    paragraph(document, "{{ goals }}", indent=True)
    heading(document, "二、创建内容")
    paragraph(document, "{{ content }}", indent=True)
    heading(document, "三、进度安排")
    paragraph(document, "{{ schedule }}", indent=True)
    heading(document, "四、工作措施")
    paragraph(document, "{{ measures }}", indent=True)
    paragraph(document, "{%p if features %}")
    heading(document, "五、特色亮点")
    paragraph(document, "{{ features }}", indent=True)
    paragraph(document, "{%p endif %}")

    heading(document, "基层自评")
    paragraph(
        document,
        "对照创建标准逐项自查：人工评分项为申报单位自评分，自动指标项为系统根据组织生活、班子设置等数据计算的结果。",
        space_after=4,
    )
    self_table(document)
    paragraph(
        document, "自评得分（折合百分制）：{{ self_part }} 分（标准满分 {{ max_total }} 分）", space_after=4
    )

    paragraph(document, "{%p if parts %}")
    heading(document, "考评结果")
    paragraph(
        document,
        "基层自评 {{ self_part }} 分，群众测评 {{ mass_part }} 分，组织考评 {{ org_part }} 分，综合得分 {{ total }} 分。",
    )
    paragraph(document, "{%p endif %}")

    paragraph(document, "{%p if evidence %}")
    heading(document, "佐证材料")
    paragraph(document, "{%p for e in evidence %}")
    paragraph(document, "{{ loop.index }}. {{ e.name }}{% if e.criterion %}（{{ e.criterion }}）{% endif %}")
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p endif %}")

    heading(document, "审核意见")
    opinions_table(document)
    paragraph(document, "打印日期：{{ printed_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=0)

    document.core_properties.title = "党建示范点申报表"
    document.core_properties.author = "党建通"
    document.save(APPLICATION_FORM)
    return APPLICATION_FORM


# --- 证书 ---------------------------------------------------------------------------------------------------------


def build_certificate() -> Path:
    document = styled_document(landscape=True)
    paragraph(document, "{%p for c in certificates %}")
    paragraph(document, "", space_after=36)
    p = paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=30)
    run = p.add_run("荣 誉 证 书")
    set_fonts(run, TITLE_FONT, size=40, bold=True)
    run.font.color.rgb = RED
    p = paragraph(document, space_after=12)
    p.paragraph_format.first_line_indent = Pt(48)
    run = p.add_run("{{ c.org_name }}：")
    set_fonts(run, BODY_FONT, size=22, bold=True)
    p = paragraph(document, space_after=24)
    p.paragraph_format.first_line_indent = Pt(44)
    run = p.add_run("被评为{{ c.year }}年度{{ c.tier_label }}党建工作示范点。")
    set_fonts(run, BODY_FONT, size=22)
    p = paragraph(document, space_after=6)
    p.paragraph_format.first_line_indent = Pt(44)
    run = p.add_run("特发此证，以资鼓励。")
    set_fonts(run, BODY_FONT, size=22)
    p = paragraph(document, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=4)
    p.paragraph_format.space_before = Pt(40)
    run = p.add_run("{{ c.issuer }}")
    set_fonts(run, BODY_FONT, size=18)
    p = paragraph(document, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=20)
    run = p.add_run("{{ c.date }}")
    set_fonts(run, BODY_FONT, size=18)
    p = paragraph(document, align=WD_ALIGN_PARAGRAPH.LEFT, space_after=0)
    run = p.add_run("证书编号：{{ c.plaque_no }}")
    set_fonts(run, BODY_FONT, size=12)
    paragraph(document, "{%p if not loop.last %}")
    p = paragraph(document, space_after=0)
    p.add_run().add_break(WD_BREAK.PAGE)
    paragraph(document, "{%p endif %}")
    paragraph(document, "{%p endfor %}")

    document.core_properties.title = "党建示范点证书"
    document.core_properties.author = "党建通"
    document.save(CERTIFICATE)
    return CERTIFICATE


if __name__ == "__main__":
    print(build_application_form())
    print(build_certificate())
