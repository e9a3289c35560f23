from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Teams"

    def ready(self) -> None:
        from accounts.signals import user_signed_up

        from . import receivers

        user_signed_up.connect(receivers.create_personal_team, dispatch_uid="teams.create_personal_team")
