"""What a locked-out client sees: JSON in the API's error format, or the lock-out page."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    message = _("登录失败次数过多，账号已临时锁定，请 %(minutes)s 分钟后再试或联系管理员") % {
        "minutes": minutes
    }
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message, "errors": []}, status=429, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "accounts/locked_out.html", {"message": message, "minutes": minutes}, status=429)
