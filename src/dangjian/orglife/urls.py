from django.urls import include, path

app_name = "orglife"
urlpatterns = [
    path("compliance/", include("dangjian.orglife.urls_compliance")),  # 合规检查, study hours, ledger
]
