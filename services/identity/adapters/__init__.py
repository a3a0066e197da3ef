"""Identity's tables, the key ring, password hashing, TOTP and the OpenID Connect client."""
