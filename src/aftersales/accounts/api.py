from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from aftersales.accounts import services
from aftersales.accounts.access import customer_id_of, user_roles
from aftersales.accounts.endpoint_access import PUBLIC, SIGNED_IN, access
from aftersales.accounts.models import ApiToken
from aftersales.core.openapi import documented
from aftersales.core.schema_types import PASSWORD_MAX

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=PASSWORD_MAX)


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]
    customer_id: int | None
    language: str
    time_zone: str


# 403: wrong username or password; 429: too many failures for this (username, address).
@router.post("/auth/token", response={200: TokenOut}, auth=None, openapi_extra=documented(403, 429))
@access(PUBLIC)
def token_create(request: HttpRequest, payload: TokenIn):
    user = services.credentials_check(
        request=request, username=payload.username, password=payload.password
    )
    return {"token": services.token_issue(user=user, name="api")}


@router.delete("/auth/token", response={204: None})
@access(SIGNED_IN)
def token_delete(request: HttpRequest):
    """Revoke the token this request was made with."""
    raw = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    token = ApiToken.objects.filter(key_hash=services.hash_token(raw)).first()
    if token is not None:
        services.token_revoke(token=token)
    return Status(204, None)


@router.get("/auth/me", response=MeOut)
@access(SIGNED_IN)
def me(request: HttpRequest):
    user = request.auth
    return {
        "username": user.username,
        "display_name": str(user),
        "roles": sorted(user_roles(user)),
        "customer_id": customer_id_of(user),
        "language": user.language,
        "time_zone": user.time_zone,
    }
