"""Errors a service raises; views and the API turn them into a Chinese message and a status code.

- `ValidationFailed` → 422 (bad input; nothing changed), with per-field messages.
- `TransitionNotAllowed` → 409 (a workflow step that is not allowed now), with the reason and its rule.
- Django's `PermissionDenied` → 403, `Http404` → 404.
"""

from django.utils.translation import gettext as _


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class ValidationFailed(ServiceError):
    status = 422

    @classmethod
    def field(cls, field: str, message: str) -> "ValidationFailed":
        return cls(message, [{"field": field, "message": message}])


class TransitionNotAllowed(ServiceError):
    status = 409


class FieldErrors:
    """Collects the field errors of one submission (the first per field), so the user sees them all at once."""

    def __init__(self):
        self.items: list[dict] = []

    def add(self, field: str, message: str) -> None:
        if not self.has(field):
            self.items.append({"field": field, "message": message})

    def has(self, field: str) -> bool:
        return any(item["field"] == field for item in self.items)

    def raise_if_any(self) -> None:
        """ValidationFailed with every collected error; its message is the only one, or all of them joined."""
        if not self.items:
            return
        if len(self.items) == 1:
            raise ValidationFailed(self.items[0]["message"], self.items)
        joined = _("；").join(item["message"] for item in self.items)
        raise ValidationFailed(_("填写的内容有误：") + joined, self.items)
