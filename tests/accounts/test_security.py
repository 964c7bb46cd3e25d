"""Passwords are hashed with Argon2; repeated failed logins lock the account (django-axes)."""

import importlib
import os

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_production_settings_hash_with_argon2(monkeypatch):
    monkeypatch.delenv("DANGJIAN_TESTING", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", "ZGFuZ2ppYW4tZGV2LWZpZWxkLWtleS0wMTIzNDU2Nzg=")
    import dangjian.settings as settings_module

    production = importlib.reload(settings_module)
    try:
        assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
        assert production.DEBUG is False
    finally:
        os.environ["DANGJIAN_TESTING"] = "1"
        importlib.reload(settings_module)


def test_production_settings_refuse_to_start_without_keys(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DANGJIAN_TESTING", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DEBUG", "false")
    import dangjian.settings as settings_module

    try:
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
            importlib.reload(settings_module)
    finally:
        os.environ["DANGJIAN_TESTING"] = "1"
        monkeypatch.delenv("DEBUG", raising=False)
        importlib.reload(settings_module)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_stored_password_is_an_argon2_hash(personas):
    personas.admin.set_password("dangjian2026")
    personas.admin.save()
    personas.admin.refresh_from_db()
    assert personas.admin.password.startswith("argon2$")


def test_five_failed_api_logins_lock_the_account_even_with_the_right_password(client, personas):
    for attempt in range(1, 6):
        response = client.post(
            "/api/v1/auth/token", {"username": "zhibu", "password": "wrong"}, content_type="application/json"
        )
        # The fifth failure is the one that locks.
        assert response.status_code == (429 if attempt == 5 else 401)
    locked = client.post(
        "/api/v1/auth/token",
        {"username": "zhibu", "password": "dangjian2026"},
        content_type="application/json",
    )
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"]


def test_locked_out_web_login_shows_the_chinese_page(client, personas):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "zhibu", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "zhibu", "password": "dangjian2026"})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
