from collections.abc import Mapping
from typing import Any

from django.db import models


def upsert(
    model: type[models.Model],
    rows: Mapping[str, dict[str, Any]],
    *,
    delete_missing: bool = False,
    batch_size: int = 2000,
) -> tuple[int, int, int, int]:
    """Make the table hold exactly `rows` (keyed by primary key), touching only what differs.

    Returns (created, updated, unchanged, deleted). Call inside a transaction.
    """
    pk_name = model._meta.pk.attname
    fields = sorted({name for row in rows.values() for name in row})
    existing = {
        obj.pk: obj
        for obj in model._default_manager.only(pk_name, *fields).iterator(chunk_size=5000)
    }
    to_create, to_update = [], []
    unchanged = 0
    for pk, values in rows.items():
        obj = existing.pop(pk, None)
        if obj is None:
            to_create.append(model(**{pk_name: pk, **values}))
            continue
        if any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
        else:
            unchanged += 1
    model._default_manager.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        model._default_manager.bulk_update(to_update, fields, batch_size=batch_size)
    deleted = 0
    if delete_missing and existing:
        stale = list(existing)
        for start in range(0, len(stale), 5000):
            deleted += (
                model._default_manager.filter(pk__in=stale[start : start + 5000])
                .delete()[1]
                .get(model._meta.label, 0)
            )
    return len(to_create), len(to_update), unchanged, deleted
