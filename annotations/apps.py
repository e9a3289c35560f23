from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from documents.signals import document_parsed

        from .models import AnnotationExport
        from .receivers import (
            import_annotations_of_parsed_document,
            reanchor_annotations_of_parsed_document,
            remove_the_file_of_a_deleted_export,
        )

        document_parsed.connect(import_annotations_of_parsed_document, dispatch_uid="annotations.import_pdf")
        document_parsed.connect(reanchor_annotations_of_parsed_document, dispatch_uid="annotations.reanchor")
        post_delete.connect(
            remove_the_file_of_a_deleted_export, sender=AnnotationExport, dispatch_uid="annotations.export_file"
        )
