"""/api/v1/notifications — the signed-in user's own inbox. Another user's message is 404."""

import datetime as dt

from ninja import Field, Query, Router, Schema

from . import selectors, services
from .models import Level

router = Router(tags=["消息提醒"])


class NotificationOut(Schema):
    id: int
    level: Level
    category: str
    title: str
    body: str
    url: str
    org_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationList(Schema):
    count: int
    unread: int
    items: list[NotificationOut]


class InboxFilters(Schema):
    level: Level | None = Field(None, description="reminder 提醒 · warning 预警 · info 通知")
    category: str = Field(
        "", max_length=20, description="meeting 组织生活 · term 换届 · development 发展党员 …"
    )
    unread: bool | None = Field(None, description="true 只列未读 · false 只列已读；默认全部（未读在前）")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class ReadAllOut(Schema):
    updated: int
    unread: int


@router.get("", response=NotificationList, summary="我的消息提醒（未读在前）")
def list_notifications(request, filters: Query[InboxFilters]):
    state = "" if filters.unread is None else ("unread" if filters.unread else "read")
    queryset = selectors.inbox(
        user=request.user,
        level=filters.level.value if filters.level else "",
        category=filters.category,
        state=state,
    )
    return {
        "count": queryset.count(),
        "unread": selectors.unread_count(request.user),
        "items": list(queryset[filters.offset : filters.offset + filters.limit]),
    }


@router.post("/read-all", response=ReadAllOut, summary="全部标为已读")
def read_all(request):
    updated = services.mark_all_read(actor=request.user)
    return {"updated": updated, "unread": selectors.unread_count(request.user)}


@router.post("/{notification_id}/read", response=NotificationOut, summary="标为已读")
def read_one(request, notification_id: int):
    return services.mark_read(actor=request.user, notification_id=notification_id)
