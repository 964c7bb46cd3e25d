"""The HTTP API (/api/v1): token auth, the error format of design/API.md, and each app's router."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from dangjian.accounts import services as account_services
from dangjian.core.errors import ServiceError


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = account_services.api_token_user(token)
        if user is not None:
            request.user = user
        return user


class SignedInSession(SessionAuth):
    """Session cookies work too, for the web pages' own htmx calls (CSRF still checked on writes)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_authenticated else None


api = NinjaAPI(
    title="党建通 API",
    version="1",
    description="基层党建工作平台接口。认证：POST /api/v1/auth/token 获取令牌，然后使用 Authorization: Bearer <token>。",
    auth=[BearerToken(), SignedInSession()],
    urls_namespace="api",
)


def _error(request, status: int, detail: str, errors: list | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _field_message(error: dict) -> dict:
    location = [
        str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "payload", "form")
    ]
    field = ".".join(location)
    kind = error.get("type", "")
    messages = {
        "missing": _("此项为必填项"),
        "int_parsing": _("请输入整数"),
        "int_type": _("请输入整数"),
        "date_from_datetime_parsing": _("日期格式应为 YYYY-MM-DD"),
        "date_parsing": _("日期格式应为 YYYY-MM-DD"),
        "date_type": _("日期格式应为 YYYY-MM-DD"),
        "string_type": _("请输入文字"),
        "string_too_long": _("内容过长"),
        "string_too_short": _("内容过短"),
        "enum": _("取值无效"),
        "literal_error": _("取值无效"),
        "json_invalid": _("请求体不是有效的 JSON"),
        "model_attributes_type": _("请求体格式错误"),
        "dict_type": _("请求体格式错误"),
        "greater_than_equal": _("数值过小"),
        "less_than_equal": _("数值过大"),
    }
    message = messages.get(kind)
    if message is None:
        message = _("取值无效") if kind.startswith(("enum", "literal")) else _("输入无效")
    if kind in ("enum", "literal_error") and error.get("ctx", {}).get("expected"):
        message = _("取值无效，可选值：%(expected)s") % {"expected": error["ctx"]["expected"]}
    return {"field": field, "message": message}


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    errors = [_field_message(e) for e in exc.errors]
    return _error(
        request,
        422,
        _("输入有误：") + _("；").join(f"{e['field'] or _('请求')}：{e['message']}" for e in errors),
        errors,
    )


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    return _error(request, exc.status, exc.message, exc.errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, _("未登录或令牌无效，请先获取令牌"))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, str(exc) or _("您无权执行此操作"))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("对象不存在或不在您的管理范围内"))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@api.post("/auth/token", auth=None, response={200: TokenOut}, tags=["认证"], summary="获取接口令牌")
def auth_token(request, payload: TokenIn):
    from django.contrib.auth import authenticate

    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return _error(request, 401, _("用户名或密码错误，或账号已被锁定"))
    return {"token": account_services.api_token_issue(user=user)}


api.add_router("/orgs", "dangjian.orgs.api.router")
# /members/import-template, /members/import, /members/export: before any router with /members/{member_id}
api.add_router("/members", "dangjian.members.api_import.router")
api.add_router("/members", "dangjian.members.api.router")  # /members, /members/{id}
api.add_router("/stats", "dangjian.stats.api.router")
# /transfers, /members/{id}/status-changes, /status-changes, /mobile
api.add_router("", "dangjian.members.api_transfers.router")
# /me (member self-service), /corrections, /consultations
api.add_router("", "dangjian.members.api_selfservice.router")
# /meetings, /meetings/{id}/votes, /compliance, /study-hours
api.add_router("", "dangjian.orglife.api.router")
# /compliance, /compliance/ledger, /study-hours
api.add_router("", "dangjian.orglife.api_compliance.router")
# /development/cases, /development/due, /development/plans
api.add_router("/development", "dangjian.recruitment.api.router")
# /sites/catalogues, /sites/campaigns, /sites/applications, /sites/surveys/{code} (public), /sites/sites
api.add_router("/sites", "dangjian.sites.api.router")
# /notifications (the signed-in user's inbox)
api.add_router("/notifications", "dangjian.notifications.api.router")
# /disclosure (public notices of the 党务公开栏)
api.add_router("/disclosure", "dangjian.disclosure.api.router")
# /development/stats, /development/import-template, /development/import
api.add_router("/development", "dangjian.recruitment.api_extra.router")
