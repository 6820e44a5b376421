from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "distribution"
    verbose_name = "Distribution: uploads and engagement"

    def ready(self) -> None:
        from accounts import limits
        from accounts.platforms import Platform
        from distribution.services import reservation

        # YouTube's upload bucket is the whole API project's: every YouTube account's limit.
        limits.register_platform_cap(Platform.YOUTUBE, reservation.youtube_bucket_refusal)

        from distribution.generation import publish_generated
        from production.studio.services.generation import register_publisher

        register_publisher(publish_generated)

        from distribution.trends import topic_suggestions
        from production.studio.selectors import register_topic_source

        register_topic_source(topic_suggestions)
