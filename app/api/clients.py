"""API client management, kept in the capability module app.clients."""

from app.clients import (
    KEY_PREFIX,
    ClientError,
    IssuedKey,
    check_webhook_url,
    create_client,
    list_clients,
    new_key,
    revoke_client,
    rotate_key,
)

__all__ = [
    "KEY_PREFIX",
    "ClientError",
    "IssuedKey",
    "check_webhook_url",
    "create_client",
    "list_clients",
    "new_key",
    "revoke_client",
    "rotate_key",
]
