from django.urls import URLPattern, URLResolver, path

from . import views

team = "teams/<uuid:team_id>"

urlpatterns: list[URLPattern | URLResolver] = [
    path("teams", views.TeamListCreateApi.as_view(), name="team-list"),
    path(team, views.TeamDetailApi.as_view(), name="team-detail"),
    path(f"{team}/leave", views.TeamLeaveApi.as_view(), name="team-leave"),
    path(f"{team}/transfer-ownership", views.TeamTransferOwnershipApi.as_view(), name="team-transfer-ownership"),
    path(f"{team}/members", views.MemberListApi.as_view(), name="team-members"),
    path(f"{team}/members/<uuid:membership_id>", views.MemberDetailApi.as_view(), name="team-member"),
    path(f"{team}/invitations", views.InvitationListCreateApi.as_view(), name="team-invitations"),
    path(f"{team}/invitations/<uuid:invitation_id>", views.InvitationRevokeApi.as_view(), name="team-invitation"),
    path(
        f"{team}/invitations/<uuid:invitation_id>/resend",
        views.InvitationResendApi.as_view(),
        name="team-invitation-resend",
    ),
    path(f"{team}/audit-log", views.AuditLogApi.as_view(), name="team-audit-log"),
    path("invitations", views.MyInvitationListApi.as_view(), name="invitations-mine"),
    # "accept" first: a signed token always contains ":", so it can never be the word "accept".
    path("invitations/accept", views.InvitationAcceptApi.as_view(), name="invitation-accept"),
    path("invitations/<str:token>", views.InvitationPreviewApi.as_view(), name="invitation-preview"),
]
