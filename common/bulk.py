"""Fast bulk inserts: PostgreSQL's COPY for large batches, bulk_create everywhere else.

Django's bulk_create quotes every JSON value into an SQL array literal in Python, which
costs more than the rest of a 10,000-item batch together. COPY streams the rows instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

COPY_THRESHOLD = 500


def bulk_insert(objs: Sequence[models.Model], *, batch_size: int = 1000) -> list[models.Model]:
    """Insert `objs` (all of one model) and set their primary keys; returns them."""
    if not objs:
        return []
    if connection.vendor != "postgresql" or len(objs) < COPY_THRESHOLD:
        return type(objs[0]).objects.bulk_create(objs, batch_size=batch_size)
    return _copy(objs)


def _copy(objs: Sequence[models.Model]) -> list[models.Model]:
    from psycopg.types.json import Jsonb

    model = type(objs[0])
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    for obj in objs:
        for field in fields:
            field.pre_save(obj, add=True)  # auto_now_add and friends
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(connection.ops.quote_name(c) for c in [pk.column, *(f.column for f in fields)])
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
        raw = cursor.cursor  # psycopg's own cursor: COPY is not part of the DB-API
        with raw.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, new_id in zip(objs, ids, strict=True):
                row = [new_id]
                for field in fields:
                    value = getattr(obj, field.attname)
                    row.append(
                        Jsonb(value) if field.attname in json_fields else field.get_db_prep_save(value, connection)
                    )
                copy.write_row(row)
    for obj, new_id in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, new_id)
        obj._state.adding = False
        obj._state.db = "default"
    return list(objs)
