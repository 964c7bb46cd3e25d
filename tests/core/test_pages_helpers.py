"""`core.pages`: one service call from a form, answered as the pages answer it (200, 422 on the fields, 409)."""

from django import forms
from django.test import RequestFactory

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.pages import bound, partial, submit


class NameForm(forms.Form):
    name = forms.CharField(label="名称")

    def add_service_errors(self, exc: ValidationFailed) -> None:
        for item in exc.errors:
            self.add_error(item["field"], item["message"])


def _post(data=None, **headers):
    return RequestFactory().post("/x/", data or {}, **headers)


def test_a_get_shows_an_unbound_form_and_calls_nothing():
    request = RequestFactory().get("/x/")
    assert bound(request) is None
    called = []
    assert submit(request, NameForm(None), called.append) == (None, 200, "")
    assert called == []


def test_a_valid_form_runs_the_service_once_with_its_data():
    request = _post({"name": "甲村党支部"})
    assert submit(request, NameForm(bound(request)), lambda data: data["name"]) == ("甲村党支部", 200, "")


def test_an_invalid_form_is_422_without_calling_the_service():
    request = _post({})
    called = []
    form = NameForm(bound(request))
    assert submit(request, form, called.append) == (None, 422, "")
    assert called == [] and "name" in form.errors


def test_the_services_refusals_become_422_on_the_field_and_409_with_the_reason():
    request = _post({"name": "甲村"})

    def refuse_field(_data):
        raise ValidationFailed.field("name", "名称已被使用")

    form = NameForm(bound(request))
    assert submit(request, form, refuse_field) == (None, 422, "")
    assert form.errors["name"] == ["名称已被使用"]

    def not_now(_data):
        raise TransitionNotAllowed("该组织已撤销，不能再办理此项业务")

    assert submit(request, NameForm(bound(request)), not_now) == (
        None,
        409,
        "该组织已撤销，不能再办理此项业务",
    )


def test_partial_is_an_htmx_request_for_the_target_not_a_history_restore():
    class Htmx:
        def __init__(self, target, restore=False):
            self.target, self.history_restore_request = target, restore

        def __bool__(self):
            return True

    request = RequestFactory().get("/x/")
    request.htmx = False
    assert not partial(request)
    request.htmx = Htmx("list-body")
    assert partial(request) and partial(request, "list-body") and not partial(request, "tabs")
    request.htmx = Htmx("list-body", restore=True)
    assert not partial(request, "list-body")
