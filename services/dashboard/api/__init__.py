"""The dashboard's routes: sign-in, pages, the officer's actions, exports and the live feed; thin over app/.

Every route is behind the CSRF check (``api/csrf.py``)."""

from fastapi import APIRouter, Depends

from services.dashboard.api import account, actions, exports, live, oidc, pages, signin
from services.dashboard.api.csrf import csrf_protect

protected = APIRouter(dependencies=[Depends(csrf_protect)])
for part in (signin, oidc, account, pages, actions, exports, live):
    protected.include_router(part.router)

routers = [protected]

__all__ = ["routers"]
