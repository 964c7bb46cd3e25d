"""Filter bars of the compliance pages (heat map, checklist, study hours). Values that are not offered fall back to
the defaults, so a hand-edited URL never breaks a page."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.models import Domain

FIRST_YEAR = 2000


def year_choices(today: dt.date, chosen: int | None = None) -> list[tuple[int, str]]:
    """This year and the five before it, plus the year chosen if it is another one."""
    years = list(range(today.year, today.year - 6, -1))
    if chosen is not None and chosen not in years:
        years.append(chosen)
    return [(year, _("%(year)d年") % {"year": year}) for year in years]


def parse_year(raw: str | None, today: dt.date) -> int:
    """The year asked for: any year from 2000 to next year; anything else → this year."""
    if raw and raw.strip().isdigit() and FIRST_YEAR <= int(raw) <= today.year + 1:
        return int(raw)
    return today.year


class ComplianceFilterForm(forms.Form):
    within = forms.TypedChoiceField(label=_("组织范围"), coerce=int, required=False)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    domain = forms.ChoiceField(
        label=_("领域"), choices=[("", _("全部领域")), *Domain.choices], required=False
    )

    def __init__(self, data, *, within_choices: list[tuple[int, str]], year: int, today: dt.date):
        super().__init__(data)
        self.fields["within"].choices = within_choices
        self.fields["year"].choices = year_choices(today, year)

    def domain_value(self) -> str:
        value = self.data.get("domain", "")
        return value if value in Domain.values else ""


class HoursFilterForm(ComplianceFilterForm):
    below = forms.BooleanField(label=_("只看未达标"), required=False)
    cadre = forms.ChoiceField(
        label=_("身份"),
        choices=[("", _("全部")), ("1", _("书记、委员")), ("0", _("其他党员"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["domain"]

    def cadre_value(self) -> bool | None:
        value = self.data.get("cadre", "")
        return {"1": True, "0": False}.get(value)

    def below_value(self) -> bool:
        return self.data.get("below") in ("1", "on", "true")
