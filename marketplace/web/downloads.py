"""Files the console hands over: exports, statements, payout files."""

from __future__ import annotations

from flask import make_response


def attachment(data: bytes, mimetype: str, filename: str):
    """A file to download under its name (exports, statements, payout files)."""
    response = make_response(data)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
