import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangjian.core import audit

from .models import ApiToken, User


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """Create a bearer token for `user`; the raw value is returned once and never stored."""
    raw = ApiToken.new_raw()
    ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(raw),
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit.record(actor=user, action="token", obj=user, summary="签发接口令牌")
    return raw


def api_token_user(raw: str) -> User | None:
    token = (
        ApiToken.objects.active()
        .select_related("user", "user__org")
        .filter(digest=ApiToken.digest_of(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
