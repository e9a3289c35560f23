"""Test settings: the real services (PostgreSQL, Redis; S3 from the moto fixture), made faster.

``tests/conftest.py`` starts PostgreSQL and Redis when they are down. Each xdist worker gets its own
Redis database so that one worker clearing the cache never touches another's. Test runs of several
checkouts at once on one machine set ``SCROLLKEEPER_TEST_SLOT`` (1 to 6, with at most two xdist
workers each) to get their own databases.
"""

import os
import tempfile

_worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_slot = int(os.environ.get("SCROLLKEEPER_TEST_SLOT", "0"))
os.environ.setdefault("DJANGO_ENV", "test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scrollkeeper")
# xdist workers inherit the controller's environment, so the per-worker default is set, not defaulted.
if "REDIS_URL" not in os.environ or os.environ.get("SCROLLKEEPER_TEST_REDIS_PER_WORKER"):
    os.environ["SCROLLKEEPER_TEST_REDIS_PER_WORKER"] = "1"
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{1 + (_slot * 2 + _worker) % 15}"
os.environ.setdefault("SCROLLKEEPER_VAR_DIR", tempfile.mkdtemp(prefix="scrollkeeper-test-"))

from .base import *  # noqa: F403, E402 - the test settings are the base settings plus the overrides below

# Argon2 is deliberately slow; tests hash many passwords and do not test the hasher's cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 - defined by base
if _slot:
    DATABASES["default"]["TEST"] = {"NAME": f"test_scrollkeeper_slot{_slot}"}  # noqa: F405 - defined by base
