"""JSON API plumbing: request bodies validated by pydantic, errors in French, OpenAPI document."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import jsonify, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from app.domain import DomainError

Model = TypeVar("Model", bound=BaseModel)

_MESSAGES = {
    "missing": "champ obligatoire",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "bool_type": "vrai ou faux attendu",
    "bool_parsing": "vrai ou faux attendu",
    "string_type": "texte attendu",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_type": "objet attendu",
    "uuid_type": "identifiant UUID attendu",
    "uuid_parsing": "identifiant UUID attendu",
    "extra_forbidden": "champ inconnu",
    "literal_error": "valeur non permise",
    "enum": "valeur non permise",
}


# The stable, machine-readable ``code`` of an answer for each HTTP status, when the refusal has
# no more precise one. Clients act on ``code``; ``message`` is for the person in front.
STATUS_CODES = {
    400: "bad_request",
    401: "auth_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "json_expected",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


class ApiError(DomainError):
    """A refusal of the API's plumbing (body, parameters): the status first, the code from it."""

    def __init__(
        self, message: str, status: int = 422, code: str | None = None, **details: Any
    ) -> None:
        super().__init__(message, code or STATUS_CODES.get(status, "error"), status, **details)


def _path(location: tuple) -> str:
    parts = []
    for item in location:
        if isinstance(item, int):
            parts.append(f"[{item + 1}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def french_validation_message(error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_url=False)[:5]:
        kind, context = item["type"], item.get("ctx") or {}
        if kind in _MESSAGES:
            text = _MESSAGES[kind]
        elif kind == "greater_than":
            text = f"doit être supérieur à {context.get('gt')}"
        elif kind == "greater_than_equal":
            text = f"doit être au moins {context.get('ge')}"
        elif kind == "less_than_equal":
            text = f"doit être au plus {context.get('le')}"
        elif kind == "less_than":
            text = f"doit être inférieur à {context.get('lt')}"
        elif kind in ("too_short", "string_too_short"):
            text = "trop court (ou vide)"
        elif kind in ("too_long", "string_too_long"):
            text = "trop long"
        elif kind == "json_invalid":
            return "Requête illisible : le JSON est mal formé."
        else:
            text = "valeur invalide"
        where = _path(item["loc"])
        problems.append(f"« {where} » : {text}" if where else text)
    return "Données refusées — " + " ; ".join(problems) + "."


def parse_body(model: type[Model]) -> Model:
    """Validate the JSON body against ``model`` or raise an ``ApiError`` (422, French)."""
    if not request.is_json:
        raise ApiError("Requête refusée : un corps JSON est attendu.", 415)
    try:
        return model.model_validate_json(request.get_data() or b"")
    except ValidationError as error:
        raise ApiError(french_validation_message(error), 422) from None


def error_payload(
    status: int, message: str, code: str | None = None, details: dict | None = None
) -> dict:
    payload: dict[str, Any] = {
        "code": code or STATUS_CODES.get(status, "error"),
        "message": message,
    }
    if details:
        payload["details"] = details
    return payload


def error_response(error: DomainError):
    return jsonify(
        error_payload(error.status, error.message, error.code, error.details)
    ), error.status


ERROR_DESCRIPTIONS = {
    400: "Requête refusée (jeton de sécurité absent ou expiré : code csrf_invalid)",
    401: "Pas ou plus de session : se reconnecter (code auth_required)",
    403: "Rôle insuffisant, ou validation d'encadrant·e refusée",
    404: "Introuvable (caisse, produit, ticket…)",
    409: "Conflit expliqué (session, validation requise, total différent, UUID déjà pris…)",
    415: "Corps JSON attendu",
    422: "Données refusées, expliquées en français",
    500: "Erreur inattendue : rien n'a été enregistré",
    503: "Base de données ou appareil momentanément indisponible : réessayer",
}
READ_ERRORS = (401, 403, 404, 422, 500, 503)
WRITE_ERRORS = (400, 401, 403, 404, 409, 415, 422, 500, 503)


def _json_content(model_name: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{model_name}"}}}


def openapi_document(title: str, operations: list[dict], models: list[type[BaseModel]]) -> dict:
    """OpenAPI 3.1 from the same pydantic models that validate the requests and answers.

    Each operation lists every status it can answer: its successes (``success``, by default
    200, with the ``response`` model) and its refusals (``errors``, by default every refusal
    a read or a write can meet), all in the ``Error`` shape ``{code, message, details}``.
    """
    _, schemas = models_json_schema(
        [(m, "validation") for m in models], ref_template="#/components/schemas/{model}"
    )
    paths: dict[str, dict] = {}
    for op in operations:
        entry: dict[str, Any] = {
            "summary": op["summary"],
            "responses": {},
            "operationId": op.get("id")
            or (op["method"] + op["path"].replace("/", "_").replace("{", "").replace("}", "")),
        }
        if op.get("body"):
            entry["requestBody"] = {"required": True, "content": _json_content(op["body"].__name__)}
        for status, description in op.get("success", {"200": "OK"}).items():
            answer: dict[str, Any] = {"description": description}
            if op.get("response") and status != "304":
                answer["content"] = _json_content(op["response"].__name__)
            entry["responses"][status] = answer
        errors = op.get("errors") or (WRITE_ERRORS if op["method"] == "post" else READ_ERRORS)
        for status in errors:
            entry["responses"][str(status)] = {
                "description": ERROR_DESCRIPTIONS[status],
                "content": _json_content("Error"),
            }
        if op.get("parameters"):
            entry["parameters"] = op["parameters"]
        paths.setdefault(op["path"], {})[op["method"]] = entry
    components = schemas.get("$defs", {})
    components["Error"] = {
        "type": "object",
        "required": ["code", "message"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "string", "description": "stable, pour les programmes"},
            "message": {"type": "string", "description": "en français, à afficher"},
            "details": {"type": "object"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "2"},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "caisse_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
        },
        "security": [{"session": [], "csrf": []}],
    }
