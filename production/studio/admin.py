from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from common.errors import ApplicationError
from production.studio.models import (
    Avatar,
    GenerationJob,
    PromptTemplate,
    ProviderCall,
    ProviderKey,
    Script,
    StudioAllowance,
    Voice,
    VoiceOver,
)
from production.studio.services import generation, keys, scripts, templates, voices


class ProviderKeyAdminForm(forms.ModelForm):
    """The secret is never displayed; this field replaces it when filled in."""

    replace_api_key = forms.CharField(
        required=False, label="New key", widget=forms.PasswordInput(render_value=False), max_length=500
    )

    class Meta:
        model = ProviderKey
        fields = ["owner", "provider", "label", "base_url", "default_model", "default_voice"]

    def clean(self):
        data = super().clean()
        fields = {name: data.get(name) or "" for name in ("label", "base_url", "default_model", "default_voice")}
        secret = data.get("replace_api_key") or ""
        try:
            if self.instance.pk is None:
                self.saved = keys.provider_key_create(
                    owner=data["owner"], provider=data["provider"], api_key=secret, **fields
                )
            else:
                self.saved = keys.provider_key_update(key=self.instance, api_key=secret, **fields)
        except ApplicationError as exc:
            raise ValidationError(exc.fields or exc.message) from None
        except KeyError:
            pass  # a required field is missing: the field errors say so
        return data


def _run(modeladmin, request, queryset, action, done: str) -> None:
    count = 0
    for row in queryset:
        try:
            action(row)
            count += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{row}: {exc.message}", messages.WARNING)
    if count:
        modeladmin.message_user(request, f"{done} {count}.", messages.SUCCESS)


@admin.register(ProviderKey)
class ProviderKeyAdmin(admin.ModelAdmin):
    form = ProviderKeyAdminForm
    list_display = ("label", "provider", "owner", "is_default", "status", "last_tested_at", "key_stored")
    list_filter = ("provider", "status", "is_default")
    search_fields = ("label", "owner__username", "base_url")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("key_stored", "is_default", "status", "last_tested_at", "last_error", "created_at")
    actions = ["test_keys", "make_default"]

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "owner", "provider") if obj else self.readonly_fields

    @admin.display(description="Key stored", boolean=True)
    def key_stored(self, obj):
        return obj.has_secret

    def save_model(self, request, obj, form, change):
        """The form saved the key through the services; keep the admin's object in step."""
        obj.pk = form.saved.pk
        obj.refresh_from_db()

    @admin.action(description="Test selected keys")
    def test_keys(self, request, queryset):
        _run(self, request, queryset.select_related("owner"), lambda key: keys.provider_key_test(key=key), "Tested")

    @admin.action(description="Make default for its owner")
    def make_default(self, request, queryset):
        _run(self, request, queryset, lambda key: keys.provider_key_make_default(key=key), "Made default")


@admin.register(StudioAllowance)
class StudioAllowanceAdmin(admin.ModelAdmin):
    list_display = ("user", "monthly_budget_usd", "use_operator_keys", "updated_at")
    list_filter = ("use_operator_keys",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(ProviderCall)
class ProviderCallAdmin(admin.ModelAdmin):
    list_display = ("created_at", "owner", "provider", "kind", "model", "ok", "cost_usd", "seconds", "operator_key")
    list_filter = ("provider", "kind", "ok", "operator_key")
    search_fields = ("owner__username", "model", "error")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PromptTemplateAdminForm(forms.ModelForm):
    class Meta:
        model = PromptTemplate
        fields = ["owner", "name", "category", "description", "instructions", "target_seconds", "language"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        fields = {name: data[name] for name in templates.EDITABLE_FIELDS if name in data}
        try:
            if self.instance.pk is None:
                if data.get("owner") is None:
                    raise ApplicationError("Built-in templates come from the code; give the template an owner.")
                self.saved = templates.prompt_template_create(owner=data["owner"], **fields)
            else:
                self.saved = templates.prompt_template_update(template=self.instance, **fields)
        except ApplicationError as exc:
            raise ValidationError(exc.fields or exc.message) from None
        return data


@admin.register(PromptTemplate)
class PromptTemplateAdmin(admin.ModelAdmin):
    form = PromptTemplateAdminForm
    list_display = ("name", "category", "owner", "version", "target_seconds", "language")
    list_filter = ("category", "language", ("owner", admin.EmptyFieldListFilter))
    search_fields = ("name", "description", "owner__username")
    raw_id_fields = ("owner",)
    readonly_fields = ("slug", "version", "created_at", "updated_at")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_builtin)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_builtin)

    def save_model(self, request, obj, form, change):
        obj.pk = form.saved.pk
        obj.refresh_from_db()


@admin.register(Script)
class ScriptAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "engine", "status", "word_count", "estimated_seconds", "created_at")
    list_filter = ("status", "engine")
    search_fields = ("topic", "title", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "template", "key")
    readonly_fields = [field.name for field in Script._meta.fields]
    actions = ["regenerate"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Write selected scripts again")
    def regenerate(self, request, queryset):
        _run(self, request, queryset, lambda script: scripts.script_regenerate(script=script), "Regenerating")


@admin.register(Voice)
class VoiceAdmin(admin.ModelAdmin):
    list_display = ("name", "engine", "language", "gender", "owner", "available", "licence")
    list_filter = ("engine", "available", "language")
    search_fields = ("name", "voice_id", "owner__username")
    list_select_related = ("owner",)
    readonly_fields = [field.name for field in Voice._meta.fields]
    actions = ["refresh_local"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Refresh the voices installed on this server")
    def refresh_local(self, request, queryset):
        count = voices.voices_sync_local()
        self.message_user(request, f"{count} voice(s) installed here.", messages.SUCCESS)


@admin.register(VoiceOver)
class VoiceOverAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "status", "timing_source", "aligned_share", "synthesis_seconds", "created_at")
    list_filter = ("status", "timing_source")
    search_fields = ("text", "owner__username")
    list_select_related = ("owner", "voice")
    readonly_fields = [field.name for field in VoiceOver._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Avatar)
class AvatarAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "asset", "placement", "corner", "size")
    list_filter = ("placement",)
    search_fields = ("name", "owner__username")
    list_select_related = ("owner", "asset")
    readonly_fields = [field.name for field in Avatar._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "status", "step", "percent", "platform", "attempts", "created_at")
    list_filter = ("status", "step", "platform", "visual_source")
    search_fields = ("topic", "owner__username", "error")
    list_select_related = ("owner",)
    readonly_fields = [field.name for field in GenerationJob._meta.fields]
    actions = ["cancel", "retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Cancel selected jobs")
    def cancel(self, request, queryset):
        _run(self, request, queryset, lambda job: generation.generation_job_cancel(job=job), "Cancelled")

    @admin.action(description="Retry selected jobs")
    def retry(self, request, queryset):
        _run(self, request, queryset, lambda job: generation.generation_job_retry(job=job), "Retrying")
