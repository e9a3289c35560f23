from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from teams.signals import membership_changed, membership_removed

        from .receivers import close_sockets_of_removed_member, tell_member_of_their_new_role

        membership_removed.connect(close_sockets_of_removed_member, dispatch_uid="documents.close_sockets")
        membership_changed.connect(tell_member_of_their_new_role, dispatch_uid="documents.new_role")
