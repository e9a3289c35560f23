"""Reads of a team's documents, always scoped through ``teams.selectors.team_scoped``."""

from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower

from core.exceptions import NotFoundError
from teams.models import Team
from teams.selectors import NOT_FOUND, scoped_get, team_scoped

from .models import Collection, Document, DocumentVersion, Page, Tag

ORDERINGS = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    # Titles sort as people read them: "an Introduction" between "ACM" and "Hypertext", not after "Zeta".
    "title": ("title_sort", "id"),
    "-title": ("-title_sort", "-id"),
}

# Only the detail shows these: a manual's outline alone runs to ~100 KB, read and decoded for nothing in
# a list of 50 (or anywhere else a document is only looked up).
DETAIL_ONLY_FIELDS = ("outline", "metadata")


def detail_only_fields(via: str) -> tuple[str, ...]:
    """``DETAIL_ONLY_FIELDS`` as ``defer()`` names them on a document joined through ``via``
    (``"document"``, ``"annotation__document"``)."""
    return tuple(f"{via}__{name}" for name in DETAIL_ONLY_FIELDS)


def document_list(
    *,
    team: Team,
    state: str | None = None,
    tag: str | None = None,
    collection_id: UUID | None = None,
    uploader_id: UUID | None = None,
) -> QuerySet[Document]:
    """What the library lists: without ``DETAIL_ONLY_FIELDS``."""
    documents = _with_labels(team_scoped(Document.objects.annotate(title_sort=Lower("title")), team=team))
    if state:
        documents = documents.filter(state=state)
    if tag:
        documents = documents.filter(tags__name__iexact=tag)
    if collection_id:
        documents = documents.filter(collections__id=collection_id)
    if uploader_id:
        documents = documents.filter(uploaded_by_id=uploader_id)
    return documents.defer(*DETAIL_ONLY_FIELDS)


def document_get(*, team: Team, document_id: UUID | str) -> Document:
    """The whole document, as its detail shows it."""
    return scoped_get(_with_labels(Document.objects.all()), team=team, pk=document_id)


def document_brief_get(*, team: Team, document_id: UUID | str) -> Document:
    """The team's document (404 for another team's) to look at its state, file or version: one query,
    without its labels or ``DETAIL_ONLY_FIELDS``."""
    return scoped_get(Document.objects.defer(*DETAIL_ONLY_FIELDS), team=team, pk=document_id)


def _with_labels(documents: QuerySet[Document]) -> QuerySet[Document]:
    """With who uploaded it, its tags and its collections, as both the list and the detail show them."""
    return documents.select_related("uploaded_by").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
        Prefetch("collections", queryset=Collection.objects.only("id", "name")),
    )


def page_list(*, document: Document, start: int = 0, stop: int | None = None) -> QuerySet[Page]:
    pages = Page.objects.filter(document=document, index__gte=start)
    return pages.filter(index__lt=stop) if stop is not None else pages


def version_list(*, team: Team, document_id: UUID | str) -> QuerySet[DocumentVersion]:
    """Every version of the team's document (404 for another team's), newest first."""
    document = document_brief_get(team=team, document_id=document_id)
    # Through the related manager, each version's ``document`` is the one just read: no join.
    return document.versions.select_related("uploaded_by").order_by("-number")


def version_get(*, team: Team, document_id: UUID | str, number: int) -> DocumentVersion:
    """One version of the team's document, or 404."""
    versions = team_scoped(DocumentVersion.objects.filter(document_id=document_id, number=number), team=team)
    version = versions.first()
    if version is None:
        raise NotFoundError(NOT_FOUND)
    return version


def tag_list(*, team: Team) -> QuerySet[Tag]:
    return team_scoped(Tag.objects.all(), team=team)


def collection_list(*, team: Team) -> QuerySet[Collection]:
    return team_scoped(Collection.objects.all(), team=team)
