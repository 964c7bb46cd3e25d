"""Member-development pages in a real browser (Debian's Chromium through Playwright): the htmx previews of the
step forms — the vote figures follow the meeting chosen, the notice's last working day follows its first —
then the step recorded and the case page showing it. Fixtures as in tests/browser/test_org_tree.py."""

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from dangjian.recruitment.models import CaseStep

from ._flow import TIMETABLE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="浏览器测试需要 Debian 的 chromium 软件包（/usr/bin/chromium）：apt-get install chromium",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_page(monkeypatch, audit_cleanup, live_server):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
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


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    host = live_server.url.split("//")[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )


def test_the_vote_figures_follow_the_meeting_and_the_vote_is_recorded(
    browser_page, live_server, flow, personas
):
    case = flow.to(flow.new_case(person_name="张小明"), 14)
    meeting = flow.assembly(TIMETABLE[15], present=7)
    sign_in(browser_page, live_server, personas.secretary)
    page = browser_page
    page.goto(f"{live_server.url}/recruitment/{case.pk}/steps/15/")
    figures = page.locator("#vote-figures")
    assert figures.locator(".vote-preview").count() == 0
    page.select_option("select[name=meeting]", str(meeting.pk))
    page.wait_for_selector("#vote-figures .vote-preview")
    assert "达到法定人数" in figures.inner_text() and "至少 5 票" in figures.inner_text()
    should_attend = "document.querySelectorAll('#vote-figures .vote-preview__value')[1]?.innerText === '%s'"
    page.fill("input[name=excluded]", "4")  # four left out with the higher organization's consent
    page.dispatch_event("input[name=excluded]", "change")
    page.wait_for_function(should_attend % "5")
    page.fill("input[name=excluded]", "0")
    page.dispatch_event("input[name=excluded]", "change")
    page.wait_for_function(should_attend % "9")
    page.fill("input[name=yes]", "6")
    page.fill("input[name=no]", "1")
    page.click("button[type=submit]:has-text('登记')")
    page.wait_for_url(f"**/recruitment/{case.pk}/?tab=steps")
    assert "表决通过" in page.locator(".app-messages").inner_text()
    assert CaseStep.objects.get(case=case, step=15).vote.yes == 6
    assert page.problems == []


def test_the_notice_end_follows_its_start(browser_page, live_server, flow, personas):
    case = flow.to(flow.new_case(person_name="李小红"), 12)
    flow.at(dt.date(2025, 5, 14))
    sign_in(browser_page, live_server, personas.officer)
    page = browser_page
    page.goto(f"{live_server.url}/recruitment/{case.pk}/steps/13/")
    page.fill("input[name=notice_starts_on]", "2025-05-09")  # a Friday: the weekend does not count
    page.dispatch_event("input[name=notice_starts_on]", "change")
    page.wait_for_selector("#notice-end .alert")
    assert "公示期 2025-05-09 至 2025-05-15（5 个工作日）" in page.locator("#notice-end").inner_text()
    assert page.problems == []
