"""A URLconf for tests: the real site plus a test-only API that mounts GET /me.

The real /api/v1/me appears once the lead registers `zjtx.accounts.api.router` in config/api.py;
this copy lets the tests run before and after that.
"""

from django.urls import path
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError

from config import api as main_api
from config.urls import urlpatterns as site_patterns
from zjtx.accounts.api import MeOut, me
from zjtx.accounts.auth import API_AUTH
from zjtx.core.errors import DomainError

test_api = NinjaAPI(urls_namespace="test_api", auth=API_AUTH, docs_url=None)
test_api.add_exception_handler(AuthenticationError, main_api.auth_error)
test_api.add_exception_handler(DomainError, main_api.domain_error)
router = Router()
router.get("/me", response=MeOut)(me)
# A POST too, for the CSRF-versus-token tests.
router.post("/me", response=MeOut)(me)
test_api.add_router("/", router)

urlpatterns = [path("api/test/", test_api.urls), *site_patterns]
