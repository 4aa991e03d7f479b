"""One text for one meaning, for hashing what was stored: the audit chain and the append-only rows it covers."""

import json
from decimal import Decimal


def canonical(value) -> str:
    """One text for one meaning: sorted keys, numbers as plain decimals, whatever the database hands back.

    PostgreSQL's jsonb reorders keys and writes 1e+23 as 100000000000000000000000; SQLite keeps the text as sent.
    Both read back to values with the same canonical text, so a record hashes the same before and after storage.
    """
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return "0" if number == 0 else format(number.normalize(), "f")  # PostgreSQL has no -0
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{canonical(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
