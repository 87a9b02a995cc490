"""Check digits and masking for the registries.

USCC (GB 32100): a failing check digit is ACCEPTED with a warning (legacy pilot codes such as
91350100M0001TGQXM are legal yet fail the check); a wrong length or character set is rejected.
Resident ID (GB 11643): check digit, real birth date not in the future; lowercase x stored uppercase.
"""

from __future__ import annotations

import datetime as dt
import re

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]


class CheckError(ValueError):
    """A value that cannot be accepted (Chinese message)."""


# Full-width letters and digits (people paste them from Word) → ASCII.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_SPACES = re.compile(r"\s+")


def normalise_code(value) -> str:
    text = str(value or "").translate(_FULLWIDTH).strip().upper()
    return _SPACES.sub("", text)


_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(value) -> tuple[str, bool]:
    """Return (normalised code, warning) where warning means "check digit fails (legacy code)".
    Raise CheckError when the code is not a USCC at all."""
    code = normalise_code(value)
    if len(code) != 18:
        raise CheckError(f"统一社会信用代码应为18位，实际为{len(code)}位")
    if not USCC_RE.match(code):
        raise CheckError("统一社会信用代码含有不允许的字符（不使用I、O、S、V、Z）")
    # What stdnum's ``cn.uscc.validate`` checks beyond the pattern above (the first 8 characters digits, the check
    # digit), without its two passes of character cleaning per code (a sixth of a 50,000-row import); a test
    # compares both on generated codes.
    return code, not (code.isascii() and code[:8].isdigit() and code[17] == uscc_check_char(code[:17]))


def make_uscc(first17: str) -> str:
    """Complete a 17-character prefix with its check digit (demo data, tests)."""
    return first17 + uscc_check_char(first17)


ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check_char(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def make_id_number(first17: str) -> str:
    return first17 + id_check_char(first17)


def check_id_number(value, today: dt.date | None = None) -> str:
    """Validate a resident ID number (GB 11643) and return it normalised (uppercase X)."""
    code = normalise_code(value)
    if not re.fullmatch(r"\d{17}[\dX]", code):
        raise CheckError("身份证号码应为18位（前17位为数字，末位为数字或X）")
    try:
        birth = dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError as exc:
        raise CheckError("身份证号码中的出生日期不是有效日期") from exc
    if birth > (today or dt.date.today()) or birth.year < 1900:
        raise CheckError("身份证号码中的出生日期不合理")
    if id_check_char(code[:17]) != code[17]:
        raise CheckError("身份证号码校验位错误")
    try:
        ric.validate(code)
    except ValidationError:
        # stdnum also checks the region code; our own checks above are authoritative.
        pass
    return code


def check_phone(value) -> str:
    text = normalise_code(value).replace("-", "")
    if not re.fullmatch(r"1\d{10}|0\d{9,11}", text):
        raise CheckError("电话号码格式不正确（手机号11位或带区号的固定电话）")
    return text


def mask_id(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def make_org_code(base8: str) -> str:
    """Complete an 8-character organisation code base with its GB 11714 check character."""
    total = sum(ORG_ALPHABET.index(c) * w for c, w in zip(base8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return base8 + {10: "X", 11: "0"}.get(check, str(check))


def synthetic_uscc(n: int, region: str = "421381") -> str:
    """A well-formed USCC (both check characters valid) for demo data, tests and benchmarks."""
    return make_uscc("91" + region + make_org_code(f"MA{n:06d}"))
