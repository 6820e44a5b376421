from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StudioConfig(AppConfig):
    name = "production.studio"
    label = "studio"
    verbose_name = "Studio: scripts, voices and word-timed captions"

    def ready(self) -> None:
        from production.services.queue import register_settled_listener
        from production.studio.services.generation import generation_job_render_settled

        post_migrate.connect(_sync_catalogues, sender=self)
        register_settled_listener(generation_job_render_settled)


def _sync_catalogues(sender, **kwargs) -> None:
    """After every migrate: the built-in templates and this machine's voices match the code."""
    from production.studio.services.templates import prompt_templates_sync_builtin
    from production.studio.services.voices import voices_sync_local

    prompt_templates_sync_builtin()
    voices_sync_local()
