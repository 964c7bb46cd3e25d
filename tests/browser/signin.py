"""Signing in through the login page, as a person would."""


def sign_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(base_url + next_path)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("dangjian2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + next_path)
