from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "dangjian.stats"
    verbose_name = "统计分析"
