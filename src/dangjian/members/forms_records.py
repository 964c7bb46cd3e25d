"""Forms of the member-record pages: the roster's filter bar, the record form, the file upload.

They parse and check the input's shape; members.services.records decides and writes, and its field errors
land next to the field they name (orgs.forms.ServiceForm.add_service_errors).
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import ServiceForm, date_field
from dangjian.orgs.models import Domain

from .codes import DEGREES, EDUCATION, ETHNICITIES, OCCUPATIONS, translated
from .models import Category, Gender, Status
from .selectors.records import EVERYONE, ON_ROLLS, RosterFilters

# --- the roster's filter bar ---------------------------------------------------------------------------------

STATUS_CHOICES = [
    (ON_ROLLS, _("在册党员")),
    *Status.choices,
    (EVERYONE, _("全部（含出党、去世、已转出）")),
]


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或公民身份号码"), required=False, max_length=50)
    within = forms.TypedChoiceField(label=_("所在组织"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("党籍状态"), required=False, choices=STATUS_CHOICES)
    category = forms.ChoiceField(
        label=_("人员类别"), required=False, choices=[("", _("全部类别")), *Category.choices]
    )
    gender = forms.ChoiceField(label=_("性别"), required=False, choices=[("", _("全部")), *Gender.choices])
    age_min = forms.IntegerField(label=_("年龄从"), required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label=_("年龄到"), required=False, min_value=0, max_value=150)
    education = forms.ChoiceField(
        label=_("学历"), required=False, choices=[("", _("全部学历")), *translated(EDUCATION)]
    )
    ethnicity = forms.ChoiceField(
        label=_("民族"),
        required=False,
        choices=[("", _("全部民族")), ("minority", _("少数民族")), *translated(ETHNICITIES)],
    )
    domain = forms.ChoiceField(
        label=_("领域"), required=False, choices=[("", _("全部领域")), *Domain.choices]
    )

    def __init__(self, *args, within_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].choices = [("", gettext("全部（本人管理范围）")), *within_choices]

    def values(self) -> dict:
        """The valid filters; anything invalid in the URL is ignored rather than turned into an error page."""
        self.is_valid()
        data = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors
        }
        return {
            "q": (data.get("q") or "").strip(),
            "within": data.get("within"),
            "status": data.get("status") or ON_ROLLS,
            "category": data.get("category") or "",
            "gender": data.get("gender") or "",
            "age_min": data.get("age_min"),
            "age_max": data.get("age_max"),
            "education": data.get("education") or "",
            "ethnicity": data.get("ethnicity") or "",
            "domain": data.get("domain") or "",
        }

    @staticmethod
    def filters(values: dict, within_org) -> RosterFilters:
        return RosterFilters(within=within_org, **{k: v for k, v in values.items() if k != "within"})


# --- the record ----------------------------------------------------------------------------------------------


class MemberForm(ServiceForm):
    """The fields of a record a branch keeps; birth date and gender are read from the ID number."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=18,
        help_text=_("18 位，最后一位可以是 X；出生日期和性别据此自动填写"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    ethnicity = forms.ChoiceField(label=_("民族"), choices=translated(ETHNICITIES), initial="01")
    native_place = forms.CharField(
        label=_("籍贯"), max_length=50, required=False, help_text=_("如：安徽旌德")
    )
    education = forms.ChoiceField(
        label=_("学历"), choices=[("", _("（未填写）")), *translated(EDUCATION)], required=False
    )
    degree = forms.ChoiceField(
        label=_("学位"), choices=[("", _("（未填写）")), *translated(DEGREES)], required=False
    )
    occupation = forms.ChoiceField(
        label=_("职业"), choices=[("", _("（未填写）")), *translated(OCCUPATIONS)], required=False
    )
    work_unit = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    job_title = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("家庭住址"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("人员类别"), choices=Category.choices, initial=Category.FULL)
    joined_on = date_field(_("入党日期"), not_future=True, help_text=_("支部大会通过接收为预备党员的日期"))
    converted_on = date_field(
        _("转正日期"),
        required=False,
        not_future=True,
        help_text=_("正式党员填写；预备期满之日，一般为入党一年后。老档案缺少时可暂不填写"),
    )
    party_group = forms.ModelChoiceField(
        label=_("所在党小组"),
        queryset=None,
        required=False,
        empty_label=_("（未编入党小组）"),
        error_messages={"invalid_choice": _("请选择本支部下设的党小组")},
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_group"].queryset = groups
        for name in ("name", "native_place", "work_unit", "job_title", "address"):
            limit = self.fields[name].max_length
            self.fields[name].error_messages["max_length"] = gettext("最多 %(limit)s 个字") % {"limit": limit}

    def service_values(self) -> dict:
        return dict(self.cleaned_data)


class MemberCreateForm(MemberForm):
    field_order = [
        "name",
        "id_number",
        "ethnicity",
        "native_place",
        "category",
        "joined_on",
        "converted_on",
        "party_group",
        "education",
        "degree",
        "occupation",
        "work_unit",
        "job_title",
        "phone",
        "address",
    ]


# Personal data is not put back into the edit form: the user may not be allowed to see it in full.
KEEP_IF_BLANK = ("id_number", "phone", "address")


class MemberEditForm(MemberForm):
    field_order = MemberCreateForm.field_order

    def __init__(self, *args, member, masked: dict[str, str], **kwargs):
        initial = {
            name: getattr(member, name)
            for name in (
                "name",
                "ethnicity",
                "native_place",
                "education",
                "degree",
                "occupation",
                "work_unit",
                "job_title",
                "joined_on",
                "converted_on",
                "party_group",
            )
        }
        super().__init__(*args, initial=initial, **kwargs)
        del self.fields["category"]  # changed by probation conversion, not here
        for name in KEEP_IF_BLANK:
            field = self.fields[name]
            field.required = False
            current = masked.get(name) or gettext("未填写")
            field.help_text = gettext("留空则保持不变（当前：%(current)s）") % {"current": current}
        self.member = member

    def changes(self) -> dict:
        """The submitted values that differ from the record; blank personal-data fields mean "unchanged"."""
        data = dict(self.cleaned_data)
        for name in KEEP_IF_BLANK:
            if not (data.get(name) or "").strip():
                data.pop(name, None)
        return {name: value for name, value in data.items() if getattr(self.member, name) != value}


class MemberFileForm(ServiceForm):
    title = forms.CharField(
        label=_("标题"),
        max_length=100,
        required=False,
        help_text=_("如：入党志愿书、转正申请书；留空则使用文件名"),
    )
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）"),
        error_messages={"required": _("请选择要上传的文件"), "empty": _("文件是空的，请重新选择")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = gettext("请选择要上传的文件")
