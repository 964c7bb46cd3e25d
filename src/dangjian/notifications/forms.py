from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Level


class InboxFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("级别"), required=False, choices=[("", _("全部级别")), *Level.choices])
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *Category.choices]
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("unread", _("未读")), ("read", _("已读"))],
    )

    def values(self) -> dict:
        """The valid filters; an unknown value in the URL is ignored rather than answered with an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in self.fields}
