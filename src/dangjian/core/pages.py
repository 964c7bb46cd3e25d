"""What the pages of every app share: the bound data of a form, one service call from a form, htmx partials.

A page's write goes through one service (one transaction). `submit` validates the form and calls it, turning the
service's refusals into what the page answers: 422 with the errors on the form's fields, or 409 with the reason
the step is not allowed now. Nothing is written unless the service succeeds.
"""

from collections.abc import Callable

from .errors import TransitionNotAllowed, ValidationFailed


def bound(request):
    """The POSTed data for a form, or None (an unbound form) on a GET."""
    return request.POST if request.method == "POST" else None


def bound_files(request):
    return request.FILES if request.method == "POST" else None


def submit(request, form, action: Callable[[dict], object]) -> tuple[object | None, int, str]:
    """Validate `form` and run one service call with its data: (result, status, refusal reason)."""
    if request.method != "POST" or form is None:
        return None, 200, ""
    if not form.is_valid():
        return None, 422, ""
    try:
        return action(form.cleaned_data), 200, ""
    except ValidationFailed as exc:
        form.add_service_errors(exc)
        return None, 422, ""
    except TransitionNotAllowed as exc:
        return None, 409, exc.message


def partial(request, target: str | None = None) -> bool:
    """An htmx request for a piece of the page (`target`, or any), not htmx restoring a page from its history."""
    htmx = request.htmx
    if not htmx or htmx.history_restore_request:
        return False
    return target is None or htmx.target == target
