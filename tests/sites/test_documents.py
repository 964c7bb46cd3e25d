"""The programme's documents, opened back: the application form (申报表) and certificates (证书) as Word, the
designated list as .xlsx, and the print-friendly pages with the same content."""

import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import load_workbook

from dangjian.sites import documents, services
from dangjian.sites.models import Method, ReReviewState, Site
from dangjian.sites.views.common import DOCX

from .conftest import PLAN

pytestmark = pytest.mark.django_db


def docx_text(content: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return document, "\n".join(parts)


def test_the_application_form_carries_the_plan_and_the_self_evaluation_on_a4_with_a_chinese_font(
    client_for, walk
):
    application = walk("submitted")
    response = client_for("officer").get(f"/sites/applications/{application.pk}/form.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]
    document, content = docx_text(response.content)
    assert "党建示范点申报表" in content and "2026 年度党建示范点创建工作" in content
    assert "甲村党支部" in content and "甲镇党委" in content and "县级" in content and "农村" in content
    for field in ("goals", "content", "schedule", "measures", "responsible"):
        assert str(PLAN[field]) in content
    manual = application.catalogue.criteria.filter(method=Method.MANUAL).order_by("sort_order").first()
    row = next(line for line in content.splitlines() if f" | {manual.code} | " in line)
    assert manual.title in row and f"{manual.max_score.normalize():f}" in row and "人工评分" in row
    assert "活动场所面积 150 ㎡" in content  # the automatic criterion A01 explains itself
    assert "上级党组织\n推荐意见" in content or "上级党组织推荐意见" in content.replace("\n", "")
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.1) and abs(section.page_height - Cm(29.7)) < Cm(0.1)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert "{{" not in content and "{%" not in content


def test_the_print_page_shows_what_the_word_file_shows(client_for, walk):
    application = walk("submitted")
    page = client_for("secretary").get(f"/sites/applications/{application.pk}/print/").content.decode()
    assert "党建示范点申报表" in page and PLAN["measures"] in page and "@page" not in page
    context = documents.application_form_context(application)
    for row in context["rows"][:5]:
        assert row["code"] in page and row["title"] in page


def test_a_county_may_replace_the_template_keeping_its_fields(walk, tmp_path, monkeypatch):
    custom = Document()
    custom.add_paragraph("本县格式：{{ org_name }}，{{ tier_label }}，责任人 {{ responsible }}")
    path = tmp_path / "application_form.docx"
    custom.save(path)
    monkeypatch.setattr(documents, "APPLICATION_TEMPLATE", path)
    _document, content = docx_text(documents.application_form_docx(walk("draft")))
    assert content.strip() == "本县格式：甲村党支部，县级，责任人 王建国"


@pytest.fixture
def designated(walk, county, clock, personas):
    """Two rural county sites of town A and one of town B; town B's revoked after a failed 2027 re-review."""
    walk("designated")
    walk("designated", org=county.village_a2)
    b1 = walk("designated", org=county.village_b1)
    site_b = Site.objects.get(application=b1)
    clock.move_to(dt.date(2027, 4, 12))
    services.catalogue_load(year=2027)
    later = services.campaign_open(actor=personas.admin, year=2027)
    services.rereview_open(actor=personas.admin, campaign=later)
    rereview = site_b.rereviews.get()
    rereview.state = ReReviewState.FAILED  # the re-review's own pages and services are tested elsewhere
    rereview.score = 20
    rereview.save()
    services.application_revoke(actor=personas.admin, application=b1, reason="复审未达标")
    return b1.campaign


def test_the_designated_list_is_an_xlsx_with_plaque_domain_tier_and_state(client_for, designated):
    response = client_for("admin").get(f"/sites/campaigns/{designated.pk}/designated.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2026 年度党建示范点创建工作" in rows[0][0]
    assert rows[1][:5] == ("序号", "牌匾编号", "党组织", "领域", "层级")
    body = {row[2]: row for row in rows[2:]}
    assert set(body) == {"甲村党支部", "乙村党支部", "丙村党支部"}
    assert body["甲村党支部"][1] == "示范点〔2026〕县级第001号"
    assert body["甲村党支部"][3:6] == ("农村", "县级", 2026)
    assert body["甲村党支部"][9] == "在牌" and body["丙村党支部"][9].startswith("已摘牌（2027-04-12）")
    assert body["丙村党支部"][10] == "复审未达标"
    assert [row[2] for row in rows[2:]][-1] == "丙村党支部"  # revoked ones last

    officer = load_workbook(
        io.BytesIO(client_for("officer").get(f"/sites/campaigns/{designated.pk}/designated.xlsx").content)
    ).active
    assert {row[2] for row in list(officer.iter_rows(values_only=True))[2:]} == {"甲村党支部", "乙村党支部"}


def test_certificates_are_one_landscape_page_per_site_in_plaque(client_for, designated):
    response = client_for("admin").get(f"/sites/campaigns/{designated.pk}/certificates.docx")
    assert response.status_code == 200
    document, content = docx_text(response.content)
    assert content.count("荣 誉 证 书") == 2  # the revoked site gets none
    assert "甲村党支部：" in content and "乙村党支部：" in content and "丙村党支部" not in content
    assert "被评为2026年度县级党建工作示范点" in content and "中共旌德县委组织部" in content
    assert "证书编号：示范点〔2026〕县级第001号" in content
    breaks = document.element.body.xml.count('w:type="page"')
    assert breaks == 1
    section = document.sections[0]
    assert section.page_width > section.page_height

    site = Site.objects.get(org__name="甲村党支部")
    single = client_for("officer").get(f"/sites/sites/{site.pk}/certificate.docx")
    _document, content = docx_text(single.content)
    assert content.count("荣 誉 证 书") == 1 and "甲村党支部" in content
    revoked = Site.objects.get(org__name="丙村党支部")
    refused = client_for("admin").get(f"/sites/sites/{revoked.pk}/certificate.docx")
    assert refused.status_code == 409 and "已摘牌" in refused.content.decode()


def test_the_designated_list_prints_with_the_same_rows(client_for, designated):
    page = client_for("admin").get(f"/sites/campaigns/{designated.pk}/designated/print/").content.decode()
    assert page.count("示范点〔2026〕县级第00") == 3 and "已摘牌（2027-04-12）" in page
