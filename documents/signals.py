"""Signals documents sends, for apps that must react without documents knowing them.

``document_parsed``: a document's parse succeeded and its pages are stored. Sent on commit with
``document_id`` (UUID), ``version`` (the number of the file's version that was parsed: 1 for a first
upload) and ``markup_annotations``: how many highlight-like and note annotations the file holds (None:
unknown). annotations imports those when there are (or may be) any, and, after a new version of the file,
places the annotations of earlier versions on its text.
"""

from django.dispatch import Signal

document_parsed = Signal()
