from __future__ import annotations

from django.contrib import admin

from social.models import Follow


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin[Follow]):
    date_hierarchy = "created_at"
    list_display = ["id", "from_user", "to_user", "created_at"]
    list_select_related = ["from_user", "to_user"]
    raw_id_fields = ["from_user", "to_user"]
    search_fields = ["from_user__username", "to_user__username"]
