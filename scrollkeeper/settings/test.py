"""Test settings: the real services (PostgreSQL, Redis; S3 from the moto fixture), made faster.

``tests/conftest.py`` starts PostgreSQL and Redis when they are down. Each xdist worker gets its own
Redis database so that one worker clearing the cache never touches another's.
"""

import os
import tempfile

_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
os.environ.setdefault("DJANGO_ENV", "test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scrollkeeper")
# xdist workers inherit the controller's environment, so the per-worker default is set, not defaulted.
if "REDIS_URL" not in os.environ or os.environ.get("SCROLLKEEPER_TEST_REDIS_PER_WORKER"):
    os.environ["SCROLLKEEPER_TEST_REDIS_PER_WORKER"] = "1"
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{1 + int(_worker or 0) % 15}"
os.environ.setdefault("SCROLLKEEPER_VAR_DIR", tempfile.mkdtemp(prefix="scrollkeeper-test-"))

from .base import *  # noqa: F403, E402 - the test settings are the base settings plus the overrides below

# Argon2 is deliberately slow; tests hash many passwords and do not test the hasher's cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 - defined by base
