from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Automation and monitoring"

    def ready(self) -> None:
        from accounts.signals import account_needs_attention
        from monitoring import receivers

        # Sent when an account turns expired (OAuth, or an upload finding its token revoked) or is
        # deactivated after repeated errors: each becomes one deduplicated alert per account.
        account_needs_attention.connect(receivers.account_needs_attention, dispatch_uid="monitoring-account-alert")
