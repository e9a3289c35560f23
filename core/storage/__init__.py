"""Object storage behind one protocol: S3 (any S3-compatible server) or the local disk.

``get_storage()`` returns the adapter the settings choose; callers never know which one runs.
"""

import threading
from functools import cache

from django.conf import settings

from .base import StorageBackend

_making = threading.Lock()


@cache
def get_storage() -> StorageBackend:
    # One at a time: boto3's default session, which makes the S3 clients, is not thread-safe, and a
    # worker's pool process makes its storage in a warm-up thread while its first task may ask too.
    with _making:
        if settings.USE_S3:
            from .s3 import S3Storage

            return S3Storage.from_settings()
        from .local import LocalStorage

        return LocalStorage(root=settings.MEDIA_ROOT)


__all__ = ["StorageBackend", "get_storage"]
