"""Forms of the organization pages. They parse and check the input's shape; the services decide and write,
and a service's `ValidationFailed` lands on the field it names (`ServiceForm.add_service_errors`)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.core.errors import ValidationFailed

from .models import Domain, OrgKind, Post


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label, *, required: bool = True, help_text="", not_future: bool = False):
    validators = [_not_in_future(label)] if not_future else []
    return forms.DateField(
        label=label,
        required=required,
        widget=date_input(),
        help_text=help_text,
        validators=validators,
        error_messages={"invalid": _("日期格式应为 年-月-日（如 2026-03-01）")},
    )


def _not_in_future(label):
    def check(value: dt.date) -> None:
        if value and value > timezone.localdate():
            raise forms.ValidationError(gettext("%(label)s不能晚于今天") % {"label": label})

    return check


class ServiceForm(forms.Form):
    """A form whose required fields ask for themselves in Chinese and that takes a service's field errors."""

    # A service's error field name → this form's field name, where they differ.
    service_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.required:
                choose = isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.DateField)
                message = gettext("请选择%(label)s") if choose else gettext("请填写%(label)s")
                field.error_messages["required"] = message % {"label": field.label}

    def add_service_errors(self, exc: ValidationFailed) -> None:
        errors = exc.errors or [{"field": None, "message": exc.message}]
        for error in errors:
            name = error.get("field")
            name = self.service_fields.get(name, name)
            self.add_error(name if name in self.fields else None, error["message"])


class OrgFieldsMixin(forms.Form):
    name = forms.CharField(
        label=_("组织名称"), max_length=100, error_messages={"max_length": _("组织名称最多 100 个字")}
    )
    code = forms.CharField(
        label=_("组织编码"),
        max_length=30,
        help_text=_("全平台唯一，建议沿用党内统计使用的组织编码"),
        error_messages={"max_length": _("组织编码最多 30 个字符")},
    )
    domain = forms.ChoiceField(label=_("所属领域"), choices=Domain.choices)
    established_on = date_field(_("成立日期"), required=False, not_future=True)
    unit_count = forms.IntegerField(
        label=_("覆盖单位数"),
        min_value=1,
        max_value=99,
        initial=1,
        help_text=_("联合党支部填写所覆盖的单位数，一般不超过 5 个"),
        error_messages={
            "min_value": _("覆盖单位数至少为 1"),
            "max_value": _("覆盖单位数最多为 99"),
            "invalid": _("请填写整数"),
        },
    )


class OrgCreateForm(OrgFieldsMixin, ServiceForm):
    kind = forms.ChoiceField(label=_("组织类别"))
    field_order = ["name", "code", "kind", "domain", "established_on", "unit_count"]
    # The service reports an impossible parent/child combination on "parent": show it at the kind.
    service_fields = {"parent": "kind"}

    def __init__(self, *args, parent, kinds: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, OrgKind(kind).label) for kind in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        self.fields["domain"].initial = parent.domain
        self.fields["established_on"].help_text = gettext("留空则按今天登记")


class OrgEditForm(OrgFieldsMixin, ServiceForm):
    def __init__(self, *args, org, **kwargs):
        initial = {
            name: getattr(org, name) for name in ("name", "code", "domain", "established_on", "unit_count")
        }
        super().__init__(*args, initial=initial, **kwargs)

    def changes(self, org) -> dict:
        """Only the fields whose value differs, so an unchanged form records nothing."""
        return {name: value for name, value in self.cleaned_data.items() if getattr(org, name) != value}


class TermForm(ServiceForm):
    term_started_on = date_field(
        _("本届班子选举日期"), help_text=_("党员大会（代表大会）选举产生本届委员会的日期，届期从这一天起算")
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, initial={"term_started_on": org.term_started_on}, **kwargs)


class MoveForm(ServiceForm):
    parent = forms.ModelChoiceField(
        label=_("新的上级组织"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("请从列表中选择可以接收该组织的上级组织")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = candidates


class DissolveForm(ServiceForm):
    dissolved_on = date_field(_("撤销日期"))
    reason = forms.CharField(
        label=_("撤销原因或批复文号"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("最多 200 个字")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"dissolved_on": timezone.localdate()}, **kwargs)


class AppointForm(ServiceForm):
    post = forms.ChoiceField(label=_("职务"))
    member = forms.ModelChoiceField(
        label=_("党员"),
        queryset=None,
        required=False,
        empty_label=_("（不从名册选择）"),
        help_text=_("从本组织党员名册中选择"),
        error_messages={"invalid_choice": _("请从名册中选择本组织（或其下级组织）的党员")},
    )
    person_name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        required=False,
        help_text=_("未从名册选择时填写，如上级党组织选派的书记"),
    )
    started_on = date_field(_("任职日期"))
    decision_ref = forms.CharField(label=_("批复/备案文号"), max_length=100, required=False)

    def __init__(self, *args, org, members, member_choices, **kwargs):
        super().__init__(*args, initial={"started_on": timezone.localdate()}, **kwargs)
        posts = (
            [Post.GROUP_LEADER] if org.kind == OrgKind.GROUP else [p for p in Post if p != Post.GROUP_LEADER]
        )
        self.fields["post"].choices = [(p.value, p.label) for p in posts]
        self.fields["member"].queryset = members
        # The select lists a manageable number of names; any member of the subtree is still accepted.
        self.fields["member"].widget.choices = [("", gettext("（不从名册选择）")), *member_choices]


class PositionEndForm(ServiceForm):
    ended_on = date_field(_("离任日期"))
    reason = forms.CharField(
        label=_("离任原因"), max_length=100, required=False, help_text=_("如：换届、调离、辞去职务")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"ended_on": timezone.localdate()}, **kwargs)


class TreeFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("组织类别"), required=False, choices=[("", _("全部类别")), *OrgKind.choices]
    )
    domain = forms.ChoiceField(
        label=_("所属领域"), required=False, choices=[("", _("全部领域")), *Domain.choices]
    )
    dissolved = forms.BooleanField(label=_("显示已撤销"), required=False)

    def values(self) -> dict:
        """The valid filters (an unknown kind or domain in the URL is ignored, not an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "kind": data.get("kind") or "",
            "domain": data.get("domain") or "",
            "dissolved": bool(data.get("dissolved")),
        }
