"""CSV import and export of the catalogue: the whole file is checked before anything is written."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.exports import csv_writer
from app.money import (
    InvalidAmount,
    format_cents_plain,
    format_percent_bp,
    parse_cents,
    parse_percent_bp,
)
from app.orm import lock_for_update
from app.values import InvalidValue, parse_optional_integer, parse_text
from inventory.errors import InvalidData
from inventory.models import Category, Product, ProductBarcode, StockUnit
from inventory.services.products import (
    ProductData,
    add_barcode,
    create_product,
    normalise_barcode,
    update_product,
    validate_product_data,
)

COLUMNS = (
    "codes_barres",
    "nom",
    "categorie",
    "unite",
    "prix_reference",
    "tva",
    "contenu_net",
    "limite_par_passage",
    "actif",
)
UNITS = {
    "piece": StockUnit.PIECE,
    "pièce": StockUnit.PIECE,
    "kg": StockUnit.KILOGRAM,
    "litre": StockUnit.LITRE,
    "l": StockUnit.LITRE,
}
MAX_ROWS = 100_000


def export_products_csv(session: Session) -> str:
    products = session.scalars(
        select(Product)
        .options(selectinload(Product.barcodes), selectinload(Product.category))
        .order_by(Product.search_name)
    )
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    for product in products:
        writer.writerow(
            [
                " ".join(b.code for b in product.barcodes),
                product.name,
                product.category.name,
                product.unit.value,
                format_cents_plain(product.reference_price_cents),
                format_percent_bp(product.vat_rate_bp),
                product.net_content or "",
                product.per_visit_limit or "",
                "oui" if product.is_active else "non",
            ]
        )
    return "\ufeff" + out.getvalue()  # the BOM lets spreadsheet software read UTF-8


@dataclass(frozen=True)
class ImportRow:
    line_number: int
    codes: list[str]
    data: ProductData


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def decode_csv_upload(raw: bytes) -> tuple[str, str | None]:
    """The text of an uploaded CSV: UTF-8 (with or without BOM), UTF-16 (with its BOM, as some
    spreadsheets save "Unicode text"), else Windows-1252; a binary file is refused by name."""
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16")
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252")  # files saved by older spreadsheet software
    except UnicodeDecodeError:
        text = None
    if (
        text is None
        or "\x00" in text
        or any(ord(c) < 32 and c not in "\r\n\t" for c in text[:4096])
    ):
        return "", _(
            "Ce fichier n'est pas un fichier CSV (texte) : enregistrez le tableau "
            "au format « CSV UTF-8 (séparateur point-virgule) »."
        )
    return text, None


def _optional_int(value: str, label: str) -> int | None:
    try:
        return parse_optional_integer(value, label, minimum=1, maximum=1_000_000)
    except InvalidValue as error:
        raise InvalidData(error.message) from None


def _text(value: str, label: str, max_length: int) -> str:
    try:
        return parse_text(value, label, max_length=max_length)
    except InvalidValue as error:
        raise InvalidData(error.message) from None


def _parse_row(session: Session, categories: dict[str, int], row: dict[str, str]):
    codes = [normalise_barcode(c) for c in row["codes_barres"].replace("|", " ").split()]
    if not codes:
        raise InvalidData(_("au moins un code-barres est nécessaire."))
    category_name = _text(row["categorie"], _("Catégorie"), 80)
    if category_name not in categories:
        raise InvalidData(_("catégorie « %(c)s » inconnue.", c=category_name))
    unit = UNITS.get(row["unite"].strip().lower())
    if unit is None:
        raise InvalidData(_("unité « %(u)s » inconnue (piece, kg ou litre).", u=row["unite"]))
    try:
        price = parse_cents(row["prix_reference"])
        vat = parse_percent_bp(row["tva"] or "5,5")
    except InvalidAmount as error:
        raise InvalidData(str(error)) from None
    active = row.get("actif", "oui").strip().lower() not in ("non", "0", "false")
    data = ProductData(
        name=_text(row["nom"], _("Nom"), 160),
        category_id=categories[category_name],
        unit=unit,
        reference_price_cents=price,
        vat_rate_bp=vat,
        net_content=_optional_int(row.get("contenu_net", ""), _("Contenu net")),
        per_visit_limit=_optional_int(row.get("limite_par_passage", ""), _("Limite")),
        is_active=active,
    )
    validate_product_data(session, data)
    return codes, data


def check_products_csv(session: Session, text: str) -> tuple[list[ImportRow], list[str]]:
    """Parse and check every row; return the rows and the French errors (line by line)."""
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        return [], [_("Fichier illisible : la première ligne doit nommer les colonnes.")]
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = [c for c in COLUMNS[:6] if c not in (reader.fieldnames or [])]
    if missing:
        return [], [_("Colonnes manquantes : %(c)s.", c=", ".join(missing))]
    categories = dict(session.execute(select(Category.name, Category.id)).all())
    rows: list[ImportRow] = []
    errors: list[str] = []
    seen_codes: dict[str, int] = {}
    for row in _rows(reader, errors):
        line = reader.line_num
        if line > MAX_ROWS:
            errors.append(_("Fichier trop long (plus de %(n)d lignes).", n=MAX_ROWS))
            break
        try:
            codes, data = _parse_row(
                session, categories, {k: v or "" for k, v in row.items() if k is not None}
            )
        except InvalidData as error:
            errors.append(_("Ligne %(n)d : %(m)s", n=line, m=error.message))
            continue
        duplicate = next((c for c in codes if c in seen_codes), None)
        if duplicate:
            errors.append(
                _(
                    "Ligne %(n)d : code-barres %(c)s déjà présent ligne %(o)d.",
                    n=line,
                    c=duplicate,
                    o=seen_codes[duplicate],
                )
            )
            continue
        seen_codes.update(dict.fromkeys(codes, line))
        rows.append(ImportRow(line, codes, data))
    errors.extend(_conflicts_with_catalogue(session, rows))
    return rows, errors


def _rows(reader: csv.DictReader, errors: list[str]):
    """The reader's rows; a line the csv module cannot read (a field beyond its 131 072
    characters, a stray quote) ends the file with a message, never a crash."""
    try:
        yield from reader
    except csv.Error as error:
        errors.append(
            _(
                "Ligne %(n)d illisible (%(e)s) : corrigez le fichier.",
                n=reader.line_num,
                e=str(error)[:80],
            )
        )


def _owners(session: Session, codes: list[str]) -> dict[str, int]:
    owners: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        owners.update(
            session.execute(
                select(ProductBarcode.code, ProductBarcode.product_id).where(
                    ProductBarcode.code.in_(chunk)
                )
            ).all()
        )
    return owners


def _conflicts_with_catalogue(session: Session, rows: list[ImportRow]) -> list[str]:
    """A row's codes must all be free or all belong to the one product it updates."""
    owners = _owners(session, [c for row in rows for c in row.codes])
    errors = []
    for row in rows:
        products = {owners[c] for c in row.codes if c in owners}
        if len(products) > 1:
            errors.append(
                _(
                    "Ligne %(n)d : ses codes-barres appartiennent à plusieurs produits.",
                    n=row.line_number,
                )
            )
    return errors


def import_products_csv(session: Session, actor_id: int, now: datetime, text: str):
    """All or nothing: returns the errors (nothing written) or the counts.

    The file is parsed and checked before the write lock is taken (the tills sell meanwhile);
    what another writer may have changed since is checked again under the lock."""
    rows, errors = check_products_csv(session, text)
    if errors:
        return errors, None
    if not rows:
        return [_("Le fichier ne contient aucun produit.")], None
    lock_for_update(session)
    errors = _conflicts_with_catalogue(session, rows)
    if errors:
        return errors, None
    owners = _owners(session, [c for row in rows for c in row.codes])
    created = updated = 0
    for row in rows:
        owner_id = next((owners[c] for c in row.codes if c in owners), None)
        if owner_id is None:
            create_product(session, actor_id, now, row.data, row.codes)
            created += 1
            continue
        product = session.get(Product, owner_id)
        update_product(session, actor_id, now, product, row.data)
        for code in row.codes:
            if code not in owners:
                add_barcode(session, product, code)
        updated += 1
    return [], ImportResult(created, updated)
