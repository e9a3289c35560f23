"""Signals documents sends, for apps that must react without documents knowing them.

``document_parsed``: a document's parse succeeded and its pages are stored. Sent on commit with
``document_id`` (UUID); annotations imports the annotations already inside the PDF when it arrives.
"""

from django.dispatch import Signal

document_parsed = Signal()
