"""Licence identifiers after GB/T 36904-2018 《电子证照 标识规范》, as we read it (docs/data-formats.md):

    1.2.156.3005.2 . <证照类型代码 21> . <颁发机构代码 18> . <流水号> . <版本号 3> . <校验位 1>

- the prefix is the object identifier branch for electronic licences (1.2.156 = China, 3005 = 电子证照);
- 证照类型代码: the competent department's USCC followed by a three-digit sequence (GB/T 36902's type code);
- 颁发机构代码: the issuing organisation's USCC (GB 32100);
- 流水号: the issue year and a six-digit sequence per type and issuer (our choice; the standard leaves it to the
  issuer, unique within type and issuer);
- 版本号: 001 for the first issue, +1 for each change or renewal;
- 校验位: ISO 7064 MOD 37,36 (GB/T 17710) over the concatenated parts without separators.
"""

PREFIX = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check_character(body: str) -> str:
    """ISO 7064 MOD 37,36 (hybrid system, GB/T 17710) over digits and capital letters."""
    m = 36
    p = m
    for char in body.upper():
        value = ALPHABET.index(char)
        s = (p % (m + 1)) + value
        s = s % m or m
        p = s * 2
    p %= m + 1
    return ALPHABET[(m + 1 - p) % m]


def make(type_code: str, issuer_code: str, serial: str, version: int) -> str:
    version_code = f"{version:03d}"
    body = f"{type_code}{issuer_code}{serial}{version_code}"
    return ".".join([PREFIX, type_code, issuer_code, serial, version_code, check_character(body)])


def is_valid(identifier: str) -> bool:
    parts = identifier.removeprefix(PREFIX + ".").split(".")
    if not identifier.startswith(PREFIX + ".") or len(parts) != 5:
        return False
    try:
        return check_character("".join(parts[:4])) == parts[4]
    except ValueError:
        return False
