import io
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from core.storage import get_storage
from documents.models import Document
from teams.models import Membership, Team
from teams.roles import Role
from tests.factories import MembershipFactory, UserFactory, make_team


@pytest.fixture
def owner(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def team(owner: User) -> Team:
    return make_team(owner=owner, name="Optics lab")


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def member(team: Team) -> Callable[[str], tuple[Membership, APIClient]]:
    """A new member of ``team`` with ``role``, and a client signed in as them."""

    def make(role: str = Role.EDITOR) -> tuple[Membership, APIClient]:
        membership = MembershipFactory.create(team=team, role=role)
        return membership, client_for(membership.user)

    return make


@pytest.fixture
def owner_client(owner: User) -> APIClient:
    return client_for(owner)


@pytest.fixture
def stored_document(team: Team, owner: User) -> Callable[..., Document]:
    """A document whose bytes are in storage, queued as an upload would leave it."""

    def make(
        data: bytes,
        *,
        title: str = "Paper",
        uploaded_by: User | None = None,
        in_team: Team | None = None,
        **fields: Any,
    ) -> Document:
        document = Document.objects.create(
            team=in_team or team,
            uploaded_by=uploaded_by or owner,
            title=title,
            filename=f"{title}.pdf",
            size=len(data),
            storage_key=f"teams/{(in_team or team).pk}/documents/{title}-{len(data)}.pdf",
            **fields,
        )
        get_storage().upload_from(key=document.storage_key, fileobj=io.BytesIO(data), content_type="application/pdf")
        return document

    return make
