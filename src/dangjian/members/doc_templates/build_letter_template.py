"""Build `transfer_letter.docx`, the template of the 党员组织关系介绍信 (stub, letter and receipt).

The platform fills the template with docxtpl (`{{ … }}` fields). A county that wants its own layout can open
the .docx in Word or WPS, rearrange it, keep the `{{ … }}` fields, and put the file back in its place; or
change this script and run it again:

    .venv/bin/python src/dangjian/members/doc_templates/build_letter_template.py

The layout follows the three-part form of 组通字〔2006〕45号 (RULES.md 第96条): the stub (存根) stays with
the issuing 基层党委, the letter goes with the member, and the receipt (回执) comes back from the receiving
基层党委 directly. Paper is A4. Word does not take a CJK font from `run.font.name` alone, so every style
sets its East-Asian font explicitly (w:eastAsia): 宋体 for the text and 黑体 for the titles, which every
Windows Word and WPS has; elsewhere the office suite substitutes its own 宋体/黑体 equivalent.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "transfer_letter.docx"
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


def paragraph(document, text: str = "", *, align=None, indent: bool = False, space_after: float = 2):
    p = document.add_paragraph(text)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)  # two characters of 12 pt
    return p


def title(document, text: str) -> None:
    p = document.add_paragraph(style="Title CN")
    p.add_run(text)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def cut_line(document, text: str) -> None:
    p = paragraph(
        document,
        f"- - - - - - - - - - - - - - {text} - - - - - - - - - - - - - -",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.space_after = Pt(6)
    for run in p.runs:
        set_fonts(run, BODY_FONT, size=9)


def build() -> Path:
    document = Document()
    section = document.sections[0]
    # python-docx starts from US Letter; official documents are A4 (210 × 297 mm).
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(1.8)
    section.left_margin = section.right_margin = Cm(2.2)

    normal = document.styles["Normal"]
    set_fonts(normal, BODY_FONT, size=12)
    normal.paragraph_format.line_spacing = 1.25
    title_style = document.styles.add_style("Title CN", 1)  # 1 = paragraph style
    title_style.base_style = normal
    set_fonts(title_style, TITLE_FONT, size=16, bold=True)
    title_style.paragraph_format.space_before = Pt(4)
    title_style.paragraph_format.space_after = Pt(4)

    # --- 存根 ---------------------------------------------------------------------------------------------
    title(document, "中国共产党党员组织关系介绍信（存根）")
    paragraph(document, "{{ letter_no }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(
        document,
        "{{ name }}同志（{{ gender }}，{{ age }}岁，{{ ethnicity }}），系中共{{ category }}，"
        "公民身份号码{{ id_number }}，组织关系由{{ from_org }}转到{{ to_org }}。",
        indent=True,
    )
    paragraph(
        document, "党费交到{{ dues_until }}。{% if reason %}转接原因：{{ reason }}。{% endif %}", indent=True
    )
    paragraph(document, "有效期至{{ valid_until }}（{{ valid_days }}天）。", indent=True)
    paragraph(document, "开具：{{ issuer }}　　经办人：{{ issued_by }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "{{ issued_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    cut_line(document, "沿此线剪开")

    # --- 介绍信 -------------------------------------------------------------------------------------------
    title(document, "中国共产党党员组织关系介绍信")
    paragraph(document, "{{ letter_no }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "{{ to_org }}：")
    paragraph(
        document,
        "{{ name }}同志（{{ gender }}，{{ age }}岁，{{ ethnicity }}），系中共{{ category }}，"
        "公民身份号码{{ id_number }}，由{{ from_org }}去{{ to_org }}，请转接组织关系。"
        "该同志党费已交到{{ dues_until }}。",
        indent=True,
    )
    paragraph(document, "（有效期{{ valid_days }}天，至{{ valid_until }}）", indent=True)
    paragraph(document, "{{ issuer }}（盖章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "{{ issued_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "党员联系电话或其他联系方式：{{ phone }}")
    paragraph(document, "党员原所在基层党委通讯地址：")
    paragraph(document, "联系电话：　　　　　　　传真：　　　　　　　邮编：")
    cut_line(document, "沿此线剪开")

    # --- 回执 ---------------------------------------------------------------------------------------------
    title(document, "中国共产党党员组织关系介绍信（回执）")
    paragraph(document, "{{ letter_no }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "{{ issuer }}：")
    paragraph(document, "{{ name }}同志的党员组织关系已转达我处，特此回执。", indent=True)
    paragraph(document, "接收党组织（盖章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "年　　月　　日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "（回执由最终接收的基层党委直接寄回开具介绍信的基层党委）", space_after=0)

    document.core_properties.title = "中国共产党党员组织关系介绍信"
    document.core_properties.author = "党建通"
    document.save(OUTPUT)
    return OUTPUT


if __name__ == "__main__":
    print(build())
