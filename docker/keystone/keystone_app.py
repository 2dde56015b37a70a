"""Keystone's WSGI application for gunicorn. Keystone's configuration loader parses
sys.argv, which under gunicorn holds gunicorn's own options: clear it first."""
import sys

sys.argv = sys.argv[:1]

from keystone.wsgi.api import application  # noqa: E402,F401
