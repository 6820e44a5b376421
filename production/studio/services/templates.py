"""Prompt templates: the creator's own, and the built-in starter set kept in step with the code."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import User
from common.errors import ApplicationError, ConflictError
from production.studio.models import PromptTemplate, TemplateCategory

EDITABLE_FIELDS = ("name", "category", "description", "instructions", "target_seconds", "language")
# A change to any of these makes a new version: scripts record the version they were written from.
VERSIONED_FIELDS = frozenset({"instructions", "category", "target_seconds", "language"})
VARIABLES = ("topic", "product", "audience", "tone")


def _check(template: PromptTemplate) -> None:
    if template.category not in TemplateCategory.values:
        raise ApplicationError(
            f"Unknown category {template.category!r}. Choose one of: {', '.join(TemplateCategory.values)}.",
            fields={"category": ["Not a valid category."]},
        )
    if "{topic}" not in template.instructions:
        raise ApplicationError(
            "The instructions must say where the topic goes: include {topic}.",
            fields={"instructions": ["Include {topic}."]},
        )
    template.full_clean(validate_constraints=False)


def _save(template: PromptTemplate, update_fields: list[str] | None = None) -> PromptTemplate:
    try:
        with transaction.atomic():
            template.save(update_fields=update_fields)
    except IntegrityError:
        raise ConflictError(
            f"You already have a template named {template.name!r}.", fields={"name": ["Choose another name."]}
        ) from None
    return template


def prompt_template_create(
    *,
    owner: User,
    name: str,
    category: str,
    instructions: str,
    description: str = "",
    target_seconds: int = 30,
    language: str = "en",
) -> PromptTemplate:
    template = PromptTemplate(
        owner=owner,
        name=name.strip(),
        category=category,
        instructions=instructions.strip(),
        description=description.strip(),
        target_seconds=target_seconds,
        language=language.strip() or "en",
    )
    _check(template)
    return _save(template)


def _own(template: PromptTemplate) -> None:
    if template.is_builtin:
        raise ApplicationError(
            "Built-in templates cannot be changed or deleted; make your own from it instead.",
            code="builtin_template",
        )


def prompt_template_update(*, template: PromptTemplate, **fields) -> PromptTemplate:
    _own(template)
    changed = []
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"Unknown field {name!r}")
        value = value.strip() if isinstance(value, str) else value
        if getattr(template, name) != value:
            setattr(template, name, value)
            changed.append(name)
    if not changed:
        return template
    _check(template)
    if VERSIONED_FIELDS & set(changed):
        template.version += 1
        changed.append("version")
    return _save(template, update_fields=[*changed, "updated_at"])


def prompt_template_delete(*, template: PromptTemplate) -> None:
    _own(template)
    template.delete()


@transaction.atomic
def prompt_templates_sync_builtin() -> int:
    """Create or refresh the built-in starter templates from the code; returns how many changed."""
    from production.studio.writers.starters import STARTER_TEMPLATES as STARTERS

    changed = 0
    for starter in STARTERS:
        values = {
            "name": starter["name"],
            "category": starter["category"],
            "description": starter.get("description", ""),
            "instructions": starter["instructions"],
            "target_seconds": starter.get("target_seconds", 30),
            "language": starter.get("language", "en"),
            "version": starter.get("version", 1),
        }
        template = PromptTemplate.objects.filter(owner=None, slug=starter["slug"]).first()
        if template is None:
            PromptTemplate.objects.create(owner=None, slug=starter["slug"], **values)
            changed += 1
        elif any(getattr(template, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(template, name, value)
            template.save()
            changed += 1
    return changed
