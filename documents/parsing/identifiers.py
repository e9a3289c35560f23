"""DOIs and arXiv identifiers, found in a document's metadata and first pages.

Both are searched for in the order the texts are given (metadata first, then page 1, then page 2) and the
first hit wins: a paper's own DOI sits on its first page, the DOIs of the papers it cites come later.
"""

import re
from collections.abc import Iterable
from urllib.parse import unquote

# Crossref's recommended pattern (it matches 74.4M of their 74.9M DOIs), unanchored: the prefix 10.NNNN and
# a suffix of the characters real DOIs use, plus "%" for DOIs inside URLs ("10.1000%2F182"). Whatever
# precedes it -- "doi:", "DOI ", "https://doi.org/", "dx.doi.org/" -- is not part of the DOI.
_DOI = re.compile(r"\b10\.\d{4,9}(?:/|%2F)[-._;()/:a-z0-9%]+", re.IGNORECASE)
_DOI_TRAILING = ".,;:"

# arXiv ids are bare numbers, so only ones announced as such count: "arXiv:2101.00001v2" (the stamp in the
# margin of every preprint) or an arxiv.org/abs or /pdf URL.
_ARXIV_PREFIX = r"(?:\barxiv\s*:\s*|\barxiv\.org/(?:abs|pdf)/)"
_ARXIV_NEW = re.compile(_ARXIV_PREFIX + r"(?P<id>(?P<yymm>\d{4})\.\d{4,5}(?:v\d+)?)\b", re.IGNORECASE)
_ARXIV_OLD = re.compile(
    _ARXIV_PREFIX + r"(?P<id>[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)\b",
    re.IGNORECASE,
)


def find_doi(texts: Iterable[str]) -> str | None:
    """The first DOI in ``texts``, without any resolver prefix or trailing punctuation; case as written."""
    for text in texts:
        for match in _DOI.finditer(text):
            doi = _trim(unquote(match.group()))
            if not doi.endswith("/"):
                return doi
    return None


def find_arxiv_id(texts: Iterable[str]) -> str | None:
    """The first arXiv id in ``texts``: ``2101.00001v2`` or ``hep-th/9901001`` style, version kept if given."""
    for text in texts:
        hits = [match for match in _ARXIV_NEW.finditer(text) if 1 <= int(match["yymm"][2:]) <= 12]
        hits += list(_ARXIV_OLD.finditer(text))
        if hits:
            return min(hits, key=lambda match: match.start())["id"]
    return None


def _trim(doi: str) -> str:
    """Drop sentence punctuation and closing brackets that belong to the prose around the DOI.

    A bracket stays when the DOI opened it: ``10.1016/S0140-6736(20)30183-5`` is a real DOI.
    """
    while doi and (doi[-1] in _DOI_TRAILING or (doi[-1] == ")" and doi.count("(") < doi.count(")"))):
        doi = doi[:-1]
    return doi
