"""Archives of the journal: one closed month in one zip file that verifies on its own.

The zip holds ``journal.jsonl`` (every entry of the period exactly as stored, so each hash can
be recomputed), ``journal.csv`` and ``clotures.csv`` (the same, for a spreadsheet) and
``manifest.json`` (period, sequence range, the hash the first entry chains from, the last hash,
the opening perpetual grand total and each file's SHA-256). The file is written
deterministically (stored, fixed dates, fixed order), so ``verify_archive`` also rebuilds it
from its own members and compares byte for byte: one changed byte anywhere is found.

A month is archived once it is closed, i.e. once its monthly closure is in the journal; its
entries run from the entry after the previous monthly closure up to its own.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import SHOP_TIMEZONE
from app.exports import csv_writer
from pos.journal.chain import GENESIS_HASH, append_entry, chain_hash
from pos.journal.verify import Verification
from pos.models import JournalEntry

FORMAT = "caisse-solidaire-journal-archive/1"
MEMBERS = ("journal.jsonl", "journal.csv", "clotures.csv", "manifest.json")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class ArchiveRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _zip(members: dict[str, bytes]) -> bytes:
    """The same members always give the same bytes (no timestamps, no compression)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in MEMBERS:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _closure_rows(entries: list[dict]) -> list[list]:
    rows = []
    for entry in entries:
        if not entry["kind"].startswith("closure_"):
            continue
        body = json.loads(entry["payload"])
        rows.append(
            [
                entry["sequence"],
                entry["kind"].removeprefix("closure_"),
                body["period"],
                body["sales"],
                body["refunds"],
                body["total_cents"],
                body["grand_total_cents"],
                json.dumps(body["by_method_cents"]),
                json.dumps(body["by_vat_rate_cents"]),
                entry["hash"],
            ]
        )
    return rows


def _period_range(session: Session, period: str, site_id: int) -> tuple[int, int]:
    if not _PERIOD.match(period or ""):
        raise ArchiveRefused(
            f"Période « {period} » invalide : attendu AAAA-MM, par exemple 2026-11."
        )
    closures = session.execute(
        select(JournalEntry.sequence, JournalEntry.payload)
        .where(JournalEntry.site_id == site_id, JournalEntry.kind == "closure_monthly")
        .order_by(JournalEntry.sequence)
    ).all()
    previous = 0
    for sequence, payload in closures:
        if json.loads(payload)["period"] == period:
            return previous + 1, sequence
        previous = sequence
    raise ArchiveRefused(
        f"Le mois {period} n'est pas clôturé (ou n'a aucun ticket) : il "
        "s'archive une fois sa clôture mensuelle au journal."
    )


def build_archive(
    session: Session,
    period: str,
    now: datetime,
    software_version: str,
    site: str,
    *,
    site_id: int,
) -> bytes:
    """The archive file of a closed month of site ``site_id``'s chain (each site's archives
    alone); the export itself is journaled in that chain."""
    first, last = _period_range(session, period, site_id)
    stored = session.execute(
        select(
            JournalEntry.sequence,
            JournalEntry.kind,
            JournalEntry.at,
            JournalEntry.reference,
            JournalEntry.payload,
            JournalEntry.previous_hash,
            JournalEntry.hash,
        )
        .where(JournalEntry.site_id == site_id, JournalEntry.sequence.between(first, last))
        .order_by(JournalEntry.sequence)
    ).all()
    entries = [
        {
            "sequence": row.sequence,
            "kind": row.kind,
            "at": row.at.astimezone(UTC).isoformat(),
            "reference": row.reference,
            "payload": row.payload,
            "previous_hash": row.previous_hash,
            "hash": row.hash,
        }
        for row in stored
    ]
    opening = 0
    previous_daily = session.scalar(
        select(JournalEntry.payload)
        .where(
            JournalEntry.site_id == site_id,
            JournalEntry.kind == "closure_daily",
            JournalEntry.sequence < first,
        )
        .order_by(JournalEntry.sequence.desc())
        .limit(1)
    )
    if previous_daily:
        opening = json.loads(previous_daily)["grand_total_cents"]
    members = {
        "journal.jsonl": "".join(
            json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries
        ).encode("utf-8"),
        "journal.csv": _csv(
            ["sequence", "type", "date_utc", "reference", "hash", "hash_precedent", "contenu"],
            [
                [
                    e["sequence"],
                    e["kind"],
                    e["at"],
                    e["reference"] or "",
                    e["hash"],
                    e["previous_hash"],
                    e["payload"],
                ]
                for e in entries
            ],
        ),
        "clotures.csv": _csv(
            [
                "sequence",
                "type",
                "periode",
                "ventes",
                "remboursements",
                "total_centimes",
                "grand_total_centimes",
                "par_moyen_centimes",
                "par_taux_tva_centimes",
                "hash",
            ],
            _closure_rows(entries),
        ),
    }
    manifest = {
        "format": FORMAT,
        "site": site,
        "period": period,
        "software_version": software_version,
        "created_at": now.astimezone(UTC).isoformat(),
        "genesis_hash": GENESIS_HASH,
        "first_sequence": first,
        "last_sequence": last,
        "count": len(entries),
        "previous_hash": entries[0]["previous_hash"],
        "last_hash": entries[-1]["hash"],
        "opening_grand_total_cents": opening,
        "files": {
            name: {"sha256": _sha256(data), "bytes": len(data)} for name, data in members.items()
        },
    }
    members["manifest.json"] = json.dumps(
        manifest, ensure_ascii=False, sort_keys=True, indent=2
    ).encode("utf-8")
    data = _zip(members)
    append_entry(
        session,
        "archive",
        now,
        {
            "period": period,
            "first_sequence": first,
            "last_sequence": last,
            "last_hash": manifest["last_hash"],
            "manifest_sha256": _sha256(members["manifest.json"]),
            "file_sha256": _sha256(data),
        },
        f"archive-{period}",
        site_id=site_id,
    )
    return data


# ---- verification, on any machine ----------------------------------------------------------


def _fail(count: int, message: str) -> Verification:
    return Verification(False, count, message)


def _empty_totals() -> dict:
    return {
        "sales": 0,
        "refunds": 0,
        "total_cents": 0,
        "by_method_cents": {},
        "by_vat_rate_cents": {},
    }


def _add_ticket(days: dict[str, dict], ticket: dict) -> None:
    """Add a ticket's own payload to its shop day's closure figures."""
    moment = datetime.fromisoformat(ticket["created_at"]).astimezone(SHOP_TIMEZONE)
    day = days.setdefault(moment.date().isoformat(), _empty_totals())
    day["refunds" if ticket["document"] == "refund" else "sales"] += 1
    day["total_cents"] += ticket["total_cents"]
    for method, amount in ticket["payments"]:
        day["by_method_cents"][method] = day["by_method_cents"].get(method, 0) + amount
    for rate, amount in ticket["by_vat_rate_cents"].items():
        day["by_vat_rate_cents"][rate] = day["by_vat_rate_cents"].get(rate, 0) + amount


def verify_archive(data: bytes) -> Verification:
    """Check an archive file on its own: files, chain, closures, and the file's every byte."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if sorted(names) != sorted(MEMBERS):
                return _fail(0, f"Archive incomplète ou inattendue : {', '.join(names)}.")
            members = {name: archive.read(name) for name in MEMBERS}
    except Exception as error:  # noqa: BLE001 — an untrusted file: whatever zipfile trips on
        # means altered
        return _fail(0, f"Fichier d'archive illisible ou altéré ({error}).")
    try:
        manifest = json.loads(members["manifest.json"])
        if manifest.get("format") != FORMAT:
            return _fail(0, "Ce fichier n'est pas une archive du journal Caisse Solidaire.")
        for name, expected in manifest["files"].items():
            if _sha256(members[name]) != expected["sha256"]:
                return _fail(0, f"{name} : empreinte SHA-256 différente du manifeste.")
        entries = [
            json.loads(line) for line in members["journal.jsonl"].decode("utf-8").splitlines()
        ]
        result = _verify_entries(manifest, entries)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        return _fail(0, f"Archive mal formée ({error.__class__.__name__} : {error}).")
    if result.ok and _zip(members) != data:
        return _fail(
            result.count,
            "Structure du fichier zip modifiée (le contenu est intact "
            "mais le fichier n'est plus celui qui a été exporté).",
        )
    return result


def _verify_entries(manifest: dict, entries: list[dict]) -> Verification:
    previous = manifest["previous_hash"]
    sequence = manifest["first_sequence"]
    grand_total = manifest["opening_grand_total_cents"]
    days: dict[str, dict] = {}  # closure figures rebuilt from the tickets, as they come
    daily: list[dict] = []
    count = 0
    for entry in entries:
        where = f"Écriture n° {entry['sequence']} ({entry['kind']}, {entry['reference'] or '—'})"
        if entry["sequence"] != sequence:
            return _fail(
                count, f"Écriture n° {sequence} manquante avant la n° {entry['sequence']}."
            )
        if entry["previous_hash"] != previous:
            return _fail(count, f"{where} : chaînage rompu.")
        if chain_hash(previous, entry["payload"]) != entry["hash"]:
            return _fail(count, f"{where} : contenu modifié.")
        body = json.loads(entry["payload"])
        if body["kind"] != entry["kind"] or body["at"] != entry["at"]:
            return _fail(count, f"{where} : type ou date différents du contenu chaîné.")
        if entry["kind"] in ("sale", "refund"):
            _add_ticket(days, body["sale"])
        elif entry["kind"] == "closure_daily":
            rebuilt = days.get(body["period"], _empty_totals())
            for field, value in rebuilt.items():
                if body[field] != value:
                    return _fail(
                        count,
                        f"{where} : « {field} » de la clôture ne correspond "
                        "pas aux tickets de l'archive.",
                    )
            if body["grand_total_cents"] != grand_total + body["total_cents"]:
                return _fail(count, f"{where} : grand total perpétuel discontinu.")
            grand_total = body["grand_total_cents"]
            daily.append(body)
        elif entry["kind"] == "closure_monthly":
            parts = [d for d in daily if d["period"].startswith(body["period"])]
            if (
                body["total_cents"] != sum(d["total_cents"] for d in parts)
                or body["grand_total_cents"] != grand_total
            ):
                return _fail(
                    count,
                    f"{where} : la clôture mensuelle ne correspond pas aux clôtures journalières.",
                )
        previous = entry["hash"]
        sequence += 1
        count += 1
    if (
        count != manifest["count"]
        or previous != manifest["last_hash"]
        or sequence - 1 != manifest["last_sequence"]
    ):
        return _fail(
            count,
            "Le manifeste annonce d'autres écritures que celles de l'archive "
            "(écriture supprimée ou ajoutée ?).",
        )
    return Verification(
        True,
        count,
        f"Archive {manifest['period']} intègre : {count} "
        f"écriture(s) vérifiée(s), de la n° "
        f"{manifest['first_sequence']} à la n° "
        f"{manifest['last_sequence']}.",
    )


def archive_filename(period: str) -> str:
    return f"journal-{period}.zip"


def closed_months(session: Session, site_id: int) -> list[str]:
    return [
        json.loads(payload)["period"]
        for payload in session.scalars(
            select(JournalEntry.payload)
            .where(JournalEntry.site_id == site_id, JournalEntry.kind == "closure_monthly")
            .order_by(JournalEntry.sequence)
        )
    ]
