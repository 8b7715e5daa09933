"""The survey link's token: a signed, salted carrier of the invitation's nonce.

The signature proves we issued the link; the nonce names the invitation, so a renewed link
(a new nonce) stops the old one working. Expiry and the single answer live on the row
(`expires_at`, `answered_at`), not in the token, so a link can be renewed and refused alike.
"""

from __future__ import annotations

import secrets

from django.core import signing

SALT = "aftersales.feedback.survey-link"
# A real token is about 70 characters; anything much longer is not worth unsigning.
TOKEN_MAX = 200


def new_nonce() -> str:
    """A fresh random nonce (32 hex characters, the column's width)."""
    return secrets.token_hex(16)


def make_token(nonce: str) -> str:
    """The URL-safe signed token for an invitation's nonce; the same nonce gives the same link."""
    # No timestamp in the signature: the row keeps the expiry, and a link shown twice must match.
    return signing.Signer(salt=SALT).sign_object({"n": nonce})


def nonce_of(token: str) -> str | None:
    """The nonce a token carries, or None when it is not one of ours (tampered, truncated)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        # An old token's signature covers "payload:timestamp", which is no JSON on its own.
        try:  # a link mailed before tokens lost their timestamp
            payload = signing.loads(token, salt=SALT)
        except signing.BadSignature:
            return None
    nonce = payload.get("n") if isinstance(payload, dict) else None
    return nonce if isinstance(nonce, str) and nonce else None
