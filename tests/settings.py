"""Test settings: production settings with the few changes a test run needs."""

import os

os.environ["DEBUG"] = "false"  # a developer's .env must not change what tests check
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# inside one unless told that it is safe (it is: the loop is not serving requests).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from ldnjournal.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# The live test server cannot serve the hashed names of a manifest storage.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Serve static files straight from the finders (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Push reminders on, with a key derived from the test secret (ldnjournal/vapid.py).
VAPID_PRIVATE_KEY = demo_private_key(SECRET_KEY)  # noqa: F405
VAPID_PUBLIC_KEY = vapid_public_key(VAPID_PRIVATE_KEY)  # noqa: F405
VAPID_SUBJECT = "mailto:reminders@example.org"
