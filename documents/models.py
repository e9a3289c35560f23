"""Documents of a team: uploads in flight, parsed documents, their pages, tags and collections."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from core.models import BaseModel
from teams.models import Team


class Upload(BaseModel):
    """A file the browser is sending straight to storage; becomes a Document when completed."""

    class Method(models.TextChoices):
        POST = "post", "Presigned POST"
        MULTIPART = "multipart", "Multipart"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        COMPLETED = "completed", "Completed"
        ABORTED = "aborted", "Aborted"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    storage_key = models.CharField(max_length=512, unique=True)
    method = models.CharField(max_length=16, choices=Method.choices)
    multipart_upload_id = models.CharField(max_length=255, blank=True)
    part_size = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    expires_at = models.DateTimeField()
    # Set when the file is a new version of this document rather than a new document.
    document = models.ForeignKey(
        "Document", on_delete=models.CASCADE, null=True, blank=True, related_name="version_uploads"
    )

    class Meta:
        indexes: ClassVar = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.state})"


class Tag(BaseModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=64)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint("team", Lower("name"), name="documents_tag_unique_name_per_team"),
        ]

    def __str__(self) -> str:
        return self.name


class Collection(BaseModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint("team", Lower("name"), name="documents_collection_unique_name_per_team"),
        ]

    def __str__(self) -> str:
        return self.name


class Document(BaseModel):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        PARSING = "parsing", "Parsing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="documents"
    )
    title = models.CharField(max_length=500)
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    storage_key = models.CharField(max_length=512, unique=True)
    # The number of the current version (``DocumentVersion``); the fields above are that version's file.
    version = models.PositiveIntegerField(default=1)

    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    error_code = models.CharField(max_length=32, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(null=True, blank=True)
    parsed_at = models.DateTimeField(null=True, blank=True)

    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    authors = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    outline = models.JSONField(default=list, blank=True)
    doi = models.CharField(max_length=255, blank=True)
    arxiv_id = models.CharField(max_length=64, blank=True)
    pages_without_text = models.JSONField(default=list, blank=True)

    tags = models.ManyToManyField(Tag, blank=True, related_name="documents")
    collections = models.ManyToManyField(Collection, blank=True, related_name="documents")

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["team", "-created_at"]),
            models.Index("team", Lower("title"), name="documents_team_title_sort"),  # the library's A-Z
            models.Index(fields=["team", "state"]),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(BaseModel):
    """One file a document has had. The newest is also on the document itself (``storage_key`` and the
    rest); earlier ones stay in storage, downloadable, until the document is deleted."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=512, unique=True)
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    pages_total = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A version whose file could not be read (the parse's code and message): the document stayed on the
    # version before it. Empty for the others.
    error_code = models.CharField(max_length=32, blank=True)
    error_message = models.CharField(max_length=500, blank=True)

    team_lookup = "document__team"

    class Meta:
        ordering: ClassVar = ["-number"]
        constraints: ClassVar = [
            models.UniqueConstraint("document", "number", name="documents_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"version {self.number} of {self.document_id}"


class Page(models.Model):
    """One page's text, kept apart so search and annotation anchoring read only what they need."""

    id = models.BigAutoField(primary_key=True)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    index = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    width = models.FloatField()
    height = models.FloatField()
    rotation = models.PositiveSmallIntegerField(default=0)
    has_text_layer = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["index"]
        constraints: ClassVar = [models.UniqueConstraint("document", "index", name="documents_page_unique_index")]

    def __str__(self) -> str:
        return f"page {self.index + 1} of {self.document_id}"
