from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.events import ParseErrorPayload, parse_error
from documents.models import Collection, Document, DocumentVersion, Page, Tag, Upload
from documents.selectors import ORDERINGS


class UploadStartIn(serializers.Serializer[None]):
    filename = serializers.CharField(max_length=1024)
    size = serializers.IntegerField(min_value=1)
    content_type = serializers.CharField(max_length=255, allow_blank=True, default="application/pdf")
    document = serializers.UUIDField(
        required=False,
        allow_null=True,
        source="document_id",
        help_text="The id of a document this file is a new version of; omit it for a new document.",
    )


class UploadTargetOut(serializers.Serializer[None]):
    method = serializers.ChoiceField(choices=["POST"])
    url = serializers.CharField()
    # Declared fields leave the class attributes (DRF's metaclass), so this does not shadow .fields.
    fields = serializers.DictField(child=serializers.CharField())  # type: ignore[assignment]  # S3's name for the form fields
    file_field = serializers.CharField()


class PartTargetOut(serializers.Serializer[None]):
    part_number = serializers.IntegerField()
    url = serializers.CharField()


class UploadOut(serializers.Serializer[Any]):
    """An upload in flight (``documents.services.UploadStart``): where the browser sends the bytes."""

    id = serializers.UUIDField(source="upload.id")
    filename = serializers.CharField(source="upload.filename")
    size = serializers.IntegerField(source="upload.size")
    method = serializers.ChoiceField(source="upload.method", choices=Upload.Method.choices)
    part_size = serializers.IntegerField(source="upload.part_size", allow_null=True)
    expires_at = serializers.DateTimeField(source="upload.expires_at")
    target = UploadTargetOut(allow_null=True, help_text="For method 'post': the form to send the file with.")
    parts = PartTargetOut(many=True, help_text="For method 'multipart': PUT each part, keep each ETag.")


class CompletedPartIn(serializers.Serializer[None]):
    part_number = serializers.IntegerField(min_value=1, max_value=10_000)
    etag = serializers.CharField(max_length=128)


class UploadCompleteIn(serializers.Serializer[None]):
    parts = CompletedPartIn(many=True, required=False)


class TagOut(serializers.ModelSerializer[Tag]):
    class Meta:
        model = Tag
        fields = ("id", "name")
        read_only_fields = fields


class CollectionRefOut(serializers.ModelSerializer[Collection]):
    class Meta:
        model = Collection
        fields = ("id", "name")
        read_only_fields = fields


class CollectionOut(serializers.ModelSerializer[Collection]):
    class Meta:
        model = Collection
        fields = ("id", "name", "description", "created_at")
        read_only_fields = fields


class CollectionIn(serializers.Serializer[None]):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000, allow_blank=True, default="")


class ParseErrorOut(serializers.Serializer[None]):
    code = serializers.CharField()
    message = serializers.CharField()
    retryable = serializers.BooleanField(
        help_text="Whether parsing the same file again may succeed (storage was down, the machine was busy); "
        "retrying any other failure is refused."
    )


class UploaderOut(serializers.Serializer[None]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class OutlineItemOut(serializers.Serializer[None]):
    title = serializers.CharField()
    page_index = serializers.IntegerField(allow_null=True, help_text="0-based; null when the bookmark points nowhere.")
    children = serializers.ListField(child=serializers.DictField(), help_text="Outline items, nested the same way.")


class DocumentMetadataOut(serializers.Serializer[None]):
    subject = serializers.CharField(allow_null=True)
    keywords = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField(allow_null=True, help_text="When the PDF says it was made.")
    creator = serializers.CharField(allow_null=True, help_text="The authoring tool.")
    producer = serializers.CharField(allow_null=True, help_text="The tool that wrote the PDF.")
    pages_by_extractor = serializers.DictField(child=serializers.IntegerField())
    warnings = serializers.ListField(child=serializers.CharField())


class DocumentOut(serializers.ModelSerializer[Document]):
    authors = serializers.ListField(child=serializers.CharField(), read_only=True)
    tags: "serializers.SlugRelatedField[Tag]" = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    collections = CollectionRefOut(many=True, read_only=True)
    uploaded_by = UploaderOut(allow_null=True, read_only=True)
    error = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields: tuple[str, ...] = (
            "id", "title", "filename", "size", "state", "error", "pages_done", "pages_total", "authors",
            "doi", "arxiv_id", "duplicate_of", "uploaded_by", "tags", "collections", "created_at", "updated_at",
            "version",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ParseErrorOut(allow_null=True))
    def get_error(self, document: Document) -> ParseErrorPayload | None:
        if document.state != Document.State.FAILED:
            return None
        return parse_error(document.error_code, document.error_message)


class DocumentPageOut(serializers.Serializer[None]):
    next = serializers.URLField(allow_null=True, help_text="The next page of the list, or null.")
    previous = serializers.URLField(allow_null=True)
    results = DocumentOut(many=True)


class DocumentDetailOut(DocumentOut):
    metadata = serializers.SerializerMethodField()
    outline = OutlineItemOut(many=True, read_only=True)
    pages_without_text = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="0-based indexes of pages with no text layer."
    )

    class Meta(DocumentOut.Meta):
        fields = (*DocumentOut.Meta.fields, "metadata", "outline", "pages_without_text", "parsed_at", "sha256")
        read_only_fields = fields

    @extend_schema_field(DocumentMetadataOut(allow_null=True, help_text="null until the document is parsed."))
    def get_metadata(self, document: Document) -> dict[str, Any] | None:
        return document.metadata or None


class DocumentUpdateIn(serializers.Serializer[None]):
    title = serializers.CharField(max_length=500, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=50)
    collection_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=100)


class PageOut(serializers.ModelSerializer[Page]):
    class Meta:
        model = Page
        fields = ("index", "text", "width", "height", "rotation", "has_text_layer")
        read_only_fields = fields


class PageListOut(serializers.Serializer[None]):
    results = PageOut(many=True)


class VersionOut(serializers.ModelSerializer[DocumentVersion]):
    number = serializers.IntegerField(read_only=True, help_text="1 for the first upload, then 2, 3, ...")
    uploaded_by = UploaderOut(allow_null=True, read_only=True)
    is_current = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = (
            "number", "filename", "size", "sha256", "pages_total", "uploaded_by", "created_at", "is_current", "error",
        )  # fmt: skip
        read_only_fields = fields

    def get_is_current(self, version: DocumentVersion) -> bool:
        return version.number == version.document.version

    @extend_schema_field(ParseErrorOut(allow_null=True))
    def get_error(self, version: DocumentVersion) -> ParseErrorPayload | None:
        """Why this version's file could not be read (the document stayed on the version before)."""
        return parse_error(version.error_code, version.error_message) if version.error_code else None


class VersionListOut(serializers.Serializer[None]):
    results = VersionOut(many=True)


class DownloadOut(serializers.Serializer[None]):
    url = serializers.CharField()
    expires_in = serializers.IntegerField()


class TagListOut(serializers.Serializer[None]):
    results = TagOut(many=True)


class CollectionListOut(serializers.Serializer[None]):
    results = CollectionOut(many=True)


class DocumentFilterIn(serializers.Serializer[None]):
    state = serializers.ChoiceField(choices=Document.State.choices, required=False)
    tag = serializers.CharField(max_length=64, required=False)
    collection = serializers.UUIDField(required=False)
    uploader = serializers.UUIDField(required=False)
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), required=False, allow_blank=True)
    """Applied by the paginator; checked here, so that a misspelt one is an error, not the default order."""


class PageWindowIn(serializers.Serializer[None]):
    start = serializers.IntegerField(min_value=0, default=0)
    stop = serializers.IntegerField(min_value=1, required=False)
