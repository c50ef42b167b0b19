"""Reading the site's serial scale from a page (till, jardin): one JSON endpoint."""

from __future__ import annotations

import threading

from flask import Blueprint, jsonify
from flask_login import login_required
from pydantic import BaseModel

from app.api import error_payload
from app.extensions import db
from app.settings.core import SCALE_PORT
from hardware.scale import ScaleError, ScaleSettings, open_scale_port, read_weight

blueprint = Blueprint("scale", __name__)
# The port stays open between readings (reopening resets some USB-serial adapters); one reading
# at a time.
_ports: dict[str, object] = {}
_lock = threading.Lock()


def _reading(port_name: str) -> int:
    with _lock:
        port = _ports.get(port_name)
        if port is None:
            port = _ports[port_name] = open_scale_port(ScaleSettings(port_name))
        try:
            return read_weight(port)
        except ScaleError:
            raise
        except Exception:
            _ports.pop(port_name, None)
            port.close()
            raise


class ScaleReadingOut(BaseModel):
    grams: int


def _refusal(status: int, code: str, message: str):
    return jsonify(error_payload(status, message, code)), status


@blueprint.get("/api/balance")
@login_required
def read_scale():
    port_name = SCALE_PORT.get(db.session)
    if not port_name:
        return _refusal(404, "no_scale", "Pas de balance branchée : tapez le poids.")
    try:
        grams = _reading(port_name)
    except ScaleError as error:
        return _refusal(409, "scale_unstable", str(error))
    except Exception:  # noqa: BLE001 — a missing device is reported, never a 500
        return _refusal(503, "scale_unreachable", "Balance injoignable : tapez le poids à la main.")
    return jsonify(ScaleReadingOut(grams=grams).model_dump())


SCHEMAS = [ScaleReadingOut]
OPERATIONS = [
    {
        "path": "/api/balance",
        "method": "get",
        "summary": "Poids lu sur la balance série",
        "response": ScaleReadingOut,
        "errors": (401, 404, 409, 500, 503),
    },
]
