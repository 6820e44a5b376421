from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "production.studio"
    label = "studio"
    verbose_name = "Studio: scripts, voices and word-timed captions"
