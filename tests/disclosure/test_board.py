"""The public board (no login): items only within their dates and never withdrawn, each organization's board
shows its subtree, site notices with an objection link, designated sites without the revoked ones, running
candidate notices with name, branch and period only — and no ID number or phone anywhere."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.disclosure import services
from dangjian.members.models import Member
from dangjian.sites.models import Site

from .conftest import CANDIDATE_ID, CANDIDATE_PHONE, TODAY

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def board(client, code: str | None = None) -> str:
    response = client.get(f"/public/{code}/" if code else "/public/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_item_is_on_the_board_from_its_publishing_day_through_its_closing_day(client, publish, clock):
    publish(title="今天公开的决定", expires_on=TODAY + dt.timedelta(days=5))
    publish(title="三天后公开的结果", category="result", publish_on=TODAY + dt.timedelta(days=3))
    page = board(client)
    assert "今天公开的决定" in page and "三天后公开的结果" not in page
    clock.move_to(TODAY + dt.timedelta(days=3))
    page = board(client)
    assert "今天公开的决定" in page and "三天后公开的结果" in page
    clock.move_to(TODAY + dt.timedelta(days=5))
    assert "今天公开的决定" in board(client)
    clock.move_to(TODAY + dt.timedelta(days=6))
    assert "今天公开的决定" not in board(client)


def test_an_item_page_and_its_attachment_follow_the_same_dates(client, publish, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("党费收缴明细.pdf", PDF, content_type="application/pdf")
    item = publish(
        title="党费收缴情况", category="dues", attachment=upload, expires_on=TODAY + dt.timedelta(days=2)
    )
    page = client.get(f"/public/items/{item.pk}/")
    assert (
        page.status_code == 200
        and "党费收缴情况" in page.content.decode()
        and "党费收缴明细.pdf" in page.content.decode()
    )
    download = client.get(f"/public/items/{item.pk}/attachment/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    clock.move_to(TODAY + dt.timedelta(days=3))
    assert client.get(f"/public/items/{item.pk}/").status_code == 404
    assert client.get(f"/public/items/{item.pk}/attachment/").status_code == 404


def test_a_withdrawn_item_leaves_the_board_at_once(client, publish, personas):
    item = publish(title="需要撤回的决定")
    assert "需要撤回的决定" in board(client)
    services.item_withdraw(actor=personas.secretary, item=item, reason="内容有误")
    assert "需要撤回的决定" not in board(client)
    assert client.get(f"/public/items/{item.pk}/").status_code == 404
    assert client.get(f"/public/items/{item.pk}/attachment/").status_code == 404


def test_a_scheduled_item_page_does_not_exist_yet(client, publish):
    item = publish(publish_on=TODAY + dt.timedelta(days=1))
    assert client.get(f"/public/items/{item.pk}/").status_code == 404
    assert client.get("/public/items/999999/").status_code == 404


def test_each_board_shows_its_own_subtree(client, publish, county):
    publish(title="县委公开", org=county.root)
    publish(title="甲镇公开", org=county.town_a)
    publish(title="甲村公开", org=county.village_a1)
    publish(title="丙村公开", org=county.village_b1)
    everything = {"县委公开", "甲镇公开", "甲村公开", "丙村公开"}
    expected = {
        None: everything,
        "C0": everything,
        "A0": {"甲镇公开", "甲村公开"},
        "A1": {"甲村公开"},
        "A2": set(),
        "B0": {"丙村公开"},
        "B1": {"丙村公开"},
    }
    for code, titles in expected.items():
        page = board(client, code)
        assert {t for t in everything if t in page} == titles, code


def test_the_board_links_up_and_down_the_tree(client, county):
    page = board(client, "A0")
    assert "甲镇党委 党务公开栏" in page
    assert "/public/C0/" in page  # up to the county
    assert "/public/A1/" in page and "/public/A2/" in page  # down to the villages
    assert "/public/B1/" not in page


def test_an_unknown_or_dissolved_organization_has_no_board(client, county):
    assert client.get("/public/NOPE/").status_code == 404
    county.village_a2.dissolved_on = dt.date(2026, 1, 1)
    county.village_a2.save()
    assert client.get("/public/A2/").status_code == 404


def test_an_empty_board_says_so(client, county, clock):
    page = board(client)
    assert "目前没有公开中的事项" in page and "输入测评码" in page


def test_a_running_site_notice_shows_the_period_and_an_objection_link(client, walk, clock):
    application = walk("publicized")
    notice = application.notice
    page = board(client)
    assert notice.title in page and "甲村党支部" in page
    assert f"{notice.starts_on:%Y-%m-%d} 至 {notice.ends_on:%Y-%m-%d}" in page
    assert f"/public/objections/{application.pk}/" in page
    assert "甲村党支部" in board(client, "A1") and notice.title not in board(client, "B0")
    clock.move_to(notice.ends_on + dt.timedelta(days=1))
    assert notice.title not in board(client)


def test_designated_sites_by_tier_and_domain_and_the_revoked_ones_gone(client, walk, county):
    application = walk("designated", org=county.village_a2)
    site = Site.objects.get(application=application)
    page = board(client)
    assert site.plaque_no in page and "乙村党支部" in page and "县级示范点（1 个）" in page and "农村" in page
    assert site.plaque_no in board(client, "A2") and site.plaque_no not in board(client, "B0")
    Site.objects.filter(pk=site.pk).update(revoked_on=TODAY, revoke_reason="复审未通过")
    assert site.plaque_no not in board(client)


def test_a_candidate_notice_shows_name_branch_and_period_while_it_runs(client, candidate, clock):
    page = board(client)
    assert "发展对象公示" in page and "赵公示" in page and "2026-04-13 至 2026-04-17" in page
    assert "赵公示" in board(client, "A1") and "赵公示" not in board(client, "B0")
    clock.move_to(dt.date(2026, 4, 18))
    assert "赵公示" not in board(client)


def test_a_withdrawn_candidate_is_not_on_the_board(client, candidate):
    candidate.stage = "withdrawn"
    candidate.closed_on = TODAY
    candidate.save()
    assert "赵公示" not in board(client)


def test_no_id_number_or_phone_reaches_the_board(client, api_for, walk, candidate, publish, county):
    walk("publicized")
    publish(title="公开事项")
    members = list(Member.objects.all())
    assert members, "the county has members whose data must stay out"
    api = json.dumps(client.get("/api/v1/disclosure/board").json(), ensure_ascii=False)
    for page in (board(client), board(client, "A1"), api):
        assert "赵公示" in page
        assert CANDIDATE_ID not in page and CANDIDATE_ID[:6] + "*" not in page and CANDIDATE_PHONE not in page
        assert "甲村合作社" not in page and "1998" not in page  # work unit, birth year
        for member in members:
            assert member.id_number not in page and member.phone not in page


def test_the_board_reads_a_fixed_number_of_queries(
    client, walk, publish, candidate, county, django_assert_max_num_queries
):
    walk("publicized")
    for n in range(6):
        publish(title=f"公开事项{n}", org=county.village_a1 if n % 2 else county.town_b)
    with django_assert_max_num_queries(12):
        assert client.get("/public/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/public/A1/").status_code == 200
