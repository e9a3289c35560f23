"""`manage.py storage_setup`: the bucket exists and browsers of the site's origins may upload to it."""

from io import StringIO
from typing import Any

import pytest
import requests
from django.core.management import call_command

from core.storage import get_storage
from tests.conftest import s3_client


def test_creates_the_bucket_and_allows_the_sites_origins(settings: Any, s3_endpoint: str) -> None:
    """GIVEN a bucket that does not exist yet WHEN storage_setup runs THEN it exists, with CORS rules for
    the site's origin that let browsers upload (POST, PUT), download (GET) and read each part's ETag."""
    settings.S3_BUCKET = "scrollkeeper-setup-test"
    settings.SITE_URL = "https://papers.example.org"
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.org"]
    get_storage.cache_clear()
    out = StringIO()
    call_command("storage_setup", stdout=out)
    rules = s3_client(s3_endpoint).get_bucket_cors(Bucket="scrollkeeper-setup-test")["CORSRules"]
    assert rules[0]["AllowedOrigins"] == ["https://papers.example.org", "https://app.example.org"]
    assert set(rules[0]["AllowedMethods"]) >= {"GET", "POST", "PUT"}
    assert "ETag" in rules[0]["ExposeHeaders"]
    assert "Created bucket" in out.getvalue()

    call_command("storage_setup", "--origin", "https://other.example.org", stdout=StringIO())  # again: no error
    rules = s3_client(s3_endpoint).get_bucket_cors(Bucket="scrollkeeper-setup-test")["CORSRules"]
    assert rules[0]["AllowedOrigins"] == ["https://other.example.org"]


def test_a_loopback_site_is_allowed_under_each_of_its_names(settings: Any, s3_endpoint: str) -> None:
    """GIVEN the development site (SITE_URL on 127.0.0.1, which `make run` shows as localhost)
    WHEN storage_setup runs THEN a browser at either name may upload: S3 compares the Origin as typed."""
    settings.S3_BUCKET = "scrollkeeper-setup-loopback"
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.org"]
    get_storage.cache_clear()
    call_command("storage_setup", stdout=StringIO())
    rules = s3_client(s3_endpoint).get_bucket_cors(Bucket="scrollkeeper-setup-loopback")["CORSRules"]
    assert rules[0]["AllowedOrigins"] == [
        "http://localhost:8000",
        "http://127.0.0.1:8000",
        "http://[::1]:8000",
        "https://app.example.org",
    ]
    for origin, allowed in [("http://localhost:8000", True), ("http://localhost:9000", False)]:
        preflight = requests.options(
            f"{s3_endpoint}/scrollkeeper-setup-loopback",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )
        assert (preflight.status_code == 200) is allowed, (origin, preflight.status_code)


@pytest.mark.django_db
def test_local_storage_needs_nothing(settings: Any, tmp_path: Any) -> None:
    settings.USE_S3 = False
    settings.MEDIA_ROOT = tmp_path
    get_storage.cache_clear()
    out = StringIO()
    call_command("storage_setup", stdout=out)
    assert "nothing to set up" in out.getvalue()
