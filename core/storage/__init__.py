"""Object storage behind one protocol: S3 (any S3-compatible server) or the local disk.

``get_storage()`` returns the adapter the settings choose; callers never know which one runs.
"""

from functools import cache

from django.conf import settings

from .base import StorageBackend


@cache
def get_storage() -> StorageBackend:
    if settings.USE_S3:
        from .s3 import S3Storage

        return S3Storage.from_settings()
    from .local import LocalStorage

    return LocalStorage(root=settings.MEDIA_ROOT)


__all__ = ["StorageBackend", "get_storage"]
