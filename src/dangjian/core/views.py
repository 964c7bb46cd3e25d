from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from dangjian.core import scoping
from dangjian.core.models import AuditEntry
from dangjian.orgs import selectors as org_selectors


@login_required
def home(request):
    return render(request, "core/home.html", {"overview": org_selectors.overview(user=request.user)})


@login_required
def audit_log(request):
    if request.user.role != "county_admin":
        raise PermissionDenied("仅组织部管理员可查看操作日志")
    entries = scoping.scoped(AuditEntry.objects.all(), request.user, "org_path")[:100]
    return render(request, "core/audit_log.html", {"entries": entries})
