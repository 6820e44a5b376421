from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts import services
from accounts.models import AccountPost, SocialAccount, User
from common.errors import ApplicationError


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + (("ReelMill", {"fields": ("time_zone",)}),)
    list_display = ("username", "email", "role", "is_staff", "is_active", "date_joined")


class SocialAccountAdminForm(forms.ModelForm):
    """Credentials are never displayed; these fields replace them when filled in."""

    replace_password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False))
    replace_access_token = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False))
    replace_refresh_token = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False))

    class Meta:
        model = SocialAccount
        exclude = ["password", "access_token", "refresh_token"]  # noqa: DJ006 - everything but the secrets


class AccountPostInline(admin.TabularInline):
    model = AccountPost
    extra = 0
    fields = ("posted_at", "reference")
    readonly_fields = fields
    can_delete = False
    ordering = ("-posted_at",)
    max_num = 0
    show_change_link = False


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    form = SocialAccountAdminForm
    list_display = (
        "__str__",
        "owner",
        "status",
        "connection_state",
        "verified",
        "posts_count",
        "consecutive_errors",
        "last_used_at",
    )
    list_filter = ("platform", "status", "connection", "verified")
    search_fields = ("username", "display_name", "email", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = (
        "credentials_stored",
        "connection_state",
        "connection",
        "connected_at",
        "posts_count",
        "last_used_at",
        "last_error",
        "last_error_at",
        "consecutive_errors",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {"fields": ("owner", "platform", "username", "display_name", "email", "verified", "time_zone", "notes")},
        ),
        (
            "Status",
            {
                "fields": (
                    "status",
                    "status_reason",
                    "consecutive_errors",
                    "last_error",
                    "last_error_at",
                    "last_used_at",
                )
            },
        ),
        ("Limits", {"fields": ("hourly_upload_limit", "daily_upload_limit", "upload_cooldown_minutes")}),
        ("Counters", {"fields": ("followers_count", "posts_count", "views_count", "engagement_count")}),
        ("Connection", {"fields": ("connection_state", "connection", "connected_at", "remote_id")}),
        (
            "Credentials",
            {
                "fields": (
                    "credentials_stored",
                    "replace_password",
                    "replace_access_token",
                    "replace_refresh_token",
                    "token_expires_at",
                    "token_scopes",
                )
            },
        ),
        ("Times", {"fields": ("created_at", "updated_at")}),
    )
    actions = ["deactivate", "reactivate"]
    inlines = [AccountPostInline]

    @admin.display(description="Connection")
    def connection_state(self, obj):
        return obj.get_connection_state_display()

    @admin.display(description="Stored credentials")
    def credentials_stored(self, obj):
        kinds = [
            label
            for name, label in (
                ("password", "password"),
                ("access_token", "access token"),
                ("refresh_token", "refresh token"),
            )
            if getattr(obj, name)
        ]
        return ", ".join(kinds) if kinds else "none"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        replacements = {
            name: form.cleaned_data.get(f"replace_{name}")
            for name in ("password", "access_token", "refresh_token")
            if form.cleaned_data.get(f"replace_{name}")
        }
        if replacements:
            services.social_account_update(account=obj, **replacements)

    def _run(self, request, queryset, service, done):
        count = 0
        for account in queryset:
            try:
                service(account=account)
                count += 1
            except ApplicationError as exc:
                self.message_user(request, f"{account}: {exc.message}", messages.WARNING)
        if count:
            self.message_user(request, f"{done} {count} account(s).", messages.SUCCESS)

    @admin.action(description="Deactivate selected accounts")
    def deactivate(self, request, queryset):
        self._run(request, queryset, services.social_account_deactivate, "Deactivated")

    @admin.action(description="Reactivate selected accounts")
    def reactivate(self, request, queryset):
        self._run(request, queryset, services.social_account_reactivate, "Reactivated")


@admin.register(AccountPost)
class AccountPostAdmin(admin.ModelAdmin):
    list_display = ("account", "posted_at", "reference")
    list_filter = ("account__platform",)
    search_fields = ("account__username", "reference")
    list_select_related = ("account",)
    raw_id_fields = ("account",)
    date_hierarchy = "posted_at"
