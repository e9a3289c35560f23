"""WSGI entry point: gunicorn serves the HTTP API and the single-page app with it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrollkeeper.settings.base")

application = get_wsgi_application()
