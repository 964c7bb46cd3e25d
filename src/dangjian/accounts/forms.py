from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.core.errors import ValidationFailed
from dangjian.orgs.forms import ServiceForm

from .models import Role
from .services import check_password, clean_username


class LoginForm(AuthenticationForm):
    """The sign-in form, with messages that do not reveal whether the user name exists."""

    error_messages = {
        "invalid_login": _("用户名或密码不正确，请重新输入（密码区分大小写）。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["username"].error_messages["required"] = _("请填写用户名")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].label = _("密码")
        self.fields["password"].error_messages["required"] = _("请填写密码")


# --- account management (用户管理) ---------------------------------------------------------------------------
# The forms parse and check the input's shape; accounts.services decides and writes, and its field errors
# land next to the field they name (ServiceForm.add_service_errors).


def _password_field(label):
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
        error_messages={"max_length": _("密码最多 128 个字符")},
    )


class PasswordPairMixin(forms.Form):
    """A new password typed twice; the service checks its strength."""

    password = _password_field(_("密码"))
    password_again = _password_field(_("再次输入密码"))

    def clean(self):
        data = super().clean()
        first, second = data.get("password"), data.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", gettext("两次输入的密码不一致"))
        if first:
            # Said at once with the other fields' errors; the service checks it again.
            try:
                check_password(first)
            except ValidationFailed as exc:
                self.add_error("password", exc.message)
        return data


class MemberChoiceMixin(forms.Form):
    # The organization is chosen on its own page; the form carries it, and a service error about it lands here.
    org = forms.CharField(required=False, widget=forms.HiddenInput)
    member = forms.ModelChoiceField(
        label=_("对应党员"),
        queryset=None,
        required=False,
        empty_label=_("（不关联党员）"),
        help_text=_("党员账号必须选择；列出本组织名册中尚无账号的党员"),
        error_messages={"invalid_choice": _("请从名册中选择本组织尚无账号的党员")},
    )

    def set_members(self, members, limit: int = 500) -> None:
        self.fields["member"].queryset = members
        # The select lists a manageable number of names; any member of the queryset is still accepted.
        self.fields["member"].widget.choices = [
            ("", gettext("（不关联党员）")),
            *[
                (
                    m.pk,
                    gettext("%(name)s（%(category)s）")
                    % {"name": m.name, "category": m.get_category_display()},
                )
                for m in members[:limit]
            ],
        ]


class UserCreateForm(PasswordPairMixin, MemberChoiceMixin, ServiceForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录时使用，开设后不能更改；可用文字、字母、数字和 @ . + - _"),
        error_messages={"max_length": _("用户名最多 150 个字符")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    display_name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"max_length": _("姓名最多 50 个字")}
    )
    role = forms.ChoiceField(
        label=_("角色"), error_messages={"invalid_choice": _("请从列表中选择您可以设置的角色")}
    )
    field_order = ["username", "display_name", "role", "member", "password", "password_again"]

    def __init__(self, *args, org, roles: list[str], members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        self.fields["org"].initial = org.pk
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]
        self.set_members(members)
        self.fields["password"].help_text = gettext(
            "至少 8 个字符，不能全是数字或过于常见；请当面或电话告知本人"
        )

    def clean_username(self):
        try:
            return clean_username(self.cleaned_data["username"])
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None


class UserEditForm(MemberChoiceMixin, ServiceForm):
    display_name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"max_length": _("姓名最多 50 个字")}
    )
    role = forms.ChoiceField(
        label=_("角色"), error_messages={"invalid_choice": _("请从列表中选择您可以设置的角色")}
    )
    field_order = ["display_name", "role", "member"]

    def __init__(self, *args, account, org, roles: list[str], members, **kwargs):
        initial = {
            "display_name": account.display_name,
            "role": account.role,
            "member": account.member_id,
            "org": org.pk,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        self.set_members(members)


class SetPasswordForm(PasswordPairMixin, ServiceForm):
    field_order = ["password", "password_again"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = gettext("新密码")
        self.fields["password_again"].label = gettext("再次输入新密码")
        self.fields["password"].help_text = gettext("至少 8 个字符，不能全是数字或过于常见")


ACTIVE_CHOICES = [("", _("全部状态")), ("1", _("启用")), ("0", _("已停用"))]
SORT_CHOICES = [
    ("org", _("按所属组织")),
    ("username", _("按用户名")),
    ("-last_login", _("按最近登录")),
    ("role", _("按角色")),
]


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部角色")), *Role.choices])
    org = forms.CharField(label=_("所属组织"), required=False, max_length=100)
    active = forms.ChoiceField(label=_("状态"), required=False, choices=ACTIVE_CHOICES)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)

    def values(self) -> dict:
        """The valid filters (an unknown role or sort in the URL is ignored, not an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        active = data.get("active") or ""
        return {
            "q": (data.get("q") or "").strip(),
            "role": data.get("role") or "",
            "org_q": (data.get("org") or "").strip(),
            "active": {"1": True, "0": False}.get(active),
            "sort": data.get("sort") or "org",
        }
