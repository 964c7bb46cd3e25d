"""The organization tree in a real browser (Debian's Chromium through Playwright): sign in, expand a node
(htmx), search, open an organization and read its structure findings."""

import importlib
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOT = Path("/tmp/dangjian-org-structure.png")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="浏览器测试需要 Debian 的 chromium 软件包（/usr/bin/chromium）：apt-get install chromium",
    ),
]


@pytest.fixture
def audit_cleanup(transactional_db):
    """Let the transactional test's flush empty the append-only audit table on SQLite.

    SQLite flushes with DELETE, which the append-only trigger (core migration 0003) refuses; PostgreSQL
    flushes with TRUNCATE, which row triggers do not see. So on SQLite: drop the trigger, empty the table,
    put the trigger back, and leave the flush an empty table.
    """
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    append_only = importlib.import_module("dangjian.core.migrations.0003_audit_append_only")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")
        cursor.execute("DELETE FROM core_auditentry")
        for statement in append_only.SQLITE:
            if "no_delete" in statement:
                cursor.execute(statement)


@pytest.fixture
def page(monkeypatch, audit_cleanup):
    # Playwright's sync API keeps an event loop in this thread; Django would then refuse the ORM calls
    # that the live server's fixtures and assertions make from it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
        page.on("requestfailed", lambda request: page.problems.append(f"failed: {request.url}"))
        page.on(
            "response",
            lambda response: (
                response.status >= 400 and page.problems.append(f"{response.status}: {response.url}")
            ),
        )
        yield page
        browser.close()


def _sign_in(page, base_url, username="admin", next_path="/orgs/"):
    page.goto(base_url + next_path)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("dangjian2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + next_path)


@pytest.mark.django_db(transaction=True)
def test_admin_expands_the_tree_and_reads_the_structure_check(live_server, personas, county, page):
    from playwright.sync_api import expect

    _sign_in(page, live_server.url)
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

    _sign_in(page, live_server.url)
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

    _sign_in(page, live_server.url, username="zhibu", next_path=f"/orgs/{county.village_a1.pk}/")
    page.get_by_role("link", name="新增下级组织").click()
    page.get_by_role("button", name="设立").click()
    expect(page.get_by_text("请填写组织名称")).to_be_visible()  # nothing was created
    page.get_by_label("组织名称").fill("甲村第二党小组")
    page.get_by_label("组织编码").fill("A1G2")
    page.get_by_role("button", name="设立").click()
    expect(page.get_by_text("已在“甲村党支部”下设立党小组“甲村第二党小组”")).to_be_visible()
    expect(page.get_by_role("heading", name="甲村第二党小组")).to_be_visible()
    assert [p for p in page.problems if not p.startswith("422")] == []
