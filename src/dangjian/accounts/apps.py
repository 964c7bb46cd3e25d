from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from . import signals  # noqa: F401
