"""Reading the site's serial scale from a page (till, jardin): one JSON endpoint."""

from __future__ import annotations

import threading

from flask import Blueprint, jsonify
from flask_login import login_required

from app.extensions import db
from app.settings.services import get_setting
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


@blueprint.get("/api/balance")
@login_required
def read_scale():
    port_name = get_setting(db.session, "hardware.scale_port")
    if not port_name:
        return jsonify({"error": "Pas de balance branchée : tapez le poids."}), 404
    try:
        grams = _reading(port_name)
    except ScaleError as error:
        return jsonify({"error": str(error)}), 409
    except Exception:  # noqa: BLE001 — a missing device is reported, never a 500
        return jsonify({"error": "Balance injoignable : tapez le poids à la main."}), 503
    return jsonify({"grams": grams})
