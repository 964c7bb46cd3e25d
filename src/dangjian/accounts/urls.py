from django.urls import path

from . import views, views_users

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    # 用户管理
    path("users/", views_users.user_list, name="users"),
    path("users/new/", views_users.user_create, name="user_create"),
    path("users/<int:pk>/", views_users.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views_users.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views_users.user_password, name="user_password"),
    path("users/<int:pk>/deactivate/", views_users.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views_users.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/unlock/", views_users.user_unlock, name="user_unlock"),
    path("users/<int:pk>/revoke-tokens/", views_users.user_revoke_tokens, name="user_revoke_tokens"),
]
