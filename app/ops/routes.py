"""GET /health for load balancers; the blueprint also carries `flask backup` and `flask restore`."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter
from app.ops.cli import backup_command, restore_command

# cli_group=None: its commands are top-level (`flask backup`, `flask restore`).
bp = Blueprint("ops", __name__, cli_group=None)
bp.cli.add_command(backup_command)
bp.cli.add_command(restore_command)


@bp.get("/health")
@limiter.exempt
def health():
    """200 {"status": "ok", "database": "ok"}, or 503 when the database does not answer."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        # A dead connection leaves the session unusable until rolled back.
        db.session.rollback()
        database = "unavailable"
    healthy = database == "ok"
    response = jsonify(status="ok" if healthy else "error", database=database)
    response.status_code = 200 if healthy else 503
    # A cached "ok" would hide an outage from the load balancer.
    response.headers["Cache-Control"] = "no-store"
    return response
