"""JSON API plumbing: request bodies validated by pydantic, errors in French, OpenAPI document."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import jsonify, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

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


class ApiError(Exception):
    def __init__(self, message: str, status: int = 422, **details: Any) -> None:
        super().__init__(message)
        self.message, self.status, self.details = message, status, details


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


def error_response(error: ApiError):
    payload = {"error": error.message}
    if error.details:
        payload["details"] = error.details
    return jsonify(payload), error.status


def openapi_document(title: str, operations: list[dict], models: list[type[BaseModel]]) -> dict:
    """OpenAPI 3.1 from the same pydantic models that validate the requests."""
    _, schemas = models_json_schema([(m, "validation") for m in models],
                                    ref_template="#/components/schemas/{model}")
    paths: dict[str, dict] = {}
    for op in operations:
        entry: dict[str, Any] = {"summary": op["summary"], "responses": {}}
        if op.get("body"):
            entry["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{op['body'].__name__}"}}}}
        if op.get("response"):
            entry["responses"]["200"] = {"description": "OK", "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{op['response'].__name__}"}}}}
        else:
            entry["responses"]["200"] = {"description": "OK"}
        entry["responses"]["4XX"] = {"description": "Refus expliqué en français",
                                     "content": {"application/json": {"schema": {
                                         "$ref": "#/components/schemas/Error"}}}}
        if op.get("parameters"):
            entry["parameters"] = op["parameters"]
        paths.setdefault(op["path"], {})[op["method"]] = entry
    components = schemas.get("$defs", {})
    components["Error"] = {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string"}, "details": {"type": "object"}}}
    return {"openapi": "3.1.0", "info": {"title": title, "version": "1"}, "paths": paths,
            "components": {"schemas": components,
                           "securitySchemes": {"session": {"type": "apiKey", "in": "cookie",
                                                           "name": "caisse_session"},
                                               "csrf": {"type": "apiKey", "in": "header",
                                                        "name": "X-CSRFToken"}}},
            "security": [{"session": [], "csrf": []}]}
