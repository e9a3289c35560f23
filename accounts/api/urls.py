from django.urls import path

from . import views

urlpatterns = [
    path("csrf", views.CsrfApi.as_view(), name="auth-csrf"),
    path("session", views.SessionApi.as_view(), name="auth-session"),
    path("me", views.MeApi.as_view(), name="auth-me"),
    path("signup", views.SignUpApi.as_view(), name="auth-signup"),
    path("verify-email", views.VerifyEmailApi.as_view(), name="auth-verify-email"),
    path("verify-email/resend", views.VerifyEmailResendApi.as_view(), name="auth-verify-email-resend"),
    path("login", views.LoginApi.as_view(), name="auth-login"),
    path("logout", views.LogoutApi.as_view(), name="auth-logout"),
    path("password/reset", views.PasswordResetApi.as_view(), name="auth-password-reset"),
    path("password/reset/confirm", views.PasswordResetConfirmApi.as_view(), name="auth-password-reset-confirm"),
    path("password/change", views.PasswordChangeApi.as_view(), name="auth-password-change"),
    path("tokens", views.ApiTokenListCreateApi.as_view(), name="auth-tokens"),
    path("tokens/<uuid:token_id>", views.ApiTokenRevokeApi.as_view(), name="auth-token-revoke"),
]
