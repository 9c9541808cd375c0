"""Keyed hashes: know a reader or client again without keeping what identifies it."""

import hashlib
import hmac

from flask import current_app, request


def keyed_hash(*parts: str, length: int = 32) -> str:
    """An HMAC-SHA256 of the parts under the app's secret key, as `length` hex digits.

    Without the key the hash cannot be reversed by trying every IPv4 address,
    as a plain hash of an address could.
    """
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    material = "\n".join(parts).encode()
    return hmac.new(secret, material, hashlib.sha256).hexdigest()[:length]


def client_ip_hash() -> str:
    """The keyed hash of the client's address (the raw address is never stored)."""
    return keyed_hash("client-ip", request.remote_addr or "")
