import datetime as dt
import random

import pytest
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError

from kechuang.registry.validators import (
    CheckError,
    check_id_number,
    check_uscc,
    make_id_number,
    mask_id,
    mask_phone,
    synthetic_uscc,
)


def test_a_valid_uscc_passes_without_warning():
    assert check_uscc("91350100M000100Y43") == ("91350100M000100Y43", False)
    assert check_uscc(synthetic_uscc(42)) == (synthetic_uscc(42), False)


def test_a_mutated_uscc_check_digit_is_accepted_with_a_warning():
    code = synthetic_uscc(42)
    mutated = code[:17] + ("0" if code[17] != "0" else "1")
    assert check_uscc(mutated) == (mutated, True)


def test_a_legacy_pilot_code_is_accepted_with_a_warning():
    assert check_uscc("91350100M0001TGQXM") == ("91350100M0001TGQXM", True)


def test_the_uscc_warning_is_exactly_stdnums_verdict():
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    rng = random.Random(11)
    codes = [synthetic_uscc(n) for n in range(300)]
    codes += ["".join(rng.choice(alphabet) for _ in range(2)) + f"{rng.randrange(10**6):06d}"
              + "".join(rng.choice(alphabet) for _ in range(10)) for _ in range(3000)]
    codes += [c[:17] + rng.choice(alphabet) for c in codes[:300]]
    codes += ["91" + "٤" + c[3:] for c in codes[:20]]  # a non-ASCII digit the pattern lets through
    for code in codes:
        try:
            stdnum_uscc.validate(code)
            expected = False
        except ValidationError:
            expected = True
        assert check_uscc(code) == (code, expected), code


def test_lowercase_and_full_width_uscc_is_normalised():
    code = synthetic_uscc(7)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    assert check_uscc(full_width)[0] == code


@pytest.mark.parametrize("bad", ["91421381MA4F0000", "91421381MA4F0000001", "91421381IO4F00000X", ""])
def test_a_malformed_uscc_is_rejected(bad):
    with pytest.raises(CheckError):
        check_uscc(bad)


def test_a_valid_id_number_passes_and_lowercase_x_is_stored_uppercase():
    assert check_id_number("11010519491231002x") == "11010519491231002X"
    number = make_id_number("42138119900101123")
    assert check_id_number(number) == number


def test_a_mutated_id_check_digit_is_rejected():
    number = make_id_number("42138119900101123")
    with pytest.raises(CheckError, match="校验位"):
        check_id_number(number[:17] + ("1" if number[17] != "1" else "2"))


@pytest.mark.parametrize("birth", ["19901301", "19900230", "20990101"])
def test_an_id_with_an_impossible_birth_date_is_rejected(birth):
    with pytest.raises(CheckError, match="出生日期"):
        check_id_number(make_id_number(f"421381{birth}123"), today=dt.date(2022, 9, 30))


def test_masks_keep_only_the_ends():
    assert mask_id("42138119900101123X") == "4213**********123X"
    assert mask_phone("13812345678") == "138****5678"
