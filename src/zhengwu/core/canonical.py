"""One text for one meaning, for hashing what was stored: the audit chain and the append-only rows it covers."""

from decimal import Decimal
from json.encoder import encode_basestring

# json.dumps(text, ensure_ascii=False) is encode_basestring(text) (C), without making a JSONEncoder at each call: the
# same text, a quarter of `zhengwu audit verify`'s CPU less (every audit record and covered row hashes through here)
_NAMED = {None: "null", True: "true", False: "false"}


def canonical(value) -> str:
    """One text for one meaning: sorted keys, numbers as plain decimals, whatever the database hands back.

    PostgreSQL's jsonb reorders keys and writes 1e+23 as 100000000000000000000000; SQLite keeps the text as sent.
    Both read back to values with the same canonical text, so a record hashes the same before and after storage.
    """
    if value is None or isinstance(value, bool):
        return _NAMED[value]
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return "0" if number == 0 else format(number.normalize(), "f")  # PostgreSQL has no -0
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, dict):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{encode_basestring(k)}:{canonical(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    return encode_basestring(str(value))
