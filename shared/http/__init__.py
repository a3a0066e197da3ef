"""HTTP conventions every service's API shares: errors, correlation ids, auth, health."""

from shared.http.app import create_service_app
from shared.http.auth import authorize, current_principal

__all__ = ["authorize", "create_service_app", "current_principal"]
