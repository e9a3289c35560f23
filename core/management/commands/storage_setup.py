"""`manage.py storage_setup`: make the S3 bucket ready for browsers that upload to it directly."""

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.storage import get_storage
from core.storage.s3 import S3Storage

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import CORSConfigurationTypeDef

EXPOSED_HEADERS = ["ETag", "Content-Range", "Accept-Ranges", "Content-Length"]
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def site_origins() -> list[str]:
    """``SITE_URL`` and ``CSRF_TRUSTED_ORIGINS``. A loopback origin comes under each of its names: the
    browser sends the one typed, and ``make run`` prints localhost where ``SITE_URL`` says 127.0.0.1."""
    origins: dict[str, None] = {}
    for origin in [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS]:
        url = urlsplit(origin)
        if url.hostname in {name.strip("[]") for name in LOOPBACK_NAMES}:
            port = f":{url.port}" if url.port else ""
            origins.update(dict.fromkeys(f"{url.scheme}://{name}{port}" for name in LOOPBACK_NAMES))
        else:
            origins[origin] = None
    return list(origins)


def cors_rules(origins: list[str]) -> "CORSConfigurationTypeDef":
    """What the SPA needs: POST (small files) and PUT (parts) uploads, GET (with Range, for pdf.js)
    downloads, and the headers it reads back (each part's ETag)."""
    return {
        "CORSRules": [
            {
                "AllowedOrigins": origins,
                "AllowedMethods": ["GET", "HEAD", "POST", "PUT"],
                "AllowedHeaders": ["*"],
                "ExposeHeaders": EXPOSED_HEADERS,
                "MaxAgeSeconds": 3600,
            }
        ]
    }


class Command(BaseCommand):
    help = "Create the S3 bucket if it is missing and allow the site's origins to upload to it (CORS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--origin",
            action="append",
            dest="origins",
            help="An origin browsers use the site from (repeatable); default: SITE_URL and CSRF_TRUSTED_ORIGINS "
            "(a loopback one under each of its names).",
        )

    def handle(self, *args: Any, origins: list[str] | None, **options: Any) -> None:
        storage = get_storage()
        if not isinstance(storage, S3Storage):
            self.stdout.write("Local storage: the browser uploads to this site itself; nothing to set up.")
            return
        client, bucket = storage.client, storage.bucket
        try:
            client.head_bucket(Bucket=bucket)
        except ClientError:
            client.create_bucket(Bucket=bucket)
            self.stdout.write(f"Created bucket {bucket}.")
        allowed = origins or site_origins()
        try:
            client.put_bucket_cors(Bucket=bucket, CORSConfiguration=cors_rules(allowed))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "NotImplemented":  # MinIO: CORS set server-wide
                self.stdout.write("This S3 server sets CORS itself (MinIO: MINIO_API_CORS_ALLOW_ORIGIN).")
                return
            raise CommandError(f"Could not set the bucket's CORS rules: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Bucket {bucket} accepts uploads from {', '.join(allowed)}."))
