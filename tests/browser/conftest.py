"""Browser tests drive Debian's Chromium (`/usr/bin/chromium`) through Playwright against the live server.

`browser.open()` gives a page in a fresh context (its own cookies); every page records its problems in
`browser.problems`: script errors, responses of 400 and above, and requests that failed for a reason other
than being abandoned by a navigation (`net::ERR_ABORTED`: e.g. the favicon of a page left at once — a file
that is really missing answers 404 and is caught as a response).
"""

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


def pytest_collection_modifyitems(config, items):
    missing = pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="浏览器测试需要 Debian 的 chromium 软件包（/usr/bin/chromium）：apt-get install chromium",
    )
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(missing)


def _request_failed(problems: list[str], request) -> None:
    if request.failure != "net::ERR_ABORTED":
        problems.append(f"failed: {request.url} ({request.failure})")


@pytest.fixture
def browser(monkeypatch, audit_cleanup):
    """A Chromium; `browser.open()` gives a page in a fresh context, collecting problems in `browser.problems`."""
    # Playwright's sync API keeps an event loop in this thread; Django would then refuse the ORM calls
    # that the fixtures and assertions make from it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

        def open_page(timeout_ms: int = 15_000):
            context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
            page.on("requestfailed", lambda request: _request_failed(problems, request))
            page.on(
                "response",
                lambda response: (
                    response.status >= 400 and problems.append(f"{response.status}: {response.url}")
                ),
            )
            page.on("dialog", lambda dialog: dialog.accept())  # the "确定……吗？" confirmations
            return page

        chromium.open = open_page
        chromium.problems = problems
        yield chromium
        chromium.close()
