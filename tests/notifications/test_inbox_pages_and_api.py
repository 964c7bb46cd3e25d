"""The inbox pages (/inbox/) and API (/api/v1/notifications): every role has one, and sees only its own."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.notifications.models import Notification

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
USERS = [r for r in ROLES if r]


@pytest.fixture
def inboxes(personas):
    """Two unread messages (a warning, a reminder) and one read message for every persona."""
    made = {}
    for name in USERS:
        user = getattr(personas, name)
        made[name] = [
            Notification.objects.create(
                recipient=user,
                level="warning",
                category="meeting",
                title=f"{name} 的预警",
                body="已逾期",
                url="/orgs/",
                dedup_key="w",
            ),
            Notification.objects.create(
                recipient=user, level="reminder", category="term", title=f"{name} 的提醒", dedup_key="r"
            ),
            Notification.objects.create(
                recipient=user,
                level="info",
                category="general",
                title=f"{name} 的旧通知",
                dedup_key="i",
                read_at=timezone.now() - dt.timedelta(days=1),
            ),
        ]
    return made


# --- pages -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_has_an_inbox_page_showing_only_its_own_messages(client_for, inboxes, role):
    response = client_for(role).get(reverse("notifications:inbox"))
    if role is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{role} 的预警" in body and f"{role} 的提醒" in body and f"{role} 的旧通知" in body
    for other in USERS:
        if other != role:
            assert f"{other} 的预警" not in body


def test_unread_messages_come_first(client_for, inboxes):
    body = client_for("secretary").get(reverse("notifications:inbox")).content.decode()
    assert body.index("secretary 的提醒") < body.index("secretary 的旧通知")
    assert body.index("secretary 的预警") < body.index("secretary 的旧通知")


def test_levels_are_shown_with_an_icon_and_a_word(client_for, inboxes):
    body = client_for("secretary").get(reverse("notifications:inbox")).content.decode()
    assert "bi-exclamation-triangle-fill" in body and "预警</span>" in body
    assert "bi-alarm" in body and "提醒</span>" in body


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"level": "warning"}, ["的预警"], ["的提醒", "的旧通知"]),
        ({"category": "term"}, ["的提醒"], ["的预警", "的旧通知"]),
        ({"state": "read"}, ["的旧通知"], ["的预警", "的提醒"]),
        ({"state": "unread"}, ["的预警", "的提醒"], ["的旧通知"]),
        ({"level": "nonsense"}, ["的预警", "的提醒", "的旧通知"], []),  # unknown filter values are ignored
    ],
)
def test_the_filters_narrow_the_list(client_for, inboxes, query, shown, hidden):
    body = client_for("secretary").get(reverse("notifications:inbox"), query).content.decode()
    list_part = body[body.index('id="inbox-list"') :]
    for text in shown:
        assert f"secretary {text}" in list_part
    for text in hidden:
        assert f"secretary {text}" not in list_part


def test_htmx_filtering_returns_the_list_the_counts_and_the_bell_and_keeps_the_url(client_for, inboxes):
    response = client_for("secretary").get(
        reverse("notifications:inbox"),
        {"level": "warning"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="inbox-list",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "secretary 的预警" in body and "secretary 的提醒" not in body
    assert 'id="inbox-bell"' in body and 'id="inbox-cards"' in body and 'hx-swap-oob="true"' in body
    assert response["HX-Push-Url"] == "/inbox/?level=warning"


def test_opening_a_message_marks_it_read_and_goes_to_its_page(client_for, inboxes):
    warning = inboxes["secretary"][0]
    response = client_for("secretary").get(reverse("notifications:open", args=[warning.pk]))
    assert response.status_code == 302 and response["Location"] == "/orgs/"
    warning.refresh_from_db()
    assert warning.read_at is not None


def test_a_message_without_a_page_or_with_a_foreign_link_leads_back_to_the_inbox(
    client_for, inboxes, personas
):
    foreign = Notification.objects.create(
        recipient=personas.secretary, title="x", dedup_key="x", url="//evil.example.com/"
    )
    client = client_for("secretary")
    for item in (inboxes["secretary"][1], foreign):
        response = client.get(reverse("notifications:open", args=[item.pk]))
        assert response["Location"] == reverse("notifications:inbox")


@pytest.mark.parametrize("name", ["open", "read"])
def test_another_users_message_is_not_found_and_stays_unread(client_for, inboxes, name):
    theirs = inboxes["secretary_b"][0]
    client = client_for("secretary")
    response = client.get(reverse("notifications:open", args=[theirs.pk]))
    if name == "read":
        response = client.post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_one_message_read(client_for, inboxes):
    reminder = inboxes["member"][1]
    client = client_for("member")
    assert client.get(reverse("notifications:read", args=[reminder.pk])).status_code == 405
    response = client.post(reverse("notifications:read", args=[reminder.pk]), {"back": "?level=reminder"})
    assert response.status_code == 302 and response["Location"] == "/inbox/?level=reminder"
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    assert (
        Notification.objects.filter(recipient=inboxes["member"][0].recipient, read_at__isnull=True).count()
        == 1
    )


def test_marking_read_with_htmx_refreshes_the_list_and_the_bell(client_for, inboxes):
    warning = inboxes["officer"][0]
    response = client_for("officer").post(
        reverse("notifications:read", args=[warning.pk]), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="inbox-list"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    bell = body[body.index('id="inbox-bell"') :]
    assert ">1<" in bell.replace(" ", "")[:400]


def test_marking_everything_read_touches_only_ones_own_messages(client_for, inboxes):
    client = client_for("reviewer")
    before = AuditEntry.objects.count()
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "已将 2 条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient__username="pingshen", read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True).count() == 2 * (len(USERS) - 1)
    assert AuditEntry.objects.count() == before  # reading is not an audited change
    assert client_for(None).post(reverse("notifications:read_all")).status_code == 302
    assert client_for("reviewer").get(reverse("notifications:read_all")).status_code == 405


@pytest.mark.parametrize("role", USERS)
def test_the_top_bar_bell_shows_the_unread_count_on_every_page(client_for, inboxes, role):
    body = client_for(role).get(reverse("core:home")).content.decode()
    bell = body[body.index('id="inbox-bell"') : body.index("</a>", body.index('id="inbox-bell"'))]
    assert 'href="/inbox/"' in bell and "bi-bell-fill" in bell
    assert ">2<" in bell.replace(" ", "").replace("\n", "")
    assert "消息提醒" in body[body.index('class="app-nav"') :]  # the navigation entry


def test_the_bell_has_no_count_when_everything_is_read(client_for, personas):
    body = client_for("secretary").get(reverse("core:home")).content.decode()
    bell = body[body.index('id="inbox-bell"') : body.index("</a>", body.index('id="inbox-bell"'))]
    assert "bi-bell-fill" not in bell and "badge" not in bell


def test_an_empty_inbox_says_what_will_appear_there(client_for, personas):
    body = client_for("member").get(reverse("notifications:inbox")).content.decode()
    assert "暂无消息" in body and "全部标为已读" not in body


def test_the_inbox_pages_through_long_lists(client_for, personas):
    Notification.objects.bulk_create(
        [Notification(recipient=personas.member, title=f"第{i}条", dedup_key=str(i)) for i in range(45)]
    )
    client = client_for("member")
    first = client.get(reverse("notifications:inbox")).content.decode()
    second = client.get(reverse("notifications:inbox"), {"page": 2}).content.decode()
    assert first.count('<li class="history-item') == 30 and second.count('<li class="history-item') == 15
    assert "第 2 / 2 页" in second


# --- API -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_its_own_inbox_through_the_api(client, api_for, inboxes, role):
    response = client.get("/api/v1/notifications", **api_for(role))
    if role is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == 3 and data["unread"] == 2
    assert [item["title"] for item in data["items"]] == [
        f"{role} 的提醒",
        f"{role} 的预警",
        f"{role} 的旧通知",
    ]
    first = data["items"][1]
    assert set(first) >= {"id", "level", "category", "title", "body", "url", "created_at", "read_at"}
    assert (first["level"], first["category"], first["url"], first["read_at"]) == (
        "warning",
        "meeting",
        "/orgs/",
        None,
    )


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("?level=warning", ["的预警"]),
        ("?unread=false", ["的旧通知"]),
        ("?unread=true&category=term", ["的提醒"]),
        ("?limit=1&offset=1", ["的预警"]),
    ],
)
def test_the_api_filters(client, api_for, inboxes, query, titles):
    data = client.get("/api/v1/notifications" + query, **api_for("officer")).json()
    assert [item["title"] for item in data["items"]] == [f"officer {t}" for t in titles]


@pytest.mark.parametrize("query", ["?level=urgent", "?limit=0", "?limit=abc", "?offset=-1"])
def test_bad_filters_are_answered_422_in_chinese(client, api_for, inboxes, query):
    response = client.get("/api/v1/notifications" + query, **api_for("officer"))
    assert response.status_code == 422
    assert response.json()["errors"] and response.json()["detail"].startswith("输入有误")


@pytest.mark.parametrize("role", ROLES)
def test_marking_a_message_read_through_the_api(client, api_for, inboxes, role):
    target = inboxes["secretary"][0]
    response = client.post(f"/api/v1/notifications/{target.pk}/read", **api_for(role))
    target.refresh_from_db()
    if role == "secretary":
        assert response.status_code == 200 and response.json()["read_at"] is not None
        assert target.read_at is not None
        again = client.post(f"/api/v1/notifications/{target.pk}/read", **api_for(role))
        assert again.status_code == 200 and again.json()["read_at"] == response.json()["read_at"]
    else:
        assert response.status_code == (401 if role is None else 404)
        assert target.read_at is None


def test_marking_an_unknown_message_read_is_404(client, api_for, inboxes):
    response = client.post("/api/v1/notifications/999999/read", **api_for("member"))
    assert response.status_code == 404 and response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_read_all_through_the_api_touches_only_ones_own(client, api_for, inboxes, role):
    response = client.post("/api/v1/notifications/read-all", **api_for(role))
    unread = Notification.objects.filter(read_at__isnull=True)
    if role is None:
        assert response.status_code == 401 and unread.count() == 2 * len(USERS)
        return
    assert response.status_code == 200 and response.json() == {"updated": 2, "unread": 0}
    assert unread.count() == 2 * (len(USERS) - 1)
    assert not unread.filter(recipient__username=inboxes[role][0].recipient.username).exists()


def test_the_maintenance_back_door_lists_messages_and_deliveries_read_only(client, inboxes):
    from dangjian.accounts.models import User

    client.force_login(User.objects.create_superuser("maint", password="x" * 12))
    for name in ("notification", "delivery"):
        assert client.get(f"/django-admin/notifications/{name}/").status_code == 200
        assert client.get(f"/django-admin/notifications/{name}/add/").status_code == 403
