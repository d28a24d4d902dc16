from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.encryption import TokenKeyMissing
from accounts.models import RemoteAPIAccount, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    pass


class RemoteAPIAccountForm(forms.ModelForm[RemoteAPIAccount]):
    access_token = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Leave empty to keep the stored token."),
    )

    class Meta:
        model = RemoteAPIAccount
        fields = ["access_token", "access_token_expires"]

    def clean_access_token(self) -> str:
        token: str = self.cleaned_data["access_token"]
        if not settings.REMOTE_API_TOKEN_KEYS:
            raise forms.ValidationError(str(TokenKeyMissing.default_detail))
        if not token and self.instance.pk is None:
            raise forms.ValidationError("A new account needs a token.")
        return token or self.instance.access_token


@admin.register(RemoteAPIAccount)
class RemoteAPIAccountAdmin(admin.ModelAdmin[RemoteAPIAccount]):
    form = RemoteAPIAccountForm
    list_display = ["id", "access_token_hint", "access_token_expires"]
    readonly_fields = ["access_token_hint"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not RemoteAPIAccount.objects.exists()

    def save_model(
        self, request: HttpRequest, obj: RemoteAPIAccount, form: Any, change: bool
    ) -> None:
        # The one row, upserted: the same write path as the API and the refresh.
        stored, _ = RemoteAPIAccount.objects.store(
            access_token=obj.access_token, access_token_expires=obj.access_token_expires
        )
        obj.pk = stored.pk
