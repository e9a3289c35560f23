"""The rules of annotating: who may create, edit, delete, resolve and assign what, and versions."""

import pytest

from annotations import services
from annotations.api.serializers import AnnotationOut
from annotations.models import Annotation, Reply
from annotations.selectors import annotation_with_thread
from core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from documents.models import Document
from teams.models import AuditEvent
from teams.roles import Role
from tests.annotations.conftest import annotate, make_document
from tests.factories import MembershipFactory, UserFactory
from tests.teams.conftest import Lab

pytestmark = pytest.mark.django_db


# --- creating: notes for everyone, highlights and areas for editors and up -------------------------


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.EDITOR, Role.VIEWER])
def test_every_role_may_pin_a_note(lab: Lab, document: Document, role: Role) -> None:
    note = annotate(lab.member(role), document, "note", body="Check eq. 3")
    assert (note.kind, note.version, note.author, note.team) == ("note", 1, lab.member(role).user, lab.team)


@pytest.mark.parametrize("kind", ["highlight", "area"])
def test_viewers_may_not_highlight_or_mark_areas(lab: Lab, document: Document, kind: str) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        annotate(lab.viewer, document, kind)
    assert caught.value.extra == {"permission": "annotations.highlight"}
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("kind", ["highlight", "area"])
def test_editors_may_highlight_and_mark_areas(lab: Lab, document: Document, kind: str) -> None:
    assert annotate(lab.editor, document, kind).kind == kind


def test_a_note_needs_text_and_pages_must_exist(lab: Lab, document: Document) -> None:
    with pytest.raises(ApplicationError) as caught:
        annotate(lab.viewer, document, "note", body="  ")
    assert "body" in caught.value.fields
    with pytest.raises(ApplicationError) as caught:
        annotate(lab.editor, document, page_index=5)
    assert "page_index" in caught.value.fields


def test_only_ready_documents_of_the_team_are_annotated(lab: Lab) -> None:
    parsing = make_document(lab.team, state=Document.State.PARSING)
    with pytest.raises(ConflictError) as caught:
        annotate(lab.editor, parsing)
    assert caught.value.code == "document_not_ready"
    other_team = build_other_team_document()
    with pytest.raises(NotFoundError):
        annotate(lab.editor, other_team)


def build_other_team_document() -> Document:
    from tests.factories import make_team

    return make_document(make_team(name="Elsewhere"), title="Theirs")


# --- editing and deleting: the author's own; admins delete any -------------------------------------


def test_authors_edit_their_own_and_nobody_else_does(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document)
    updated = services.annotation_update(
        actor=lab.editor, document_id=document.pk, annotation_id=highlight.pk, version=1, body="Key", color="#ff0"
    )
    assert (updated.body, updated.color, updated.version) == ("Key", "#ff0", 2)
    for other in (lab.owner, lab.admin, lab.viewer):
        with pytest.raises(PermissionDeniedError):
            services.annotation_update(
                actor=other, document_id=document.pk, annotation_id=highlight.pk, version=2, body="Mine now"
            )
    assert Annotation.objects.get().body == "Key"


def test_an_editor_demoted_to_viewer_keeps_notes_but_not_highlight_edits(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document)
    lab.editor.role = Role.VIEWER
    with pytest.raises(PermissionDeniedError):
        services.annotation_update(
            actor=lab.editor, document_id=document.pk, annotation_id=highlight.pk, version=1, color="red"
        )
    # Deleting one's own work stays possible.
    services.annotation_delete(actor=lab.editor, document_id=document.pk, annotation_id=highlight.pk)


def test_members_delete_their_own_and_admins_anyones(lab: Lab, document: Document) -> None:
    own = annotate(lab.viewer, document, "note")
    services.annotation_delete(actor=lab.viewer, document_id=document.pk, annotation_id=own.pk)

    theirs = annotate(lab.editor, document)
    with pytest.raises(PermissionDeniedError):
        services.annotation_delete(actor=lab.viewer, document_id=document.pk, annotation_id=theirs.pk)
    editor_two = lab.add(Role.EDITOR)
    with pytest.raises(PermissionDeniedError):
        services.annotation_delete(actor=editor_two, document_id=document.pk, annotation_id=theirs.pk)
    services.annotation_delete(actor=lab.admin, document_id=document.pk, annotation_id=theirs.pk)
    assert not Annotation.objects.exists()
    assert AuditEvent.objects.filter(action="annotation.deleted", actor=lab.admin.user).count() == 1


# --- concurrency -------------------------------------------------------------------------------------


def test_a_stale_version_is_refused_with_the_current_state(lab: Lab, document: Document) -> None:
    """GIVEN the author changed the colour (version 2) WHEN an update still based on version 1 comes
    THEN 409 version_conflict carrying the annotation as it is now, and nothing is overwritten."""
    highlight = annotate(lab.editor, document, body="First")
    services.annotation_update(
        actor=lab.editor, document_id=document.pk, annotation_id=highlight.pk, version=1, color="green"
    )
    with pytest.raises(ConflictError) as caught:
        services.annotation_update(
            actor=lab.editor, document_id=document.pk, annotation_id=highlight.pk, version=1, body="Second"
        )
    assert caught.value.code == "version_conflict"
    current = caught.value.extra["current"]
    assert (current["version"], current["color"], current["body"]) == (2, "green", "First")
    assert Annotation.objects.get().body == "First"


def test_an_update_that_changes_nothing_keeps_the_version(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document, body="Same")
    same = services.annotation_update(
        actor=lab.editor, document_id=document.pk, annotation_id=highlight.pk, version=1, body="Same"
    )
    assert same.version == 1


# --- visibility ---------------------------------------------------------------------------------------


def test_private_annotations_exist_for_their_author_only(lab: Lab, document: Document) -> None:
    draft = annotate(lab.editor, document, visibility="private")
    for other in (lab.owner, lab.admin, lab.viewer):
        with pytest.raises(NotFoundError):
            services.annotation_resolve(actor=other, document_id=document.pk, annotation_id=draft.pk)
        with pytest.raises(NotFoundError):
            services.annotation_delete(actor=other, document_id=document.pk, annotation_id=draft.pk)
        with pytest.raises(NotFoundError):
            services.reply_create(actor=other, document_id=document.pk, annotation_id=draft.pk, body="Hi")
    assert Annotation.objects.get().resolved_at is None


def test_the_author_promotes_a_draft_and_may_take_it_back_until_others_reply(lab: Lab, document: Document) -> None:
    draft = annotate(lab.editor, document, visibility="private")
    shared = services.annotation_update(
        actor=lab.editor, document_id=document.pk, annotation_id=draft.pk, version=1, visibility="team"
    )
    services.reply_create(actor=lab.editor, document_id=document.pk, annotation_id=draft.pk, body="My own reply")
    back = services.annotation_update(
        actor=lab.editor, document_id=document.pk, annotation_id=draft.pk, version=shared.version, visibility="private"
    )
    assert back.visibility == "private"
    services.annotation_update(
        actor=lab.editor, document_id=document.pk, annotation_id=draft.pk, version=back.version, visibility="team"
    )
    services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=draft.pk, body="Seen it")
    with pytest.raises(ConflictError) as caught:
        services.annotation_update(
            actor=lab.editor, document_id=document.pk, annotation_id=draft.pk, version=4, visibility="private"
        )
    assert caught.value.code == "has_replies"


# --- resolving and assigning ----------------------------------------------------------------------------


def test_any_member_resolves_and_reopens_and_asking_twice_changes_nothing(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document)
    resolved = services.annotation_resolve(actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk)
    assert (resolved.resolved_by, resolved.version) == (lab.viewer.user, 2)
    again = services.annotation_resolve(actor=lab.admin, document_id=document.pk, annotation_id=highlight.pk)
    assert (again.resolved_by, again.version) == (lab.viewer.user, 2)
    reopened = services.annotation_reopen(actor=lab.owner, document_id=document.pk, annotation_id=highlight.pk)
    assert (reopened.resolved_at, reopened.resolved_by, reopened.version) == (None, None, 3)


def test_any_member_assigns_but_only_to_a_member(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document)
    assigned = services.annotation_update(
        actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk, version=1, assignee_id=lab.admin.user_id
    )
    assert assigned.assignee == lab.admin.user
    outsider = UserFactory.create()
    elsewhere = MembershipFactory.create(role=Role.OWNER).user
    for user in (outsider, elsewhere):
        with pytest.raises(ApplicationError) as caught:
            services.annotation_update(
                actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk, version=2, assignee_id=user.pk
            )
        assert caught.value.code == "assignee_not_member"
        assert "assignee_id" in caught.value.fields
    unassigned = services.annotation_update(
        actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk, version=2, assignee_id=None
    )
    assert (unassigned.assignee, unassigned.version) == (None, 3)


def test_a_private_annotation_is_assigned_only_to_its_author(lab: Lab, document: Document) -> None:
    draft = annotate(lab.editor, document, visibility="private")
    with pytest.raises(ApplicationError) as caught:
        services.annotation_update(
            actor=lab.editor, document_id=document.pk, annotation_id=draft.pk, version=1, assignee_id=lab.admin.user_id
        )
    assert caught.value.code == "assignee_cannot_see"


# --- replies ----------------------------------------------------------------------------------------------


def test_replies_are_edited_by_their_author_from_the_current_version(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document)
    reply = services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk, body="Why?")
    ids = {"document_id": document.pk, "annotation_id": highlight.pk, "reply_id": reply.pk}
    with pytest.raises(PermissionDeniedError):
        services.reply_update(actor=lab.editor, body="Because", version=1, **ids)
    edited = services.reply_update(actor=lab.viewer, body="Why so?", version=1, **ids)
    assert edited.version == 2
    with pytest.raises(ConflictError) as caught:
        services.reply_update(actor=lab.viewer, body="Stale", version=1, **ids)
    assert caught.value.extra["current"]["body"] == "Why so?"
    # A reply leaves the annotation's version alone: an edit of the annotation must not conflict with it.
    assert Annotation.objects.get().version == 1


def test_replies_are_deleted_by_their_author_or_an_admin(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document)
    ids = {"document_id": document.pk, "annotation_id": highlight.pk}
    first = services.reply_create(actor=lab.viewer, body="One", **ids)
    second = services.reply_create(actor=lab.viewer, body="Two", **ids)
    with pytest.raises(PermissionDeniedError):
        services.reply_delete(actor=lab.editor, reply_id=first.pk, **ids)
    services.reply_delete(actor=lab.viewer, reply_id=first.pk, **ids)
    services.reply_delete(actor=lab.admin, reply_id=second.pk, **ids)
    assert not Reply.objects.exists()


# --- mentions -------------------------------------------------------------------------------------------


def test_mentions_name_members_by_display_name_or_email_local_part(lab: Lab, document: Document) -> None:
    editor_handle = lab.editor.user.email.split("@")[0]
    outsider = UserFactory.create(display_name="Olive Outsider")
    body = (
        f"@Ada Admin, see this. cc @{editor_handle}. Mail ed@example.org, not @Olive Outsider; "
        "again @ada admin and @Vi Viewers (no such name)."
    )
    note = annotate(lab.owner, document, "note", body=body)
    assert note.mentions == [str(lab.admin.user_id), str(lab.editor.user_id)]
    assert str(outsider.pk) not in note.mentions
    reply = services.reply_create(
        actor=lab.admin, document_id=document.pk, annotation_id=note.pk, body="@Vi Viewer: yours"
    )
    assert reply.mentions == [str(lab.viewer.user_id)]
    edited = services.annotation_update(
        actor=lab.owner, document_id=document.pk, annotation_id=note.pk, version=1, body="Nobody now"
    )
    assert edited.mentions == []


def test_the_longest_matching_name_wins(lab: Lab, document: Document) -> None:
    ada = lab.add(Role.VIEWER, display_name="Ada")
    note = annotate(lab.owner, document, "note", body="@Ada Admin and @Ada")
    assert note.mentions == [str(lab.admin.user_id), str(ada.user_id)]


# --- one shape for REST and events ----------------------------------------------------------------------


def test_the_event_payload_is_the_rest_shape(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document, body="@Ed Editor")
    services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk, body="Yes")
    services.annotation_resolve(actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk)
    services.annotation_update(
        actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk, version=2, assignee_id=lab.owner.user_id
    )
    loaded = annotation_with_thread(highlight)
    assert services.annotation_payload(loaded) == AnnotationOut(loaded).data


@pytest.mark.parametrize("kind", ["note", "area"])
def test_the_event_payload_is_the_rest_shape_for_every_kind(lab: Lab, document: Document, kind: str) -> None:
    """The REST answers of create, read and edit are built by the payload builder too."""
    loaded = annotation_with_thread(annotate(lab.editor, document, kind, visibility="private"))
    assert services.annotation_payload(loaded) == AnnotationOut(loaded).data
