"""Sign-ins and failed sign-ins are part of the audit trail."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from dangjian.core import audit


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    audit.record(actor=user, action="login", obj=user, org=user.org, summary="登录", request=request)
