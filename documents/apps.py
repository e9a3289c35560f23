from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from teams.signals import membership_removed

        from .receivers import close_sockets_of_removed_member

        membership_removed.connect(close_sockets_of_removed_member, dispatch_uid="documents.close_sockets")
