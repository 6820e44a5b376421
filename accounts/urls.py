from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("password/", views.PasswordChange.as_view(), name="password-change"),
    path("accounts/", views.account_list, name="list"),
    path("accounts/new/", views.account_create, name="create"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="edit"),
    path("accounts/connect/<str:platform>/", views.connect_start, name="connect"),
    path("accounts/connect/<str:platform>/callback/", views.connect_callback, name="connect-callback"),
    path("accounts/connect/<str:platform>/choose/", views.connect_choose, name="connect-choose"),
    path("accounts/connect/<str:platform>/choose/cancel/", views.connect_choose_cancel, name="connect-choose-cancel"),
    path("accounts/<int:pk>/<str:action>/", views.account_action, name="action"),
]
