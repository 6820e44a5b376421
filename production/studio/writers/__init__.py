"""The studio's script writers: pure functions from a request to a ScriptDraft.

- `template.write`: offline, deterministic, from a starter template's frames (no AI model).
- `pasted.split`: the creator's own words, split into scenes and never altered.
- `llm.write`: any chat model behind an injected `chat` callable, validated and repaired once.

No database access and no HTTP here: callers load the template and wire the provider.
"""
