from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Automation and monitoring"

    def ready(self) -> None:
        from accounts.signals import account_needs_attention as account_signal
        from distribution.signals import account_needs_attention as upload_signal
        from monitoring import receivers

        # Accounts sends it when an account turns expired or deactivated, distribution when an
        # upload finds its token revoked: both become one deduplicated alert per account.
        for signal in {account_signal, upload_signal}:
            signal.connect(receivers.account_needs_attention, dispatch_uid=f"monitoring-alert-{id(signal)}")
