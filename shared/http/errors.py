"""Error answers: every one names the field, the value and what is accepted."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from shared.errors import DomainError
from shared.store import ConcurrencyError, DatabaseUnavailableError, IdempotencyConflictError
from shared.store.shredding import PurgeIncompleteError

_DATE = "a date as YYYY-MM-DD, e.g. 2026-10-05"
_DATETIME = "a date and time in ISO 8601 with a time zone, e.g. 2026-10-05T19:30:00+07:00"


def accepted_for(error: dict[str, Any]) -> str:
    """What would have been accepted, in words, for one pydantic error."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
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
        return f"a number {bounds[kind]} {limit}"
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


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header"):
            where, field = loc[0], ".".join(loc[1:]) or loc[0]
        else:
            where, field = "body", ".".join(loc)
        value = error.get("input")
        details.append(
            {
                "field": field,
                "in": where,
                "value": value
                if isinstance(value, str | int | float | bool | type(None))
                else repr(value)[:200],
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
) -> JSONResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if details is not None:
        body["detail"] = details
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = validation_details(list(exc.errors()))
        fields = ", ".join(d["field"] for d in details)
        return problem(422, "invalid_request", f"the request is not valid: {fields}", details)

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
