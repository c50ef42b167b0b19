"""The barcode nomenclature: ordered rules (Odoo style) that turn a scan into what it means.

Pattern grammar: a digit matches itself, ``.`` any digit, ``{NN…DD…}`` is the value field
(N integer digits, D decimals), and a final ``*`` accepts anything after. A pattern without
``*`` covers the code except its check digit (or the whole code). The first matching rule in
sequence order wins. Examples (../shared/DOMAIN.md): weight rule ``21.....{NNDDD}`` reads
``2100005080002`` as 8.000 kg of the product ``2100005000000``; price rule ``23.....{NNNDD}``
reads ``2305000123451`` as 123,45 € of the product ``2305000000004``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.barcodes import complete_ean13, gs1_check_digit, is_valid_gs1, repair_azerty_digits
from app.money import round_half_away
from inventory.errors import InvalidData, UnknownBarcode, UnreadableBarcode
from inventory.models import BarcodeRule, Product, ProductBarcode, RuleKind

_FIELD = re.compile(r"\{(N*)(D*)\}")
_PATTERN_SYNTAX = re.compile(r"^[0-9.]*(\{N+D*\})?[0-9.]*\*?$")
VALUE_KINDS = (RuleKind.WEIGHT, RuleKind.PRICE, RuleKind.PRICE_TO_WEIGHT)


@dataclass(frozen=True)
class CompiledRule:
    kind: RuleKind
    name: str
    regex: re.Pattern[str]
    value_start: int | None
    integer_digits: int
    decimal_digits: int
    open_ended: bool
    width: int  # characters the pattern covers


def compile_rule(kind: RuleKind, name: str, pattern: str) -> CompiledRule:
    if not _PATTERN_SYNTAX.match(pattern):
        raise InvalidData(
            _(
                "Motif « %(p)s » invalide : chiffres, « . », un champ {NNDDD} et « * » final.",
                p=pattern,
            )
        )
    field = _FIELD.search(pattern)
    if (kind in VALUE_KINDS) != bool(field):
        raise InvalidData(
            _("Une règle de poids ou de prix a un champ {NN…DD…} ; les autres n'en ont pas.")
        )
    open_ended = pattern.endswith("*")
    body = pattern.rstrip("*")
    expanded = _FIELD.sub(lambda m: "." * (len(m.group(1)) + len(m.group(2))), body)
    tail = ".*" if open_ended else r"\d?"  # the check digit may follow the pattern
    regex = "^" + "".join(r"\d" if char == "." else char for char in expanded) + tail + "$"
    return CompiledRule(
        kind=kind,
        name=name,
        regex=re.compile(regex),
        value_start=field.start() if field else None,
        integer_digits=len(field.group(1)) if field else 0,
        decimal_digits=len(field.group(2)) if field else 0,
        open_ended=open_ended,
        width=len(expanded),
    )


def load_rules(session: Session) -> list[CompiledRule]:
    rows = session.scalars(select(BarcodeRule).order_by(BarcodeRule.sequence, BarcodeRule.id))
    return [compile_rule(r.kind, r.name, r.pattern) for r in rows]


@dataclass(frozen=True)
class ScanResult:
    kind: RuleKind
    code: str  # the repaired, verified code
    product: Product | None = None
    quantity: int | None = None  # pieces, or grams for weighed products
    price_cents: int | None = None  # price embedded in the label (price rules)


def _value_digits(rule: CompiledRule, code: str) -> int:
    start = rule.value_start or 0
    return int(code[start : start + rule.integer_digits + rule.decimal_digits])


def _scaled(value: int, decimals: int, target_decimals: int) -> int:
    """A number with ``decimals`` decimals expressed in units of 10^-target_decimals."""
    if decimals <= target_decimals:
        return value * 10 ** (target_decimals - decimals)
    return round_half_away(value, 10 ** (decimals - target_decimals))


def base_code(rule: CompiledRule, code: str) -> str:
    """The product's own code: value digits zeroed, check digit recomputed."""
    start = rule.value_start or 0
    width = rule.integer_digits + rule.decimal_digits
    zeroed = code[:start] + "0" * width + code[start + width :]
    if len(zeroed) in (8, 12, 13):
        return zeroed[:-1] + str(gs1_check_digit(zeroed[:-1]))
    return zeroed


def embed_value(rule: CompiledRule, product_code: str, value: int) -> str:
    """Build a label code for a weight (grams) or price (cents): the till reads it back."""
    start = rule.value_start or 0
    width = rule.integer_digits + rule.decimal_digits
    target = 3 if rule.kind == RuleKind.WEIGHT else 2
    digits = _scaled(value, target, rule.decimal_digits)
    if digits >= 10**width:
        raise InvalidData(_("Valeur trop grande pour l'étiquette."))
    body = product_code[:start] + str(digits).zfill(width) + product_code[start + width : 12]
    return complete_ean13(body)


def find_product_by_code(session: Session, code: str) -> Product | None:
    return session.scalar(select(Product).join(ProductBarcode).where(ProductBarcode.code == code))


def parse_scan(session: Session, scanned: str, rules: list[CompiledRule] | None = None):
    """Turn what the scanner typed into a ``ScanResult``; raise a French error otherwise."""
    code = repair_azerty_digits(scanned)
    if not code:
        raise UnreadableBarcode(_("Code vide : scannez de nouveau."))
    if code.isdigit() and len(code) in (8, 12, 13) and not is_valid_gs1(code):
        raise UnreadableBarcode(
            _("Code %(c)s mal lu (chiffre de contrôle faux) : scannez de nouveau.", c=code)
        )
    for rule in rules if rules is not None else load_rules(session):
        if not rule.regex.match(code):
            continue
        if rule.kind in (RuleKind.BENEFICIARY_CARD, RuleKind.STAFF_BADGE):
            return ScanResult(kind=rule.kind, code=code)
        if rule.kind == RuleKind.PRODUCT:
            product = find_product_by_code(session, code)
            if product is None:
                continue  # a later rule may still know it
            return ScanResult(kind=rule.kind, code=code, product=product, quantity=1)
        product = find_product_by_code(session, base_code(rule, code))
        if product is None:
            continue
        value = _value_digits(rule, code)
        if value == 0:
            # The product's own code (value digits all zero): it still has to be weighed
            # or priced, so no quantity comes with it.
            return ScanResult(kind=RuleKind.PRODUCT, code=code, product=product)
        if rule.kind == RuleKind.WEIGHT:
            grams = _scaled(value, rule.decimal_digits, 3)
            return ScanResult(kind=rule.kind, code=code, product=product, quantity=grams)
        cents = _scaled(value, rule.decimal_digits, 2)
        if rule.kind == RuleKind.PRICE:
            return ScanResult(
                kind=rule.kind, code=code, product=product, quantity=1, price_cents=cents
            )
        # Price to weight: the weight is what that price buys at the product's price per kg.
        grams = (
            round_half_away(cents * 1000, product.reference_price_cents)
            if product.reference_price_cents
            else 0
        )
        return ScanResult(
            kind=rule.kind, code=code, product=product, quantity=grams, price_cents=cents
        )
    raise UnknownBarcode(_("Code %(c)s inconnu : ce produit n'est pas au catalogue.", c=code), code)
