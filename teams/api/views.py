"""Teams endpoints: one view per URL, one method per operation, each parsing input and calling one
selector or service. Everything under ``teams/{team_id}/`` is a :class:`TeamScopedApi`, which
answers 404 to non-members and checks the role matrix before the handler runs."""

from typing import Any, ClassVar
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.api.pagination import CursorPagination
from teams import selectors, services
from teams.throttles import InvitationThrottle

from . import serializers as s
from .base import TeamScopedApi

NO_CONTENT = {204: OpenApiResponse(description="Done")}


def _user(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - IsAuthenticated guarantees it; narrows the type
    return request.user


def _base_url(request: Request) -> str:
    return request.build_absolute_uri("/")


def _valid(
    serializer_class: type[serializers.Serializer[Any]], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    """The validated body; ``partial`` for PATCH, where a field left out stays as it is."""
    data = serializer_class(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


# --- the caller's teams (user-scoped) -------------------------------------------------------------


class TeamListCreateApi(APIView):
    @extend_schema(responses=s.TeamListOut, summary="Your teams, with your role in each", operation_id="teams_list")
    def get(self, request: Request) -> Response:
        memberships = selectors.team_memberships_for(user=_user(request))
        return Response({"results": s.TeamOut(memberships, many=True).data})

    @extend_schema(request=s.TeamIn, responses={201: s.TeamDetailOut}, summary="Create a team (you own it)")
    def post(self, request: Request) -> Response:
        membership = services.team_create(actor=_user(request), **_valid(s.TeamIn, request))
        return Response(s.TeamDetailOut(membership).data, status=status.HTTP_201_CREATED)


# --- one team -----------------------------------------------------------------------------------


class TeamDetailApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "team.view", "PATCH": "team.update", "DELETE": "team.delete"}

    @extend_schema(responses=s.TeamDetailOut, summary="A team, with your role and permissions in it")
    def get(self, request: Request, team_id: UUID) -> Response:
        return Response(s.TeamDetailOut(self.membership).data)

    @extend_schema(request=s.TeamIn, responses=s.TeamDetailOut, summary="Rename the team")
    def patch(self, request: Request, team_id: UUID) -> Response:
        membership = services.team_update(actor=self.membership, **_valid(s.TeamIn, request, partial=True))
        return Response(s.TeamDetailOut(membership).data)

    @extend_schema(responses=NO_CONTENT, summary="Delete the team and everything in it (owners only)")
    def delete(self, request: Request, team_id: UUID) -> Response:
        services.team_delete(actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamLeaveApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "team.leave"}

    @extend_schema(request=None, responses=NO_CONTENT, summary="Leave the team (not as its last owner)")
    def post(self, request: Request, team_id: UUID) -> Response:
        services.member_leave(actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamTransferOwnershipApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "team.transfer_ownership"}

    @extend_schema(
        request=s.TransferOwnershipIn,
        responses=s.TeamDetailOut,
        summary="Make a member the owner; you become an admin",
    )
    def post(self, request: Request, team_id: UUID) -> Response:
        data = _valid(s.TransferOwnershipIn, request)
        membership = services.team_transfer_ownership(actor=self.membership, membership_id=data["membership_id"])
        return Response(s.TeamDetailOut(membership).data)


# --- members ------------------------------------------------------------------------------------


class MemberListApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "members.view"}

    @extend_schema(responses=s.MemberListOut, summary="Members, owners first", operation_id="teams_members_list")
    def get(self, request: Request, team_id: UUID) -> Response:
        members = selectors.member_list(team=self.team)
        return Response({"results": s.MemberOut(members, many=True).data})


class MemberDetailApi(TeamScopedApi):
    team_permissions: ClassVar = {"PATCH": "members.manage", "DELETE": "members.manage"}

    @extend_schema(request=s.MemberRoleIn, responses=s.MemberOut, summary="Change a member's role")
    def patch(self, request: Request, team_id: UUID, membership_id: UUID) -> Response:
        data = _valid(s.MemberRoleIn, request, partial=True)
        member = services.member_change_role(actor=self.membership, membership_id=membership_id, **data)
        return Response(s.MemberOut(member).data)

    @extend_schema(responses=NO_CONTENT, summary="Remove a member from the team")
    def delete(self, request: Request, team_id: UUID, membership_id: UUID) -> Response:
        services.member_remove(actor=self.membership, membership_id=membership_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- invitations --------------------------------------------------------------------------------


class InvitationListCreateApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "members.manage", "POST": "members.manage"}
    throttle_classes = (InvitationThrottle,)

    @extend_schema(
        responses=s.InvitationListOut,
        summary="Open invitations (pending or expired), newest first",
        operation_id="teams_invitations_list",
    )
    def get(self, request: Request, team_id: UUID) -> Response:
        invitations = selectors.invitation_list_open(team=self.team)
        return Response({"results": s.InvitationOut(invitations, many=True).data})

    @extend_schema(request=s.InvitationIn, responses={201: s.InvitationOut}, summary="Invite someone by e-mail")
    def post(self, request: Request, team_id: UUID) -> Response:
        data = _valid(s.InvitationIn, request)
        invitation = services.invitation_create(actor=self.membership, base_url=_base_url(request), **data)
        return Response(s.InvitationOut(invitation).data, status=status.HTTP_201_CREATED)


class InvitationRevokeApi(TeamScopedApi):
    team_permissions: ClassVar = {"DELETE": "members.manage"}

    @extend_schema(responses=NO_CONTENT, summary="Revoke an invitation; its link stops working")
    def delete(self, request: Request, team_id: UUID, invitation_id: UUID) -> Response:
        services.invitation_revoke(actor=self.membership, invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResendApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "members.manage"}
    throttle_classes = (InvitationThrottle,)

    @extend_schema(request=None, responses=s.InvitationOut, summary="E-mail the invitation again, valid 7 more days")
    def post(self, request: Request, team_id: UUID, invitation_id: UUID) -> Response:
        invitation = services.invitation_resend(
            actor=self.membership, invitation_id=invitation_id, base_url=_base_url(request)
        )
        return Response(s.InvitationOut(invitation).data)


# --- audit log ----------------------------------------------------------------------------------


class AuditLogApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "audit.view"}

    @extend_schema(
        responses=s.AuditLogPageOut,
        parameters=[
            OpenApiParameter("cursor", str, description="From `next` or `previous` of the last page."),
            OpenApiParameter("page_size", int, description="Up to 200; 50 by default."),
        ],
        summary="Who did what in the team, newest first",
        operation_id="teams_audit_log_list",
    )
    def get(self, request: Request, team_id: UUID) -> Response:
        paginator = CursorPagination()
        page = paginator.paginate_queryset(selectors.audit_event_list(team=self.team), request, view=self)
        return paginator.get_paginated_response(s.AuditEventOut(page, many=True).data)


# --- invitation links (the holder of the e-mailed token) ------------------------------------------


class InvitationPreviewApi(APIView):
    """Public: the token is the authorisation, and only the invited address received it."""

    permission_classes = (AllowAny,)

    @extend_schema(responses=s.InvitationPreviewOut, summary="What an invitation link offers (no sign-in needed)")
    def get(self, request: Request, token: str) -> Response:
        invitation, link_expired = selectors.invitation_from_token(token)
        return Response(s.InvitationPreviewOut(invitation, context={"link_expired": link_expired}).data)


class MyInvitationListApi(APIView):
    @extend_schema(
        responses=s.MyInvitationListOut,
        summary="Invitations to your own address, to teams you are not in yet",
        operation_id="invitations_mine",
    )
    def get(self, request: Request) -> Response:
        invitations = selectors.invitations_for_user(user=_user(request))
        return Response({"results": s.MyInvitationOut(invitations, many=True).data})


class InvitationAcceptApi(APIView):
    @extend_schema(
        request=s.InvitationAcceptIn,
        responses=s.TeamDetailOut,
        summary="Join the team, signed in with the invited address",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.InvitationAcceptIn, request)
        membership = services.invitation_accept(user=_user(request), token=data["token"])
        return Response(s.TeamDetailOut(membership).data)
