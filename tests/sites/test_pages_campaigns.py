"""The county's side through the pages: catalogues (draft, criteria, publish, new version), opening and
editing a campaign with the seeds' quotas, quotas saved whole or not at all, closing, the overview with its
numbers, public notices and objections."""

import datetime as dt

import pytest

from dangjian.core.models import AuditEntry
from dangjian.sites import services
from dangjian.sites.models import (
    ApplicationState,
    Campaign,
    CampaignState,
    Catalogue,
    CatalogueState,
    Criterion,
    Objection,
    ObjectionState,
    Quota,
)

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def entries() -> int:
    return AuditEntry.objects.exclude(action="login").count()


def text(response) -> str:
    return response.content.decode()


# --- catalogues ----------------------------------------------------------------------------------------------------


def test_the_admin_drafts_a_catalogue_adds_and_removes_criteria_and_publishes_it(client_for, county, clock):
    admin = client_for("admin")
    response = admin.post(
        "/sites/catalogues/new/",
        {"year": "2027", "domain": "organ", "title": "机关党建示范点创建标准（试行）"},
    )
    catalogue = Catalogue.objects.get()
    assert response.status_code == 302 and catalogue.state == CatalogueState.DRAFT
    empty = admin.post(f"/sites/catalogues/{catalogue.pk}/publish/")
    assert empty.status_code == 409 and "还没有任何条目" in text(empty)

    no_metric = admin.post(
        f"/sites/catalogues/{catalogue.pk}/criteria/new/",
        {"code": "A01", "group": "阵地建设“六有”", "title": "有活动场所", "max_score": "5", "method": "auto"},
    )
    assert no_metric.status_code == 422 and "自动指标须选择指标" in text(no_metric)
    assert not Criterion.objects.exists()
    for code, method, metric in [("A01", "manual", ""), ("C01", "auto", "orglife_compliance")]:
        response = admin.post(
            f"/sites/catalogues/{catalogue.pk}/criteria/new/",
            {
                "code": code,
                "group": "组织生活",
                "title": f"条目{code}",
                "max_score": "5",
                "method": method,
                "metric": metric,
                "threshold": "90" if metric else "",
            },
        )
        assert response.status_code == 302, text(response)
    duplicate = admin.post(
        f"/sites/catalogues/{catalogue.pk}/criteria/new/",
        {"code": "A01", "group": "组织生活", "title": "重复", "max_score": "3", "method": "manual"},
    )
    assert duplicate.status_code == 422 and "编码已存在" in text(duplicate)
    detail = text(admin.get(f"/sites/catalogues/{catalogue.pk}/"))
    assert "条目A01" in detail and "组织生活按期开展率" in detail and "达标值 90" in detail

    a01 = Criterion.objects.get(code="A01")
    assert admin.post(f"/sites/catalogues/{catalogue.pk}/criteria/{a01.pk}/remove/").status_code == 302
    assert list(catalogue.criteria.values_list("code", flat=True)) == ["C01"]
    assert admin.post(f"/sites/catalogues/{catalogue.pk}/publish/").status_code == 302
    catalogue.refresh_from_db()
    assert catalogue.state == CatalogueState.PUBLISHED

    before = entries()
    refused = admin.post(
        f"/sites/catalogues/{catalogue.pk}/criteria/new/",
        {"code": "Z9", "group": "组", "title": "发布后", "max_score": "1", "method": "manual"},
    )
    assert refused.status_code == 409 and "已发布的创建标准不能修改" in text(refused)
    assert entries() == before and catalogue.criteria.count() == 1

    response = admin.post(f"/sites/catalogues/{catalogue.pk}/new-version/")
    draft = Catalogue.objects.get(version=2)
    assert response.status_code == 302 and response["Location"] == f"/sites/catalogues/{draft.pk}/"
    assert draft.state == CatalogueState.DRAFT and draft.criteria.count() == 1


def test_only_the_admin_edits_catalogues_and_others_see_published_ones_only(client_for, personas, catalogues):
    draft = services.catalogue_create(
        actor=personas.admin, year=2026, domain="organ", title="机关标准（修订稿）"
    )
    officer = client_for("officer")
    page = text(officer.get("/sites/catalogues/"))
    assert (
        "农村党组织党建示范点创建标准" in page
        and "机关标准（修订稿）" not in page
        and "新建创建标准" not in page
    )
    assert officer.get(f"/sites/catalogues/{draft.pk}/").status_code == 404
    assert officer.post(f"/sites/catalogues/{catalogues['rural'].pk}/new-version/").status_code == 403
    assert "机关标准（修订稿）" in text(client_for("admin").get("/sites/catalogues/?state=draft"))


# --- campaigns -----------------------------------------------------------------------------------------------------


def test_opening_a_campaign_prefills_the_seeds_calendar_and_forty_county_places(
    client_for, catalogues, clock
):
    admin = client_for("admin")
    page = text(admin.get("/sites/campaigns/new/"))
    assert 'value="2026-06-10"' in page and 'value="15"' in page
    form = {
        "year": "2026",
        "title": "2026 年度党建示范点创建工作",
        "mobilization_by": "2026-03-31",
        "plan_due": "2026-03-31",
        "implementation_by": "2026-06-10",
        "acceptance_by": "2026-07-10",
        "weight_self": "20",
        "weight_mass": "40",
        "weight_org": "30",
        "satisfaction_threshold": "90",
        "survey_min_answers": "10",
        "notice_working_days": "5",
        "rereview_pass_score": "80",
        "bottom_rank_count": "1",
        "bottom_rank_share": "0",
        "notes": "",
        "quota_township_county": "3",
        "quota_rural_county": "15",
        "quota_community_county": "3",
        "quota_soe_county": "2",
        "quota_private_county": "3",
        "quota_organ_county": "10",
        "quota_institution_county": "4",
    }
    before = entries()
    response = admin.post("/sites/campaigns/new/", form)
    assert response.status_code == 422 and "三项权重之和应为 100（现为 90）" in text(response)
    assert not Campaign.objects.exists() and entries() == before
    response = admin.post("/sites/campaigns/new/", {**form, "weight_org": "40"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sites/campaigns/{campaign.pk}/"
    assert sum(Quota.objects.values_list("number", flat=True)) == 40
    assert Quota.objects.get(domain="rural", tier="county").number == 15
    detail = text(admin.get(response["Location"]))
    assert "已授牌 0 / 名额 40" in detail and "组织实施（申报）" in detail
    assert 'value="2027"' in text(admin.get("/sites/campaigns/new/"))  # next year once this one is open


def test_a_campaign_is_edited_its_quotas_saved_whole_and_closed(client_for, walk, campaign):
    walk("designated")  # one rural county site designated
    admin = client_for("admin")
    edit = text(admin.get(f"/sites/campaigns/{campaign.pk}/edit/"))
    assert 'value="2026-06-10"' in edit
    values = {
        name: getattr(campaign, name)
        for name in (
            "title",
            "weight_self",
            "weight_mass",
            "weight_org",
            "satisfaction_threshold",
            "survey_min_answers",
            "notice_working_days",
            "rereview_pass_score",
            "bottom_rank_count",
            "bottom_rank_share",
        )
    }
    dates = {
        name: f"{getattr(campaign, name):%Y-%m-%d}"
        for name in ("mobilization_by", "plan_due", "implementation_by", "acceptance_by")
    }
    response = admin.post(
        f"/sites/campaigns/{campaign.pk}/edit/", {**values, **dates, "acceptance_by": "2026-06-01"}
    )
    assert response.status_code == 422 and "总结验收阶段应在组织实施阶段之后结束" in text(response)
    response = admin.post(
        f"/sites/campaigns/{campaign.pk}/edit/", {**values, **dates, "notice_working_days": 7}
    )
    campaign.refresh_from_db()
    assert response.status_code == 302 and campaign.notice_working_days == 7

    quotas = {f"quota_{q.domain}_{q.tier}": q.number for q in campaign.quotas.all()}
    before = entries()
    response = admin.post(
        f"/sites/campaigns/{campaign.pk}/quotas/",
        {**quotas, "quota_organ_county": "12", "quota_rural_county": "0"},
    )
    assert response.status_code == 422 and "名额不能少于已授牌数" in text(response)
    assert Quota.objects.get(campaign=campaign, domain="organ", tier="county").number == 10  # nothing saved
    assert entries() == before
    response = admin.post(f"/sites/campaigns/{campaign.pk}/quotas/", {**quotas, "quota_organ_county": "12"})
    assert response.status_code == 302
    assert Quota.objects.get(campaign=campaign, domain="organ", tier="county").number == 12
    assert entries() == before + 1

    assert admin.post(f"/sites/campaigns/{campaign.pk}/close/").status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CLOSED
    closed = admin.get(f"/sites/campaigns/{campaign.pk}/edit/")
    assert closed.status_code == 409 and "年度创建工作已结束" in text(closed)


def test_the_overview_shows_phases_progress_against_quotas_the_board_and_the_score_bands(
    client_for, walk, county, clock
):
    walk("designated")
    walk("submitted", org=county.village_a2)
    walk("draft", org=county.village_b1)
    clock.move_to(dt.date(2026, 6, 11))  # past the submission deadline: the draft is overdue
    for role in ("admin", "officer"):
        page = text(client_for(role).get("/sites/"))
        assert "已授牌 / 名额" in page and "1 / 40" in page
        assert "总结验收" in page and 'aria-current="step"' in page
        assert "示范点〔2026〕县级第001号" in page and "甲村党支部" in page
        assert "sites-chart-data" in page
    admin = text(client_for("admin").get("/sites/"))
    assert "丙村党支部" in admin and "超过申报截止日期仍未提交" in admin
    officer = text(client_for("officer").get("/sites/"))
    assert "丙村党支部" not in officer  # another township's draft is not the officer's
    rows = admin.split("综合得分分布")[-1]
    assert "80–85 分" in rows or "85–90 分" in rows


def test_publishing_a_notice_then_an_objection_is_resolved_on_its_page(
    client_for, walk, county, personas, clock
):
    first = walk("evaluated")
    second = walk("evaluated", org=county.village_a2)
    admin = client_for("admin")
    page = text(admin.get(f"/sites/campaigns/{first.campaign_id}/notices/new/"))
    assert "甲村党支部" in page and "乙村党支部" in page
    response = admin.post(
        f"/sites/campaigns/{first.campaign_id}/notices/new/",
        {"applications": [first.pk, second.pk], "working_days": "5", "title": "", "text": ""},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == ApplicationState.PUBLICIZED and first.notice_id == second.notice_id
    none_left = admin.get(f"/sites/campaigns/{first.campaign_id}/notices/new/")
    assert none_left.status_code == 409 and "没有已考评、待公示的申报" in text(none_left)

    services.objection_file(application=first, text="活动场所被挪作他用", contact="13900001111")
    objection = Objection.objects.get()
    listing = text(client_for("officer").get("/sites/objections/"))
    assert "活动场所被挪作他用" in listing and f"/sites/objections/{objection.pk}/resolve/" not in listing
    assert client_for("officer").get(f"/sites/objections/{objection.pk}/resolve/").status_code == 403
    form = text(admin.get(f"/sites/objections/{objection.pk}/resolve/"))
    assert "139****1111" in form and "13900001111" not in form
    response = admin.post(f"/sites/objections/{objection.pk}/resolve/", {"upheld": "0", "resolution": ""})
    assert response.status_code == 422 and "请填写处理结果" in text(response)
    response = admin.post(
        f"/sites/objections/{objection.pk}/resolve/", {"upheld": "0", "resolution": "经核实，场所正常使用"}
    )
    objection.refresh_from_db()
    assert (
        response.status_code == 302
        and objection.state == ObjectionState.RESOLVED
        and objection.upheld is False
    )
    clock.move_to(TODAY + dt.timedelta(days=7))
    assert client_for("admin").post(f"/sites/applications/{first.pk}/designate/").status_code == 302
