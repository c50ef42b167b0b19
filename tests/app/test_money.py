import pytest

from app.money import InvalidAmount, apply_rate, format_cents, parse_cents, round_half_away


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12,50", 1250),
        ("12.5", 1250),
        ("3", 300),
        ("0,07", 7),
        ("1 234,56 €", 123456),
        ("12,50\u00a0€", 1250),
    ],
)
def test_parse_cents_accepts_what_people_type(typed, cents):
    assert parse_cents(typed) == cents


@pytest.mark.parametrize("typed", ["", "abc", "12,505", "1,2,3", "€"])
def test_parse_cents_refuses_with_a_french_message(typed):
    with pytest.raises(InvalidAmount, match="montant valide"):
        parse_cents(typed)


def test_negative_amounts_need_permission():
    with pytest.raises(InvalidAmount, match="négatif"):
        parse_cents("-2,00")
    assert parse_cents("-2,00", allow_negative=True) == -200


def test_participation_rate_example_of_the_domain():
    # "valeur 12,40 € — vous payez 2,48 €" at 20 %
    assert apply_rate(1240, 2000) == 248


@pytest.mark.parametrize(
    ("cents", "bp", "expected"),
    [(1, 5000, 1), (3, 5000, 2), (5, 1000, 1), (4, 1000, 0), (-3, 5000, -2), (99, 3333, 33)],
)
def test_rate_rounds_half_away_from_zero(cents, bp, expected):
    assert apply_rate(cents, bp) == expected


def test_round_half_away_refuses_a_zero_denominator():
    with pytest.raises(ValueError):
        round_half_away(1, 0)


def test_format_in_french():
    assert format_cents(1250).replace("\u00a0", " ").replace("\u202f", " ") == "12,50 €"
    assert format_cents(123456).replace("\u00a0", " ").replace("\u202f", " ") == "1 234,56 €"
