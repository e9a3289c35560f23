"""Signals accounts sends, so that apps built on it (teams) react without accounts importing them.

``user_signed_up``: sent by ``services.user_sign_up`` inside its transaction, with ``user``; a
receiver that raises rolls the sign-up back.
"""

from django.dispatch import Signal

user_signed_up = Signal()
