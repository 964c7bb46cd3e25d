"""Request context: the client address for audit entries, and the interface language."""

from contextvars import ContextVar

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Pages are Chinese unless the user chose English with the switcher (the language cookie).

    Office computers often run an English-language browser; the browser's Accept-Language must not turn
    the platform English by itself. API clients, which ask deliberately, still get Accept-Language.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = (
                translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
            )
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
