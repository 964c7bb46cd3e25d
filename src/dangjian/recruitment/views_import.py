"""The history import page (发展党员历史数据导入): template download, upload, result; the error sheet of the
last failed upload (kept in the session). Thin: role check → one service → render."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import scoping
from dangjian.core.errors import ValidationFailed

from . import importing
from .models import Stage
from .views_common import crumbs

SESSION_KEY = "recruitment_import_errors"
ERRORS_SHOWN = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("发展党员历史数据文件（.xlsx）"),
        error_messages={
            "required": gettext_lazy("请选择要上传的 .xlsx 文件"),
            "empty": gettext_lazy("上传的文件是空的"),
            "invalid": gettext_lazy("没有收到文件，请重新选择"),
        },
    )


def _require_importer(user) -> None:
    scoping.require_tree_role(user)
    if user.role not in ("county_admin", "committee_officer", "branch_secretary"):
        raise PermissionDenied(_("您的角色不能导入发展党员数据"))


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=importing.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def import_page(request):
    _require_importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    result, errors, message, status = None, [], "", 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > importing.MAX_BYTES:
                form.add_error(
                    "file", _("文件超过 %(mb)d MB，请分批导入") % {"mb": importing.MAX_BYTES // 1024 // 1024}
                )
            else:
                try:
                    result = importing.history_import(
                        actor=request.user, data=upload.read(), filename=upload.name
                    )
                    request.session.pop(SESSION_KEY, None)
                except ValidationFailed as exc:
                    rows = [e for e in exc.errors if e.get("row")]
                    if rows:
                        errors, message = rows, exc.message
                        request.session[SESSION_KEY] = rows
                    else:
                        for error in exc.errors:
                            form.add_error("file", error["message"])
        if result is None:
            status = 422
    stages = dict(Stage.choices)
    context = {
        "form": form,
        "result": result,
        "result_stages": [(stages[k], n) for k, n in (result or {}).get("stages", {}).items()],
        "errors": errors[:ERRORS_SHOWN],
        "error_count": len(errors),
        "message": message,
        "columns": importing.COLUMNS,
        "max_rows": importing.MAX_ROWS,
        "crumbs": crumbs((_("历史数据导入"), reverse("recruitment:import"))),
    }
    return render(request, "recruitment/import/index.html", context, status=status)


@login_required
def import_template(request):
    _require_importer(request.user)
    return _xlsx(importing.template_bytes(), _("发展党员历史数据导入模板.xlsx"))


@login_required
def import_errors(request):
    _require_importer(request.user)
    return _xlsx(importing.error_sheet(request.session.get(SESSION_KEY, [])), _("发展党员导入错误清单.xlsx"))
