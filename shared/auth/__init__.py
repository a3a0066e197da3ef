"""Who may do what, where: bearer tokens (JWT) with a role and a unit, scoped to that unit and below."""

from shared.auth.roles import Permission, Role, permissions_of
from shared.auth.tokens import Principal, TokenError, decode_token, mint_token

__all__ = ["Permission", "Principal", "Role", "TokenError", "decode_token", "mint_token", "permissions_of"]
