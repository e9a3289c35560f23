from typing import Protocol


class StorageBackend(Protocol):
    """What the project needs of an object store."""

    name: str

    def check(self) -> None:
        """Raise if the store cannot be reached or written."""
