"""The embedded default: objects are files under a root folder (``var/media``)."""

import os
from pathlib import Path


class LocalStorage:
    name = "local"

    def __init__(self, *, root: Path) -> None:
        self.root = Path(root)

    def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"{self.root} is not writable")
