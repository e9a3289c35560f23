"""Benchmarks (``make bench`` runs ``python -m bench``): each module's ``main()`` prints its figures as
``<name>: <value> <unit> (target <op> <value>) ok|short``, measured against a baseline in the same run."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path | None:
    """The folder of real-world PDFs: ``$SCROLLKEEPER_CORPUS_DIR``, else ``../shared/corpus`` beside the
    repository, else ``var/corpus`` (what ``make corpus`` builds), else None (a fresh clone has none;
    tests then use generated PDFs only)."""
    configured = os.environ.get("SCROLLKEEPER_CORPUS_DIR")
    if configured:
        return Path(configured)
    for default in (REPO_ROOT.parent / "shared" / "corpus", REPO_ROOT / "var" / "corpus"):
        if default.is_dir():
            return default
    return None


def report(name: str, value: float, unit: str, op: str, target: float, *, digits: int = 2) -> None:
    """One target line; ``op`` is ``>=`` or ``<=``."""
    met = value >= target if op == ">=" else value <= target
    print(f"{name}: {value:.{digits}f} {unit} (target {op} {target:g}) {'ok' if met else 'short'}")
