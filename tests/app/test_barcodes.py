import pytest

from app.barcodes import complete_ean13, gs1_check_digit, is_valid_gs1, repair_azerty_digits


def test_azerty_shifted_digits_are_repaired():
    assert repair_azerty_digits("&é\"'(-è_çà") == "1234567890"
    assert repair_azerty_digits(" à'&àààààààà&' ") == "0410000000014"


@pytest.mark.parametrize(
    "code",
    [
        "2100005000000",
        "2100005080002",
        "2305000000004",
        "2305000123451",
        "3017620422003",
        "96385074",
        "036000291452",
    ],
)
def test_valid_codes_of_each_length(code):
    assert is_valid_gs1(code)


@pytest.mark.parametrize("code", ["2100005080003", "301762042200", "abc", "30176204220031"])
def test_wrong_check_digit_or_length_is_refused(code):
    assert not is_valid_gs1(code)


def test_completion_adds_the_check_digit():
    assert complete_ean13("210000508000") == "2100005080002"
    assert gs1_check_digit("230500012345") == 1
