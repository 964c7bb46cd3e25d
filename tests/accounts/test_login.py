"""Signing in and out through the web pages, in Chinese."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_self_contained(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "账号登录" in body and "用户名" in body and "密码" in body
    assert 'lang="zh-CN"' in body and "//cdn" not in body


def test_signing_in_goes_to_the_home_page(client, personas):
    response = client.post(reverse("accounts:login"), {"username": "xiangzhen", "password": "dangjian2026"})
    assert response.status_code == 302 and response.url == reverse("core:home")
    assert "甲镇党委" in client.get(response.url).content.decode()


def test_signing_in_returns_to_the_page_asked_for(client, personas):
    response = client.post(
        reverse("accounts:login") + "?next=/orgs/",
        {"username": "admin", "password": "dangjian2026", "next": "/orgs/"},
    )
    assert response.url == "/orgs/"


def test_wrong_password_says_so_in_chinese(client, personas):
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_empty_fields_are_named(client, personas):
    body = client.post(reverse("accounts:login"), {"username": "", "password": ""}).content.decode()
    assert "请填写用户名" in body and "请填写密码" in body


def test_lockout_page_says_how_long(client, personas):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "zhibu", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "zhibu", "password": "dangjian2026"})
    assert response.status_code == 429
    assert "登录失败次数过多，账号已临时锁定，请 30 分钟后再试或联系管理员" in response.content.decode()


def test_logout_is_a_post_and_returns_to_login(client_for):
    client = client_for("admin")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert client.get(reverse("core:home")).status_code == 302
