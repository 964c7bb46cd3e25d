"""The organization tree in a real browser (Debian's Chromium through Playwright): sign in, expand a node
(htmx), search, open an organization and read its structure findings."""

import re
from pathlib import Path

import pytest

from tests.browser.signin import sign_in

SCREENSHOT = Path("/tmp/dangjian-org-structure.png")


@pytest.fixture
def page(browser):
    page = browser.open(timeout_ms=10_000)
    page.problems = browser.problems
    return page


@pytest.mark.django_db(transaction=True)
def test_admin_expands_the_tree_and_reads_the_structure_check(live_server, personas, county, page):
    from playwright.sync_api import expect

    sign_in(page, live_server.url, "admin", "/orgs/")
    expect(page.get_by_role("heading", name="组织架构")).to_be_visible()
    # The towns are shown; the villages under them are loaded only when a town is expanded.
    village = page.get_by_role("link", name="甲村党支部")
    expect(page.get_by_role("link", name="甲镇党委")).to_be_visible()
    expect(village).to_have_count(0)

    page.get_by_role("button", name="展开“甲镇党委”的下级组织").click()
    expect(village).to_be_visible()
    expect(page.get_by_role("link", name="乙村党支部")).to_be_visible()
    # Collapsing hides the rows; expanding again shows them without loading them twice.
    page.get_by_role("button", name="收起“甲镇党委”的下级组织").click()
    expect(village).to_be_hidden()
    page.get_by_role("button", name="展开“甲镇党委”的下级组织").click()
    expect(village).to_be_visible()
    expect(page.get_by_role("link", name="甲村党支部")).to_have_count(1)

    village.click()
    expect(page.get_by_role("heading", name="甲村党支部")).to_be_visible()
    page.locator(".nav-tabs").get_by_role("link", name=re.compile("组织设置检查")).click()
    expect(page).to_have_url(re.compile(r"\?tab=structure$"))
    finding = page.get_by_text("应设立由 3 至 5 人组成的支部委员会")
    expect(finding).to_be_visible()
    expect(page.get_by_text("依据：支部条例 第20条").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
    assert page.problems == []


@pytest.mark.django_db(transaction=True)
def test_search_by_code_shows_the_path_and_keeps_it_in_the_url(live_server, personas, county, page):
    from playwright.sync_api import expect

    sign_in(page, live_server.url, "admin", "/orgs/")
    page.get_by_label("名称或编码").fill("A1G1")
    hit = page.get_by_role("link", name="甲村第一党小组")
    expect(hit).to_be_visible()
    expect(page.locator(".hit-path").first).to_contain_text("甲镇党委")
    expect(page).to_have_url(re.compile(r"/orgs/\?q=A1G1$"))
    # The URL is shareable: opening it again shows the same hits.
    page.reload()
    expect(hit).to_be_visible()
    page.get_by_label("组织类别").select_option("branch")
    expect(page.get_by_text("没有找到符合条件的组织")).to_be_visible()
    expect(page).to_have_url(re.compile(r"kind=branch"))
    assert page.problems == []


@pytest.mark.django_db(transaction=True)
def test_secretary_sets_up_a_party_group_through_the_form(live_server, personas, county, page):
    from playwright.sync_api import expect

    sign_in(page, live_server.url, "zhibu", f"/orgs/{county.village_a1.pk}/")
    page.get_by_role("link", name="新增下级组织").click()
    page.get_by_role("button", name="设立").click()
    expect(page.get_by_text("请填写组织名称")).to_be_visible()  # nothing was created
    page.get_by_label("组织名称").fill("甲村第二党小组")
    page.get_by_label("组织编码").fill("A1G2")
    page.get_by_role("button", name="设立").click()
    expect(page.get_by_text("已在“甲村党支部”下设立党小组“甲村第二党小组”")).to_be_visible()
    expect(page.get_by_role("heading", name="甲村第二党小组")).to_be_visible()
    assert [p for p in page.problems if not p.startswith("422")] == []
