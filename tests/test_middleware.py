"""
API calls without a session cookie skip the browser machinery (web/middleware.py,
web/negotiation.py); a browser's session still works, with CSRF, and every
answer keeps the security headers.
"""

from __future__ import annotations

from django.test import TestCase
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User


class BrowserAndTokenCallsTests(TestCase):
    user: User
    other: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("browser", password="a long passphrase 1")
        cls.other = User.objects.create_user("followed")

    def test_a_token_call_gets_json_and_the_security_headers_and_no_cookie(self) -> None:
        token = Token.objects.create(user=self.user)
        client = APIClient(enforce_csrf_checks=True)

        response = client.get("/api/users/me/", HTTP_AUTHORIZATION=f"Token {token.key}")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json()["username"] == "browser"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert not response.cookies

    def test_a_session_login_reads_the_api_as_its_user(self) -> None:
        client = APIClient(enforce_csrf_checks=True)
        login = client.get("/api/auth/session/login/")
        csrf = login.cookies["csrftoken"].value

        logged_in = client.post(
            "/api/auth/session/login/",
            {"username": "browser", "password": "a long passphrase 1", "csrfmiddlewaretoken": csrf},
            format="multipart",
        )
        me = client.get("/api/users/me/")

        assert logged_in.status_code == 302
        assert me.status_code == 200
        assert me.json()["username"] == "browser"

    def test_a_session_write_without_the_csrf_token_is_refused(self) -> None:
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(self.user)
        body = {"to_user": self.other.pk}

        refused = client.post("/api/follows/", body, format="json")
        client.get("/api/auth/session/login/")  # sets the CSRF cookie, as a page would
        accepted = client.post(
            "/api/follows/",
            body,
            format="json",
            HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
        )

        assert refused.status_code == 403
        assert "CSRF" in refused.json()["errors"][0]["detail"]
        assert accepted.status_code == 201, accepted.content

    def test_a_browser_still_gets_the_browsable_api(self) -> None:
        client = APIClient()

        html = client.get("/api/health/live/", HTTP_ACCEPT="text/html")
        forced = client.get("/api/health/live/?format=json", HTTP_ACCEPT="text/html")

        assert html.status_code == 200
        assert html["Content-Type"].startswith("text/html")
        assert forced["Content-Type"] == "application/json"
