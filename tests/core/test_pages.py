"""The home page for each role, the layout around it, and the audit log page (county admin only)."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from dangjian.core import audit
from dangjian.core.models import AuditEntry
from dangjian.orgs import services

pytestmark = pytest.mark.django_db


def _chart_data(body: str) -> dict:
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', body, re.S)
    assert match, "the overview carries its chart numbers in a json_script block"
    return json.loads(match.group(1))


# --- home ----------------------------------------------------------------------------------------------------


def test_overview_for_the_county_admin_has_cards_charts_and_tables(county, client_for):
    body = client_for("admin").get(reverse("core:home")).content.decode()
    assert "组织总数" in body and "党员总数" in body and "正式党员" in body and "预备党员" in body
    data = _chart_data(body)
    assert set(data) == {"by_kind", "by_domain", "by_category", "by_status"}
    kinds = dict(zip(data["by_kind"]["labels"], data["by_kind"]["values"], strict=True))
    assert kinds["党委"] == 3 and kinds["党支部"] == 3 and kinds["党小组"] == 1
    categories = dict(zip(data["by_category"]["labels"], data["by_category"]["values"], strict=True))
    assert categories == {"正式党员": 16, "预备党员": 3}
    # Every chart's numbers are also in a table on the page.
    assert body.count('<table class="table table-sm chart-table">') == 4
    assert '<td>党支部</td><td class="num">3</td>' in body
    # Charts are drawn by a static script; the page has no inline script.
    assert "js/charts.js" in body and "vendor/echarts/echarts.min.js" in body
    assert not re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", body)


def test_overview_is_limited_to_the_officers_subtree(county, client_for):
    data = _chart_data(client_for("officer").get(reverse("core:home")).content.decode())
    categories = dict(zip(data["by_category"]["labels"], data["by_category"]["values"], strict=True))
    assert categories == {"正式党员": 12, "预备党员": 2}  # 甲村 9 + 2, 乙村 3; not 丙村


def test_member_sees_only_their_own_record_masked(county, client_for):
    body = client_for("member").get(reverse("core:home")).content.decode()
    assert "我的党员信息" in body and "李华" in body and "甲村党支部" in body
    number = county.own_member.id_number
    assert number not in body and f"{number[:6]}********{number[-4:]}" in body
    assert "13812345678" not in body and "138****5678" in body
    assert "组织架构" not in body  # no tree in the navigation
    assert "chart-data" not in body


def test_reviewer_gets_a_friendly_empty_page(county, client_for):
    body = client_for("reviewer").get(reverse("core:home")).content.decode()
    assert "目前还没有分配给您的评审或督查任务" in body
    assert "组织架构" not in body


def test_layout_shows_platform_scope_role_and_logout(county, client_for):
    body = client_for("officer").get(reverse("core:home")).content.decode()
    assert "党建通" in body
    assert "甲镇党委" in body  # the scope
    assert "党（工）委工作人员" in body  # the role
    assert 'action="/accounts/logout/"' in body and "退出" in body
    assert reverse("orgs:tree") in body and reverse("core:audit_log") not in body


def test_navigation_offers_the_audit_log_to_the_county_admin_only(county, client_for):
    assert reverse("core:audit_log") in client_for("admin").get(reverse("core:home")).content.decode()
    assert reverse("core:audit_log") not in client_for("secretary").get(reverse("core:home")).content.decode()


def test_no_page_refers_to_an_outside_url(county, client_for):
    client = client_for("admin")
    for url in (
        reverse("core:home"),
        reverse("orgs:tree"),
        reverse("core:audit_log"),
        reverse("accounts:login"),
    ):
        body = client.get(url).content.decode()
        assert not re.search(r'(src|href)="(https?:)?//', body), url


# --- audit log -----------------------------------------------------------------------------------------------


@pytest.fixture
def history(county, personas):
    """A few writes by different people, so the log has something to filter."""
    services.org_update(actor=personas.officer, org=county.village_a2, name="乙村联合党支部")
    services.org_create(
        actor=personas.secretary,
        parent=county.village_a1,
        name="甲村第二党小组",
        code="A1G2",
        kind="group",
        domain="rural",
    )
    services.org_update(actor=personas.admin, org=county.village_b1, unit_count=2)


def test_audit_log_lists_entries_newest_first_with_before_and_after(history, client_for):
    body = client_for("admin").get(reverse("core:audit_log")).content.decode()
    assert body.index("丙村党支部") < body.index("甲村第二党小组") < body.index("乙村联合党支部")
    # Each row expands to its field changes, with labels and before → after values.
    assert 'data-bs-toggle="collapse"' in body
    assert "组织名称" in body and "乙村党支部" in body and "覆盖单位数" in body


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ({"actor": "xiangzhen"}, "乙村联合党支部", "甲村第二党小组"),
        ({"action": "create"}, "甲村第二党小组", "乙村联合党支部"),
        ({"org": "B1"}, "丙村党支部", "甲村第二党小组"),
        ({"org": "乙村"}, "乙村联合党支部", "丙村党支部"),
        ({"object_type": "orgs.leadershipposition"}, "没有符合条件的记录", "乙村联合党支部"),
    ],
)
def test_audit_log_filters(history, client_for, query, present, absent):
    body = client_for("admin").get(reverse("core:audit_log"), query).content.decode()
    table = body.split('id="audit-results"')[1]
    assert present in table and absent not in table


def test_audit_log_date_filter_and_htmx_partial(history, client_for):
    client = client_for("admin")
    today = dt.date.today().isoformat()
    partial = client.get(
        reverse("core:audit_log"), {"date_from": today, "date_to": today}, HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert "<html" not in body and "乙村联合党支部" in body
    none = client.get(reverse("core:audit_log"), {"date_to": "2000-01-01"}, HTTP_HX_REQUEST="true")
    assert "没有符合条件的记录" in none.content.decode()


def test_audit_log_pages_by_keyset(county, personas, client_for):
    client = client_for("admin")  # signing in is audited too: do it before the 55 entries
    for i in range(55):
        audit.record(
            actor=personas.admin,
            action="update",
            obj=county.village_a1,
            org=county.village_a1,
            summary=f"第{i}次",
        )
    first = client.get(reverse("core:audit_log")).content.decode()
    assert "第54次" in first and "第5次<" in first and "第4次<" not in first
    older = re.search(r'href="(\?older_than=\d+)"', first).group(1)
    second = client.get(reverse("core:audit_log") + older).content.decode()
    assert "第4次<" in second and "第0次<" in second and "第54次" not in second
    newer = re.search(r'href="(\?newer_than=\d+)"', second.replace("&amp;", "&")).group(1)
    back = client.get(reverse("core:audit_log") + newer).content.decode()
    assert "第54次" in back


def test_audit_log_of_another_county_is_invisible(county, personas, client_for):
    from tests.factories import make_org

    other = make_org(name="外县委", kind="committee", domain="organ", code="X0")
    audit.record(actor=None, action="update", obj=other, org=other, summary="外县的修改")
    assert "外县的修改" not in client_for("admin").get(reverse("core:audit_log")).content.decode()
    assert AuditEntry.objects.filter(summary="外县的修改").exists()


def test_pages_render_when_english_is_asked_for(county, client_for):
    # No English catalog is needed: untranslated strings fall back to the Chinese source (decision 0002).
    client = client_for("admin")
    for url in (
        reverse("core:home"),
        reverse("orgs:tree"),
        reverse("orgs:detail", args=[county.village_a1.pk]) + "?tab=structure",
        reverse("core:audit_log"),
    ):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200, url
