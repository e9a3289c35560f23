from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations"

    def ready(self) -> None:
        from documents.signals import document_parsed

        from .receivers import import_annotations_of_parsed_document, reanchor_annotations_of_parsed_document

        document_parsed.connect(import_annotations_of_parsed_document, dispatch_uid="annotations.import_pdf")
        document_parsed.connect(reanchor_annotations_of_parsed_document, dispatch_uid="annotations.reanchor")
