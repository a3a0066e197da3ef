"""Error answers: every one names the field, the value and what is accepted.

An answer stays small whatever was sent: it lists at most :data:`MAX_PROBLEMS` problems and says how many
more there are, echoes at most :data:`MAX_ECHO` characters of a value, and escapes what UTF-8 cannot carry
(a lone surrogate from a ``\\ud800`` escape), so the answer to bad input can always be sent.
"""

from __future__ import annotations

import math
from datetime import date
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from shared.errors import DomainError
from shared.store import ConcurrencyError, DatabaseUnavailableError, IdempotencyConflictError
from shared.store.shredding import PurgeIncompleteError

_DATE = "a date as YYYY-MM-DD, e.g. 2026-10-05"
_DATETIME = "a date and time in ISO 8601 with a time zone, e.g. 2026-10-05T19:30:00+07:00"

MAX_PROBLEMS = 20
"""Problems listed in one answer; the answer says how many more there were."""
MAX_ECHO = 200
"""Characters of a given value echoed back in an answer."""
_MAX_TEXT = 2000  # any other text of an error answer (a message that quotes a value)


def accepted_for(error: dict[str, Any]) -> str:
    """What would have been accepted, in words, for one pydantic error."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if "accepted" in ctx:  # our own types say it themselves (shared.contracts.text, .values)
        return str(ctx["accepted"])
    if kind == "missing":
        return "a value: the field is required"
    if kind in ("literal_error", "enum"):
        return f"one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        return f"text matching the pattern {ctx.get('pattern')}"
    if kind.startswith("date"):
        return _DATETIME if kind.startswith("datetime") else _DATE
    if kind.startswith("timezone"):
        return _DATETIME
    if kind.startswith("int"):
        return "a whole number"
    if kind.startswith(("float", "decimal")):
        return "a number"
    if kind.startswith("bool"):
        return "true or false"
    if kind.startswith("uuid"):
        return "a UUID"
    bounds = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<", "less_than_equal": "≤"}
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        what = "a date" if isinstance(limit, date) or _is_iso_date(limit) else "a number"
        return f"{what} {bounds[kind]} {limit}"
    if kind == "string_too_short":
        return f"at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"at least {ctx.get('min_length')} items"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} items"
    if kind == "extra_forbidden":
        return "only the documented fields (see /openapi.json)"
    if kind == "json_invalid":
        return "a valid JSON document"
    if kind.startswith("string"):
        return "text"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "a JSON object"
    if kind == "list_type":
        return "a JSON array"
    return str(error.get("msg", ""))


def _is_iso_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def echoed(value: Any) -> Any:
    """A value the caller gave, as an answer may show it: short, and encodable as UTF-8 JSON."""
    if isinstance(value, str):
        return _text(value, MAX_ECHO)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity
    if isinstance(value, bool | int | float | type(None)):
        return value
    if isinstance(value, dict):
        return f"a JSON object with {len(value)} keys"
    if isinstance(value, list | tuple):
        return f"a JSON array of {len(value)} items"
    return _text(str(value), MAX_ECHO)


def _text(value: str, most: int) -> str:
    cut = value if len(value) <= most else f"{value[:most]}… ({len(value)} characters)"
    # A lone surrogate would make the whole answer unencodable: it is shown as its escape.
    return cut.encode("utf-8", "backslashreplace").decode("utf-8")


def _bounded(value: Any) -> Any:
    """Every text of an answer made encodable and bounded, however the error came to quote it."""
    if isinstance(value, str):
        return _text(value, _MAX_TEXT)
    if isinstance(value, dict):
        return {_bounded(k): _bounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_bounded(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header"):
            where, field = loc[0], ".".join(loc[1:]) or loc[0]
        else:
            where, field = "body", ".".join(loc)
        details.append(
            {
                "field": _text(field, MAX_ECHO),
                "in": where,
                "value": echoed(error.get("input")),
                "message": error.get("msg", ""),
                "accepted": accepted_for(error),
            }
        )
    return details


def problem(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    *,
    total: int = 0,
) -> JSONResponse:
    """An error answer; past :data:`MAX_PROBLEMS` details (or ``total`` problems) it lists the first
    and says in ``more`` how many were left out."""
    body: dict[str, Any] = {"error": code, "message": message}
    if details is not None:
        body["detail"] = details[:MAX_PROBLEMS]
        left_out = max(total, len(details)) - MAX_PROBLEMS
        if left_out > 0:
            body["more"] = left_out
    return JSONResponse(_bounded(body), status_code=status, headers=headers)


def unreadable_body(cause: BaseException) -> JSONResponse:
    """FastAPI's parser gave up on a JSON body (nested deeper than Python recurses, or an integer longer
    than it converts): FastAPI answers a bare 400 for it, where a malformed body is an invalid request."""
    if isinstance(cause, RecursionError):
        reason = "arrays or objects nested too deeply"
    else:
        reason = str(cause).split(":", 1)[0] or cause.__class__.__name__
    detail = {
        "field": "body",
        "in": "body",
        "value": reason,
        "accepted": "a JSON document nested a few levels deep, its integers of at most 4300 digits",
    }
    return problem(422, "invalid_request", f"the request is not valid: body ({reason})", [detail])


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        details = validation_details(list(errors[:MAX_PROBLEMS]))
        fields = ", ".join(d["field"] for d in details)
        more = f" and {len(errors) - MAX_PROBLEMS} more" if len(errors) > MAX_PROBLEMS else ""
        message = f"the request is not valid: {fields}{more}"
        return problem(422, "invalid_request", message, details, total=len(errors))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.__cause__ is not None:
            return unreadable_body(exc.__cause__)
        code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_").replace("-", "_")
        detail = {
            "field": "path",
            "in": "path",
            "value": f"{request.method} {request.url.path}",
            "accepted": "a route and method of this service's OpenAPI (/openapi.json)",
        }
        headers = dict(exc.headers) if exc.headers else None
        return problem(exc.status_code, code, str(exc.detail), [detail], headers=headers)

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return problem(exc.status_code, exc.rule, exc.message, [exc.to_dict()])

    @app.exception_handler(ConcurrencyError)
    async def _conflict(_: Request, exc: ConcurrencyError) -> JSONResponse:
        return problem(409, "concurrent_change", str(exc))

    @app.exception_handler(IdempotencyConflictError)
    async def _idempotency(_: Request, exc: IdempotencyConflictError) -> JSONResponse:
        detail = {
            "field": "Idempotency-Key",
            "in": "header",
            "value": exc.key,
            "accepted": "a key not used before",
        }
        return problem(422, "idempotency_key_reused", str(exc), [detail])

    @app.exception_handler(DatabaseUnavailableError)
    async def _unavailable(_: Request, exc: DatabaseUnavailableError) -> JSONResponse:
        return problem(
            503,
            "unavailable",
            "the service's database is unavailable; nothing was written, retry later",
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(PurgeIncompleteError)
    async def _purge_incomplete(_: Request, exc: PurgeIncompleteError) -> JSONResponse:
        return problem(503, "purge_incomplete", str(exc), headers={"Retry-After": "5"})
