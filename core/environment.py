"""Which real services this process uses, and which embedded stand-ins replace missing ones."""

from django.conf import settings


def describe_backends() -> list[str]:
    """One line per service, saying plainly when an embedded fallback is in use."""
    database = settings.DATABASES["default"]
    if "sqlite" in database["ENGINE"]:
        db_line = f"Database: SQLite at {database['NAME']} (embedded; set DATABASE_URL for PostgreSQL)"
    else:
        db_line = f"Database: PostgreSQL {database.get('HOST') or 'local socket'}/{database['NAME']}"
    if settings.REDIS_URL:
        redis_lines = [
            "Cache and rate limits: Redis",
            "Websockets: Redis channel layer",
            "Background tasks: Celery worker on the Redis broker",
        ]
    else:
        redis_lines = [
            "Cache and rate limits: in-process memory (embedded; set REDIS_URL for Redis)",
            "Websockets: in-memory channel layer, this process only (embedded; set REDIS_URL)",
            "Background tasks: run in-process, no worker (embedded; set REDIS_URL for Celery)",
        ]
    if settings.USE_S3:
        storage_line = (
            f"Storage: S3 bucket {settings.S3_BUCKET} at {settings.S3_ENDPOINT_URL or 'AWS'} "
            "(`manage.py storage_setup` makes it and lets browsers upload to it)"
        )
    else:
        storage_line = f"Storage: local files under {settings.MEDIA_ROOT} (embedded; set S3_BUCKET and S3_*)"
    if settings.EMAIL_BACKEND == "core.mail.ConsoleBackend":
        email_line = "E-mail: written to this console, links intact (set EMAIL_BACKEND and EMAIL_* to send it)"
    else:
        email_line = f"E-mail: {settings.EMAIL_BACKEND}"
    return [db_line, *redis_lines, storage_line, email_line]
