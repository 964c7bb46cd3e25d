"""The shared form field include (`includes/form_field.html`): radios are Bootstrap radios that keep their state."""

from django import forms
from django.template.loader import render_to_string
from lxml import html


class Choice(forms.Form):
    outcome = forms.ChoiceField(
        label="结论",
        choices=[("confirm", "按期转正"), ("extend", "延长预备期")],
        widget=forms.RadioSelect,
        help_text="支部大会讨论的结论",
    )


def _radios(form) -> list:
    page = html.fromstring(render_to_string("includes/form_field.html", {"field": form["outcome"]}))
    return page, page.xpath("//input[@type='radio']")


def test_radios_are_bootstrap_radios_named_and_labelled():
    page, radios = _radios(Choice())
    assert [r.get("value") for r in radios] == ["confirm", "extend"]
    assert all("form-check-input" in r.get("class") for r in radios)
    assert all(r.get("name") == "outcome" and r.get("required") is not None for r in radios)
    labels = {label.get("for"): label.text_content() for label in page.xpath("//label")}
    assert [labels[r.get("id")] for r in radios] == ["按期转正", "延长预备期"]
    legend = page.xpath("//legend")[0]
    assert "fs-6" in legend.get("class") and legend.text_content().startswith("结论")
    assert not any(r.get("checked") is not None for r in radios)


def test_the_chosen_radio_stays_checked_and_an_error_marks_them_invalid():
    page, radios = _radios(Choice({"outcome": "extend"}))
    assert [r.get("checked") is not None for r in radios] == [False, True]

    page, radios = _radios(Choice({"outcome": "nonsense"}))
    assert all("is-invalid" in r.get("class") for r in radios)
    fieldset = page.xpath("//fieldset")[0]
    assert fieldset.get("aria-describedby") == "id_outcome_error id_outcome_helptext"
    assert page.xpath("//*[@id='id_outcome_error']")
