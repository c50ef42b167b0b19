"""The OpenAPI document of the till's API, generated from the same pydantic schemas that validate
the requests."""

from __future__ import annotations

from app.api import openapi_document
from pos import schemas

TILL_QUERY = {
    "name": "till",
    "in": "query",
    "required": True,
    "description": "code de la caisse (C1…)",
    "schema": {"type": "string", "minLength": 1, "maxLength": 20},
}
CREATED = {"201": "Enregistré", "200": "Déjà enregistré avec ce même UUID : le même document"}
OPERATIONS = [
    {
        "path": "/api/pos/catalogue",
        "method": "get",
        "summary": "Produits et nomenclature",
        "response": schemas.CatalogueOut,
        "success": {"200": "OK", "304": "Inchangé (ETag)"},
    },
    {
        "path": "/api/pos/offline",
        "method": "get",
        "summary": "Série hors ligne de la caisse : prochain numéro, durée permise, badges",
        "response": schemas.OfflineStateOut,
        "parameters": [TILL_QUERY],
    },
    {
        "path": "/api/pos/session",
        "method": "get",
        "summary": "État de la session d'une caisse",
        "response": schemas.SessionOut,
        "parameters": [TILL_QUERY],
    },
    {
        "path": "/api/pos/session/open",
        "method": "post",
        "summary": "Ouvrir avec le fond",
        "body": schemas.OpenSessionIn,
        "response": schemas.SessionOpenedOut,
    },
    {
        "path": "/api/pos/approvals",
        "method": "post",
        "summary": "Validation d'un·e encadrant·e (badge et PIN) : jeton à usage unique",
        "body": schemas.ApprovalIn,
        "response": schemas.ApprovalOut,
    },
    {
        "path": "/api/pos/session/cash",
        "method": "post",
        "summary": "Entrée ou sortie d'espèces",
        "body": schemas.CashMovementIn,
        "response": schemas.CashMovementOut,
    },
    {
        "path": "/api/pos/session/x",
        "method": "get",
        "summary": "Rapport X",
        "response": schemas.XReportOut,
        "parameters": [TILL_QUERY],
    },
    {
        "path": "/api/pos/session/x/print",
        "method": "post",
        "summary": "Imprimer le rapport X sur l'imprimante de la caisse",
        "body": schemas.TillIn,
        "response": schemas.QueuedOut,
    },
    {
        "path": "/api/pos/session/close",
        "method": "post",
        "summary": "Clôture et comptage",
        "body": schemas.CloseSessionIn,
        "response": schemas.SessionClosedOut,
    },
    {
        "path": "/api/pos/sales",
        "method": "post",
        "summary": "Valider une vente (une seule fois par UUID)",
        "body": schemas.SaleIn,
        "response": schemas.SaleOut,
        "success": CREATED,
    },
    {
        "path": "/api/pos/sales/abandon",
        "method": "post",
        "summary": "Abandonner une vente jamais confirmée (validation d'encadrant·e)",
        "body": schemas.AbandonIn,
        "response": schemas.AbandonOut,
    },
    {
        "path": "/api/pos/objets/{number}",
        "method": "get",
        "summary": "Objet de la ressourcerie scanné",
        "response": schemas.ItemOut,
        "parameters": [
            {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
    },
    {
        "path": "/api/pos/stock/{product_id}",
        "method": "get",
        "summary": "Stock vendable et périmé d'un produit scanné",
        "response": schemas.StockOut,
        "parameters": [
            {
                "name": "product_id",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
            }
        ],
    },
    {
        "path": "/api/pos/tickets/{reference}",
        "method": "get",
        "summary": "Lignes d'un ticket",
        "response": schemas.TicketOut,
        "parameters": [
            {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
    },
    {
        "path": "/api/pos/refunds",
        "method": "post",
        "summary": "Rembourser des lignes",
        "body": schemas.RefundIn,
        "response": schemas.SaleOut,
        "success": CREATED,
    },
    {
        "path": "/api/pos/scans",
        "method": "get",
        "summary": "Codes lus par la douchette série",
        "response": schemas.ScansOut,
        "parameters": [
            TILL_QUERY,
            {"name": "after", "in": "query", "required": False, "schema": {"type": "integer"}},
        ],
    },
    {
        "path": "/api/pos/printer",
        "method": "get",
        "summary": "État de l'imprimante",
        "response": schemas.PrinterStateOut,
        "parameters": [TILL_QUERY],
    },
    {
        "path": "/api/pos/printer/reprint",
        "method": "post",
        "summary": "Duplicata d'un ticket",
        "body": schemas.ReprintIn,
        "response": schemas.ReprintOut,
    },
    {
        "path": "/api/pos/appointments",
        "method": "get",
        "summary": "Foyers attendus aujourd'hui (rendez-vous)",
        "response": schemas.ExpectedOut,
        "parameters": [TILL_QUERY],
    },
    {
        "path": "/api/pos/printer/drawer",
        "method": "post",
        "summary": "Ouvrir le tiroir",
        "body": schemas.TillIn,
        "response": schemas.QueuedOut,
    },
]


def openapi():
    """The till's whole API, with the household card and the scale it also calls."""
    from app.scale import OPERATIONS as SCALE_OPERATIONS
    from app.scale import SCHEMAS as SCALE_SCHEMAS
    from participants.households.card_views import CARD_OPERATIONS, CARD_SCHEMAS

    return openapi_document(
        "Caisse Solidaire — API de la caisse",
        OPERATIONS + CARD_OPERATIONS + SCALE_OPERATIONS,
        schemas.API_MODELS + CARD_SCHEMAS + SCALE_SCHEMAS,
    )
