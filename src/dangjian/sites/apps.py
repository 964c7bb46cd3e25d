from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "dangjian.sites"
    verbose_name = "党建示范点"
