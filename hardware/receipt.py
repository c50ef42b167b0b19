"""The receipt document (built by ``pos``) and its ESC/POS layout, a pure function to bytes."""

from __future__ import annotations

import contextlib
import io
import textwrap
from dataclasses import dataclass, field

from escpos.printer import Dummy

from hardware.models import PrinterModel, printable


@dataclass(frozen=True)
class ReceiptLine:
    label: str
    quantity: str  # "3" or "1,250 kg"
    unit_price_cents: int
    amount_cents: int  # what is paid
    vat_rate_bp: int
    reference_amount_cents: int | None = None  # for beneficiaries: the value before the rate


@dataclass(frozen=True)
class ReceiptDocument:
    shop_name: str
    shop_address: str
    shop_siret: str
    ticket: str  # "C1-000042", also printed as a barcode
    printed_at: str  # "23/11/2026 10:42"
    till_name: str
    operator: str
    lines: tuple[ReceiptLine, ...]
    total_cents: int
    payments: tuple[tuple[str, int], ...]  # ("Espèces", 500)
    change_cents: int = 0
    reference_total_cents: int | None = None  # beneficiaries: "valeur … vous payez …"
    vat_exempt: bool = True
    vat_breakdown: tuple[tuple[int, int, int], ...] = ()  # (rate bp, base, vat) in cents
    warranty_mentions: tuple[str, ...] = ()
    hash_start: str | None = None
    duplicate_number: int | None = None
    is_refund: bool = False
    refund_of: str | None = None  # an avoir: the ticket it gives money back on
    footer: tuple[str, ...] = field(default_factory=tuple)


def euros(cents: int) -> str:
    """Integer cents → ``12,50 €`` (no float anywhere)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", " ")
    return f"{sign}{grouped},{rest:02d} €"


def rate(basis_points: int) -> str:
    whole, rest = divmod(basis_points, 100)
    return f"{whole}" if rest == 0 else f"{whole},{rest:02d}".rstrip("0")


class _Writer:
    """Collects ESC/POS bytes: commands from python-escpos, text encoded in the pinned page."""

    def __init__(self, model: PrinterModel) -> None:
        self.model = model
        self.printer = Dummy(profile=model.escpos_profile)
        # Select the code page explicitly (ESC t n): the printer and our encoding agree.
        self.printer._raw(b"\x1bt" + bytes([model.code_page_slot]))

    def line(self, text: str = "") -> None:
        """Text wrapped to the paper's width, encoded in the pinned code page."""
        clean = printable(text, self.model.codec)
        for part in textwrap.wrap(clean, self.model.columns) or [""]:
            self.printer._raw(part.encode(self.model.codec) + b"\n")

    def columns(self, left: str, right: str) -> None:
        width = self.model.columns
        left = printable(left, self.model.codec)
        right = printable(right, self.model.codec)
        if len(left) + len(right) + 1 > width:
            self.line(left[:width])
            left = ""
        self.line(left + " " * (width - len(left) - len(right)) + right)

    def style(self, **settings) -> None:
        self.printer.set(**settings)

    def rule(self) -> None:
        self.line("-" * self.model.columns)

    def barcode(self, data: str) -> None:
        # python-escpos prints a line on stdout here; keep it off the server's output.
        with contextlib.redirect_stdout(io.StringIO()):
            self.printer.barcode(
                "{B" + data, "CODE128", function_type="B", pos="BELOW", height=60, width=2
            )

    def finish(self, cut: bool) -> bytes:
        self.printer._raw(b"\n" * 3)
        if cut and self.model.can_cut:
            self.printer.cut()
        return self.printer.output


def render_receipt(document: ReceiptDocument, model: PrinterModel) -> bytes:
    """The bytes the printer receives for this receipt."""
    out = _Writer(model)
    out.style(align="center", bold=True, double_height=True)
    out.line(document.shop_name)
    out.style(align="center", bold=False, normal_textsize=True)
    for part in document.shop_address.split("\n"):
        out.line(part)
    if document.shop_siret:
        out.line(f"SIRET {document.shop_siret}")
    if document.duplicate_number:
        out.style(align="center", bold=True, double_height=True)
        out.line(f"DUPLICATA n° {document.duplicate_number}")
        out.style(align="center", bold=False, normal_textsize=True)
    if document.is_refund:  # a credit note ("avoir"): what goes back, on which ticket
        out.style(align="center", bold=True, double_height=True)
        out.line("AVOIR")
        out.style(align="center", bold=False, normal_textsize=True)
        out.line(
            f"Remboursement du ticket {document.refund_of}"
            if document.refund_of
            else "Remboursement"
        )
    else:
        out.line("")
    out.style(align="left")
    out.columns(f"Ticket {document.ticket}", document.printed_at)
    out.columns(document.till_name, document.operator)
    out.rule()
    for item in document.lines:
        out.line(item.label)
        # A weighed line shows its price per kilogram; the VAT rate only when VAT applies
        # (a shop in "franchise en base" prints the one mention at the bottom, nothing else).
        per = " / kg" if item.quantity.endswith("kg") else ""
        detail = f"  {item.quantity} x {euros(item.unit_price_cents)}{per}"
        vat = "" if document.vat_exempt else f"  TVA {rate(item.vat_rate_bp)} %"
        out.columns(f"{detail}{vat}", euros(item.amount_cents))
        if item.reference_amount_cents is not None:
            out.line(
                f"  valeur {euros(item.reference_amount_cents)} - vous payez "
                f"{euros(item.amount_cents)}"
            )
    out.rule()
    out.style(bold=True, double_height=True)
    out.columns("TOTAL", euros(document.total_cents))
    out.style(bold=False, normal_textsize=True)
    if document.reference_total_cents is not None:
        out.columns("Valeur des produits", euros(document.reference_total_cents))
        out.columns("Vous payez", euros(document.total_cents))
    for label, amount in document.payments:
        out.columns(
            f"Rendu - {label.lower()}" if document.is_refund else label,
            euros(abs(amount) if document.is_refund else amount),
        )
    if document.change_cents:
        out.columns("Rendu", euros(document.change_cents))
    out.rule()
    if document.vat_exempt:
        out.line("TVA non applicable, art. 293 B du CGI")
    else:
        for vat_rate, base, vat in document.vat_breakdown:
            out.columns(f"TVA {rate(vat_rate)} % sur {euros(base)}", euros(vat))
    for mention in document.warranty_mentions:
        out.line(mention)
    if document.hash_start:
        out.line(f"Empreinte {document.hash_start}")
    for text in document.footer:
        out.line(text)
    out.style(align="center")
    out.barcode(document.ticket)
    return out.finish(cut=True)


def render_session_report(
    model: PrinterModel,
    title: str,
    header: tuple[str, ...],
    rows: tuple[tuple[str, int], ...],
    notes: tuple[str, ...] = (),
) -> bytes:
    """An X (during the day) or Z (at closing) report on the till's printer: amounts in cents."""
    out = _Writer(model)
    out.style(align="center", bold=True, double_height=True)
    out.line(title)
    out.style(align="left", bold=False, normal_textsize=True)
    for text in header:
        out.line(text)
    out.rule()
    for label, cents in rows:
        out.columns(label, euros(cents))
    out.rule()
    for text in notes:
        out.line(text)
    return out.finish(cut=True)


def render_test_page(model: PrinterModel, title: str) -> bytes:
    out = _Writer(model)
    out.style(align="center", bold=True)
    out.line(title)
    out.style(align="left", bold=False)
    out.line("Accents : é è à ç ù ô â ê î û ë ï")
    out.line("Euro : 12,50 € — œuf → oeuf")
    out.rule()
    return out.finish(cut=True)


def drawer_kick(model: PrinterModel) -> bytes:
    printer = Dummy(profile=model.escpos_profile)
    printer.cashdraw(2)
    return printer.output
