"""Production settings as served behind nginx, for the surge on one machine without TLS.

TLS ends at nginx (deploy/nginx/zjtx.conf); the load generator talks to gunicorn directly over
loopback HTTP, so the HTTPS redirect and the Secure flag on cookies (which a client does not
send back over HTTP) are turned off. Everything else is config.settings.prod.
"""

from config.settings.prod import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
