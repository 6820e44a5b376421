from __future__ import annotations

from django import forms

from common.errors import ApplicationError
from monitoring import cron
from monitoring.models import PARAMETER_SPECS, JobType, platform_choices
from monitoring.services.jobs import DEFAULT_SCHEDULES


class CronFormField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return cron.parse(value).expression
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None


class InitializeAutomationForm(forms.Form):
    generation_schedule = CronFormField(initial=DEFAULT_SCHEDULES["generate"], help_text="When to generate videos")
    videos_per_generation = forms.IntegerField(initial=1, min_value=1, max_value=100)
    upload_schedule = CronFormField(initial=DEFAULT_SCHEDULES["upload"], help_text="When to upload ready videos")
    uploads_per_run = forms.IntegerField(initial=2, min_value=1, max_value=50)
    cleanup_schedule = CronFormField(initial=DEFAULT_SCHEDULES["cleanup"], help_text="When to clean up old files")


class JobForm(forms.Form):
    """A job of any type; only the amounts its type takes are passed on."""

    name = forms.CharField(max_length=200)
    job_type = forms.ChoiceField(choices=JobType.choices)
    cron = CronFormField(max_length=cron.MAX_LENGTH, initial="0 * * * *", help_text="minute hour day month weekday")
    platform = forms.ChoiceField(choices=platform_choices(), initial="all")
    campaign = forms.ModelChoiceField(queryset=None, required=False, empty_label="All active campaigns")
    videos_per_run = forms.IntegerField(required=False, min_value=1, max_value=100, help_text="generate")
    uploads_per_run = forms.IntegerField(required=False, min_value=1, max_value=50, help_text="upload")
    retention_days = forms.IntegerField(required=False, min_value=0, max_value=3650, help_text="cleanup")

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        parameters = {
            name: data[name] for name in PARAMETER_SPECS[data["job_type"]] if data.get(name) not in (None, "")
        }
        return {
            "name": data["name"],
            "job_type": data["job_type"],
            "cron": data["cron"],
            "platform": data["platform"],
            "campaign": data["campaign"],
            "parameters": parameters,
        }


class CronEditForm(forms.Form):
    cron = CronFormField(max_length=cron.MAX_LENGTH)
