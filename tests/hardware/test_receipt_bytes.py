"""The bytes a receipt printer receives, read back without python-escpos."""

import pytest

from hardware.models import MODELS, printable
from hardware.receipt import ReceiptDocument, ReceiptLine, drawer_kick, euros, render_receipt
from hardware.simulator import PrinterSimulator
from hardware.transport import PrinterConnection, PrinterError, send
from tests.hardware.escpos_decoder import decode

DOCUMENT = ReceiptDocument(
    shop_name="Épicerie solidaire Les Quatre Saisons",
    shop_address="1 place de la Mairie",
    shop_siret="21330063500017",
    ticket="C1-000042",
    printed_at="23/11/2026 10:42",
    till_name="Caisse 1",
    operator="Nadia",
    lines=(
        ReceiptLine("Œufs frais ×6 — Bio", "2", 229, 92, 550, 458),
        ReceiptLine("Tomates du jardin", "1,250 kg", 320, 80, 550, 400),
    ),
    total_cents=172,
    payments=(("Carte bancaire", 100), ("Espèces", 200)),
    change_cents=128,
    reference_total_cents=858,
    vat_exempt=True,
    warranty_mentions=("Garantie légale de conformité : 2 ans.",),
)


def test_french_text_euro_cut_and_barcode_on_an_epson():
    decoded = decode(render_receipt(DOCUMENT, MODELS["epson-tm-t20ii"]))
    assert decoded.code_pages == ["cp858"]
    text = decoded.text
    assert "Épicerie solidaire Les Quatre Saisons" in text
    assert "Oeufs frais ×6 - Bio" in text  # œ and the dash have documented fallbacks
    assert "valeur 4,58 € - vous payez 0,92 €" in text
    assert "TOTAL" in text and "1,72 €" in text
    assert "Rendu" in text and "1,28 €" in text
    assert "TVA non applicable, art. 293 B du CGI" in text
    assert "Garantie légale de conformité : 2 ans." in text
    assert decoded.barcodes == ["{BC1-000042"]
    assert decoded.cuts == 1
    assert all(len(line) <= 48 for line in text.splitlines())


def test_58mm_clone_uses_its_own_slot_and_no_cut():
    model = MODELS["pos-5890"]
    data = render_receipt(DOCUMENT, model)
    assert data.startswith(b"\x1bt\x35")  # ESC t 53: CP858 on these clones
    decoded = decode(data)
    assert decoded.cuts == 0
    assert decoded.images == 1  # no hardware barcode on these: python-escpos draws it
    assert all(len(line) <= 32 for line in decoded.text.splitlines())
    assert "1,72 €" in decoded.text


def test_drawer_kick_bytes():
    assert decode(drawer_kick(MODELS["epson-tm-t20ii"])).drawer_kicks == 1


def test_money_and_fallbacks():
    assert euros(123456) == "1 234,56 €" and euros(-38) == "-0,38 €"
    assert printable("Bœuf «\u00a0label\u00a0» …", "cp858") == 'Boeuf " label " ...'


def test_printing_over_tcp_to_the_simulator():
    data = render_receipt(DOCUMENT, MODELS["epson-tm-t20ii"])
    with PrinterSimulator() as printer:
        send(PrinterConnection("network", f"127.0.0.1:{printer.port}"), data)
        for _ in range(200):
            if printer.jobs:
                break
            import time

            time.sleep(0.05)
    assert printer.jobs[0].data == data
    assert "Épicerie solidaire" in printer.jobs[0].text
    assert "[COUPE]" in printer.jobs[0].text


def test_refused_connection_is_an_offline_error():
    with PrinterSimulator() as printer:
        port = printer.port
    with pytest.raises(PrinterError) as error:
        send(PrinterConnection("network", f"127.0.0.1:{port}", timeout_seconds=1), b"x")
    assert error.value.state == "offline"


def test_one_vat_regime_on_a_receipt_and_weighed_lines_per_kilogram():
    import dataclasses

    exempt = decode(render_receipt(DOCUMENT, MODELS["epson-tm-t20ii"])).text
    assert "TVA non applicable, art. 293 B du CGI" in exempt
    assert "TVA 5,5 %" not in exempt  # no rate on the lines of a shop that charges no VAT
    assert "1,250 kg x 3,20 € / kg" in exempt
    assert "2 x 2,29 €" in exempt and "2 x 2,29 € / kg" not in exempt
    charged = decode(
        render_receipt(
            dataclasses.replace(DOCUMENT, vat_exempt=False, vat_breakdown=((550, 163, 9),)),
            MODELS["epson-tm-t20ii"],
        )
    ).text
    assert "TVA non applicable" not in charged
    assert "TVA 5,5 %" in charged and "TVA 5,5 % sur 1,63 €" in charged
