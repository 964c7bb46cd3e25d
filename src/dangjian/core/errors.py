"""Errors a service raises; views and the API turn them into a Chinese message and a status code.

- `ValidationFailed` → 422 (bad input; nothing changed), with per-field messages.
- `TransitionNotAllowed` → 409 (a workflow step that is not allowed now), with the reason and its rule.
- Django's `PermissionDenied` → 403, `Http404` → 404.
"""


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
