"""统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714) checks."""
import pytest
from hypothesis import given, strategies as st

from webapp.accounts import codes

# Independent oracle: GB 32100-2015 weights are 3^i mod 31, check = 31 - (sum mod 31), 31 → 0.
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def oracle_check(code17: str) -> str:
    total = sum(codes.ALPHABET.index(c) * w for c, w in zip(code17, WEIGHTS))
    return codes.ALPHABET[(31 - total % 31) % 31]


VALID = ["91430100MA4L2BCD13", "914300001837644099", "124300004448765027", "93430104MA4PQ8TK55",
         "52430000MJJ000000Y"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert oracle_check(code[:17]) == code[17]
    assert codes.credit_code_problem(code) is None


@pytest.mark.parametrize("code", VALID)
def test_every_wrong_check_character_is_refused(code):
    for char in codes.ALPHABET:
        if char != code[17]:
            problem, params = codes.credit_code_problem(code[:17] + char)
            assert problem is codes.CodeProblem.CHECK_CHARACTER
            assert params["expected"] == code[17]


@pytest.mark.parametrize("raw,length", [("9143010", 7), ("91430100MA4L2BCD1", 17), ("91430100MA4L2BCD13X", 19)])
def test_wrong_length(raw, length):
    problem, params = codes.credit_code_problem(raw)
    assert problem is codes.CodeProblem.LENGTH and params["length"] == length


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters(letter):
    code = "91430100MA4L2BC" + letter + "13"
    problem, params = codes.credit_code_problem(code)
    assert problem is codes.CodeProblem.CHARACTERS
    assert params == {"position": 16, "char": letter}


def test_empty_code():
    assert codes.credit_code_problem("")[0] is codes.CodeProblem.EMPTY


@pytest.mark.parametrize("raw", ["９１４３０１００ＭＡ４Ｌ２ＢＣＤ１３", " 9143 0100 ma4l 2bcd 13 ", "91430100-MA4L2BCD-13",
                                 "９１４３０１００ma4l２bcd1３"])
def test_full_width_spaces_and_lower_case_are_normalised(raw):
    assert codes.normalize(raw) == "91430100MA4L2BCD13"
    assert codes.credit_code_problem(codes.normalize(raw)) is None


def test_hunan_region():
    assert codes.is_hunan("91430100MA4L2BCD13")
    assert not codes.is_hunan("91110000600037341L")


@pytest.mark.parametrize("code,valid", [("600037341", True), ("600037342", False), ("MA4L2BCD7", True),
                                        ("MA4L2BCD2", False), ("12345678X", False), ("60003734", False)])
def test_org_code(code, valid):
    assert codes.is_valid_org_code(code) is valid


def test_org_field_accepts_both_kinds():
    assert codes.is_valid_org_or_credit_code("91430100MA4L2BCD13")
    assert codes.is_valid_org_or_credit_code("600037341")
    assert not codes.is_valid_org_or_credit_code("6000373")


alphabet17 = st.text(alphabet=codes.ALPHABET, min_size=17, max_size=17)


@given(alphabet17)
def test_computed_check_character_always_validates(body):
    assert codes.check_character(body) == oracle_check(body)
    assert codes.credit_code_problem(body + codes.check_character(body)) is None


@given(st.text(max_size=40))
def test_normalize_is_idempotent_and_never_raises(raw):
    once = codes.normalize(raw)
    assert codes.normalize(once) == once
    codes.credit_code_problem(once)
