import factory

from accounts.models import SocialAccount, User
from accounts.platforms import defaults_for

PASSWORD = "correct horse battery staple 42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"creator{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialAccount

    owner = factory.SubFactory(UserFactory)
    platform = "tiktok"
    username = factory.Sequence(lambda n: f"handle{n}")
    hourly_upload_limit = factory.LazyAttribute(lambda a: defaults_for(a.platform).hourly_upload_limit)
    daily_upload_limit = factory.LazyAttribute(lambda a: defaults_for(a.platform).daily_upload_limit)
    upload_cooldown_minutes = factory.LazyAttribute(lambda a: defaults_for(a.platform).upload_cooldown_minutes)
