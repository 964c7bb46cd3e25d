"""Staff pages of the disclosure board (/public/manage/) for every role, and the forms through them: publish,
change before it goes live, withdraw; the list's filters and its htmx partial; the navigation entry."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.models import AuditEntry
from dangjian.disclosure.models import DisclosureItem

from .conftest import TODAY

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

READS = {
    # page → expected status per role, in the order of ROLES (anonymous: to the login page)
    "list": ("/public/manage/", [200, 200, 200, 200, 403, 403, 302]),
    "new": ("/public/manage/new/", [200, 200, 200, 200, 403, 403, 302]),
    "detail": ("/public/manage/{a1}/", [200, 200, 200, 404, 403, 403, 302]),
    "log": ("/public/manage/{a1}/?tab=log", [200, 200, 200, 404, 403, 403, 302]),
    "edit": ("/public/manage/{a1}/edit/", [200, 200, 200, 404, 403, 403, 302]),
    "withdraw": ("/public/manage/{a1}/withdraw/", [200, 200, 200, 404, 403, 403, 302]),
    "file": ("/public/manage/{a1}/attachment/", [200, 200, 200, 404, 403, 403, 302]),
    "detail_b1": ("/public/manage/{b1}/", [200, 404, 404, 200, 403, 403, 302]),
    "board": ("/public/", [200] * 7),
    "township_board": ("/public/A0/", [200] * 7),
    "survey_entry": ("/public/survey/", [200] * 7),
}


@pytest.fixture
def items(publish, county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a1 = publish(
        title="甲村 2026 年党费收缴情况",
        category="dues",
        publish_on=TODAY + dt.timedelta(days=2),
        attachment=SimpleUploadedFile("明细.pdf", PDF, content_type="application/pdf"),
    )
    b1 = publish(title="丙村决策事项", org=county.village_b1)
    return {"a1": a1.pk, "b1": b1.pk}


@pytest.mark.parametrize("page", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client_for, items, page, role_index):
    url, expected = READS[page]
    response = client_for(ROLES[role_index]).get(url.format(**items))
    assert response.status_code == expected[role_index], response.content[:300]
    if expected[role_index] == 302:
        assert response["Location"].startswith("/accounts/login/")


def _new(org, **changes):
    return {
        "org": org.pk,
        "category": "result",
        "title": "村级道路硬化工程实施结果",
        "body": "工程已于 4 月完工，决算 12.6 万元。",
        "publish_on": f"{TODAY:%Y-%m-%d}",
        "expires_on": f"{TODAY + dt.timedelta(days=15):%Y-%m-%d}",
        **changes,
    }


@pytest.mark.parametrize(
    ("role", "status"), list(zip(ROLES, [302, 302, 302, 422, 403, 403, 302], strict=True))
)
def test_publish_access_matrix(client_for, county, clock, role, status):
    client = client_for(role)
    audits = AuditEntry.objects.count()
    response = client.post("/public/manage/new/", _new(county.village_a1))
    assert response.status_code == status
    published = DisclosureItem.objects.filter(title="村级道路硬化工程实施结果")
    if role in ("admin", "officer", "secretary"):
        item = published.get()
        assert response["Location"] == f"/public/manage/{item.pk}/"
        assert AuditEntry.objects.count() == audits + 1
    else:
        assert not published.exists() and AuditEntry.objects.count() == audits
    if role == "secretary_b":
        assert "选择一个有效的选项" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), list(zip(ROLES, [302, 302, 302, 404, 403, 403, 302], strict=True))
)
def test_withdraw_access_matrix(client_for, items, role, status):
    client = client_for(role)
    audits = AuditEntry.objects.count()
    response = client.post(f"/public/manage/{items['a1']}/withdraw/", {"reason": "数据需要核对"})
    assert response.status_code == status
    item = DisclosureItem.objects.get(pk=items["a1"])
    if role in ("admin", "officer", "secretary"):
        assert item.withdrawn_at is not None and AuditEntry.objects.count() == audits + 1
    else:
        assert item.withdrawn_at is None and AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("role", "status"), list(zip(ROLES, [302, 302, 302, 404, 403, 403, 302], strict=True))
)
def test_edit_access_matrix(client_for, items, role, status):
    client = client_for(role)
    audits = AuditEntry.objects.count()
    data = {
        "category": "dues",
        "title": "甲村 2026 年第一季度党费收缴情况",
        "body": "应交 10 人，实交 10 人。",
        "publish_on": f"{TODAY + dt.timedelta(days=2):%Y-%m-%d}",
        "expires_on": f"{TODAY + dt.timedelta(days=20):%Y-%m-%d}",
    }
    response = client.post(f"/public/manage/{items['a1']}/edit/", data)
    assert response.status_code == status
    item = DisclosureItem.objects.get(pk=items["a1"])
    changed = item.title == "甲村 2026 年第一季度党费收缴情况"
    assert changed == (role in ("admin", "officer", "secretary"))
    assert AuditEntry.objects.count() == audits + (1 if changed else 0)
    assert item.attachment_name == "明细.pdf"  # kept unless removed or replaced


def test_the_form_shows_the_rule_next_to_the_field_and_stores_nothing(client_for, county, clock):
    response = client_for("secretary").post(
        "/public/manage/new/", _new(county.village_a1, expires_on=f"{TODAY:%Y-%m-%d}", title="")
    )
    page = response.content.decode()
    assert response.status_code == 422 and "请填写标题" in page
    assert not DisclosureItem.objects.exists()
    response = client_for("secretary").post(
        "/public/manage/new/", _new(county.village_a1, expires_on=f"{TODAY:%Y-%m-%d}")
    )
    assert response.status_code == 422 and "截止日期应晚于公开日期" in response.content.decode()
    assert not DisclosureItem.objects.exists()


def test_a_live_item_is_not_offered_for_change(client_for, publish, clock):
    item = publish()
    client = client_for("admin")
    detail = client.get(f"/public/manage/{item.pk}/").content.decode()
    assert "公开中" in detail and f"/public/manage/{item.pk}/edit/" not in detail
    assert f"/public/manage/{item.pk}/withdraw/" in detail and f"/public/items/{item.pk}/" in detail
    page = client.get(f"/public/manage/{item.pk}/edit/")
    assert page.status_code == 409 and "第十五条" in page.content.decode()
    refused = client.post(
        f"/public/manage/{item.pk}/edit/", {"title": "改", "category": "other", "body": "x"}
    )
    assert refused.status_code in (409, 422)
    item.refresh_from_db()
    assert item.title == "关于村级活动场所改造的决定"


def test_the_detail_page_and_its_log(client_for, items, personas):
    client = client_for("secretary")
    client.post(f"/public/manage/{items['a1']}/withdraw/", {"reason": "数据需要核对"})
    detail = client.get(f"/public/manage/{items['a1']}/").content.decode()
    assert "已撤回" in detail and "数据需要核对" in detail and "明细.pdf" in detail
    log = client.get(f"/public/manage/{items['a1']}/?tab=log").content.decode()
    assert "撤回党务公开事项" in log and "撤回原因" in log and "新增" in log


def test_the_list_filters_by_state_category_text_and_organization(client_for, publish, county, clock):
    publish(title="公开中的决定")
    publish(title="待公开的结果", category="result", publish_on=TODAY + dt.timedelta(days=3))
    publish(title="甲镇的党费", category="dues", org=county.town_a)
    client = client_for("admin")

    def titles(**params) -> set[str]:
        page = client.get("/public/manage/", params).content.decode()
        return {t for t in ("公开中的决定", "待公开的结果", "甲镇的党费") if t in page}

    assert titles() == {"公开中的决定", "待公开的结果", "甲镇的党费"}
    assert titles(state="scheduled") == {"待公开的结果"}
    assert titles(state="live") == {"公开中的决定", "甲镇的党费"}
    assert titles(category="dues") == {"甲镇的党费"}
    assert titles(q="结果") == {"待公开的结果"}
    assert titles(within=county.village_a1.pk) == {"公开中的决定", "待公开的结果"}
    assert titles(state="nonsense") == {"公开中的决定", "待公开的结果", "甲镇的党费"}
    assert client.get("/public/manage/", {"within": county.village_b1.pk}).status_code == 200
    assert client_for("secretary").get("/public/manage/", {"within": county.village_b1.pk}).status_code == 404


def test_the_filter_bar_swaps_only_the_list_and_keeps_the_url(client_for, publish):
    publish(title="公开中的决定")
    response = client_for("admin").get(
        "/public/manage/", {"state": "live"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-body"
    )
    page = response.content.decode()
    assert response.status_code == 200 and "公开中的决定" in page and "<html" not in page
    assert response["HX-Push-Url"] == "/public/manage/?state=live"


def test_a_secretary_sees_only_their_branch(client_for, items):
    page = client_for("secretary_b").get("/public/manage/").content.decode()
    assert "丙村决策事项" in page and "甲村 2026 年党费收缴情况" not in page


@pytest.mark.parametrize(
    ("role", "shown"), [("admin", True), ("secretary", True), ("member", False), ("reviewer", False)]
)
def test_the_navigation_entry_for_the_tree_roles(client_for, county, role, shown):
    page = client_for(role).get("/").content.decode()
    assert ('href="/public/manage/"' in page) is shown
