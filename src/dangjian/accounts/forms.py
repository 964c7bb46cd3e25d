from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
