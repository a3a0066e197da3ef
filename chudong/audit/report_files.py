"""The audit report's files: JSON (for machines, the whole document), and PDF and xlsx for people,
in Vietnamese by default, with units by name and id (the dashboard's document writers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from services.dashboard.adapters.export import Document, Sheet, to_pdf, to_xlsx
from shared.i18n import Message, format_date, format_time, tr

STATUS = {"pass": "Pass", "at_risk": "At risk", "fail": "Fail", "not_assessed": "Not assessed"}


def _status(lang: str, value: str) -> str:
    return tr(lang, STATUS[value]) if value in STATUS else value


def _run_sheet(doc: dict[str, Any], lang: str) -> Sheet:
    run = doc["run"]
    source = run["data_source"]
    unit = run["unit"]
    rows = [
        (tr(lang, "Generated at"), format_time(run["generated_at"], lang)),
        (tr(lang, "Operator"), run["operator"]),
        (tr(lang, "Unit"), f"{unit['name']} ({unit['unit_id']})"),
        (tr(lang, "As of"), format_date(run["as_of"], lang)),
        (tr(lang, "As known at"), format_time(run["known_at"], lang) if run["known_at"] else "—"),
        (tr(lang, "Rules"), ", ".join(run["rules"])),
        *((tr(lang, "Version of {part}", part=k), v) for k, v in run["versions"].items()),
        (tr(lang, "Data read"), tr(lang, "online") if source["mode"] == "online" else tr(lang, "offline")),
        (tr(lang, "Data directory"), source["data_dir"]),
        (tr(lang, "JetStream read"), source["nats"] or "—"),
        *((tr(lang, "Database of {service}", service=s), url) for s, url in source["databases"].items()),
        (tr(lang, "Verification of the history"), doc["verification"]["verdict"]),
    ]
    return Sheet(
        tr(lang, "Audit report"),
        (
            tr(
                lang,
                'Compliance with the "3 chủ động" model, from the recorded history, and its verification',
            ),
        ),
        (tr(lang, "Item"), tr(lang, "Value")),
        [(k, str(v)) for k, v in rows],
        (1.0, 3.0),
    )


def _verdict_sheet(doc: dict[str, Any], lang: str) -> Sheet:
    headers = [tr(lang, "Unit id"), tr(lang, "Unit name"), tr(lang, "Year"), '"3 chủ động"']
    for number in (1, 2, 3):
        headers += [tr(lang, "Criterion {number}", number=number), tr(lang, "Evidence events")]
    rows = []
    for u in doc["unions"]:
        row = [u["unit_id"], u["name"], str(u["year"]), _status(lang, u["status"])]
        for c in u["criteria"]:
            row += [_status(lang, c["status"]), str(c["evidence_events"])]
        rows.append(tuple(row))
    summary = doc["summary"]
    line = tr(
        lang,
        "{unions} grassroots unions: {passed} pass, {at_risk} at risk, {failed} fail, {not_assessed} not assessed",
        unions=summary["unions"],
        passed=summary["pass"],
        at_risk=summary["at_risk"],
        failed=summary["fail"],
        not_assessed=summary["not_assessed"],
    )
    return Sheet(
        tr(lang, "Verdicts by criterion"),
        (line,),
        tuple(headers),
        rows,
        (1.2, 2.5, 0.6, 1.0, *(1.0, 0.8) * 3),
    )


def _indicator_sheet(doc: dict[str, Any], lang: str) -> Sheet:
    headers = (
        tr(lang, "Unit id"),
        tr(lang, "Unit name"),
        tr(lang, "Indicator"),
        tr(lang, "Name"),
        tr(lang, "Core"),
        tr(lang, "Status"),
        tr(lang, "Evidence events"),
        tr(lang, "Recorded late"),
        tr(lang, "Missing items"),
    )
    rows: list[tuple[str, ...]] = [
        (
            u["unit_id"],
            u["name"],
            i["indicator_id"],
            tr(lang, i["name"]),
            tr(lang, "yes") if i["core"] else tr(lang, "no"),
            _status(lang, i["status"]),
            str(i["evidence_events"]),
            str(i["late_events"]),
            str(i["missing"]),
        )
        for u in doc["unions"]
        for c in u["criteria"]
        for i in c["indicators"]
    ]
    return Sheet(tr(lang, "Indicators"), (), headers, rows, (1.2, 2.2, 0.6, 3.5, 0.6, 1.1, 0.8, 0.8, 0.8))


def _history_sheet(doc: dict[str, Any], lang: str) -> Sheet:
    headers = (
        tr(lang, "Service"),
        tr(lang, "Events"),
        tr(lang, "Head position"),
        tr(lang, "Head hash"),
        tr(lang, "Stream"),
        tr(lang, "Messages"),
        tr(lang, "Last sequence"),
    )
    rows: list[tuple[str, ...]] = []
    for service, head in doc["history"].items():
        stream = head.get("stream") or {}
        rows.append(
            (
                service,
                str(head["events"]),
                str(head["head_position"]),
                head["head_hash"],
                str(stream.get("name", "—")),
                str(stream.get("messages", "—")),
                str(stream.get("last_sequence", "—")),
            )
        )
    return Sheet(tr(lang, "History read"), (), headers, rows, (1.0, 0.7, 0.7, 4.0, 1.0, 0.7, 0.7))


def _verification_sheet(doc: dict[str, Any], lang: str) -> Sheet:
    verification = doc["verification"]
    headers = (tr(lang, "Service"), tr(lang, "Check"), tr(lang, "Verdict"), tr(lang, "Finding"))
    rows: list[tuple[str, ...]] = []
    for f in verification["findings"]:
        text = Message.model_validate(f["message"]).render(lang)
        event = f.get("event")
        if event and event.get("event_id"):
            text += "\n" + tr(
                lang,
                "event {event_id}, {type}, unit {unit}, happened on {day}",
                event_id=event["event_id"],
                type=event["type"] or "?",
                unit=event["unit_id"] or "?",
                day=format_date(event["occurred_on"], lang) if event["occurred_on"] else "?",
            )
        if f.get("agreement_message"):
            text += "\n" + Message.model_validate(f["agreement_message"]).render(lang)
        rows.append((f["service"], f["check"], f["verdict"], text))
    return Sheet(
        tr(lang, "Verification of the history"),
        (tr(lang, "Verification of the history: {verdict}", verdict=verification["verdict"]),),
        headers,
        rows,
        (1.0, 1.0, 1.0, 6.0),
    )


def _checkpoint_sheet(doc: dict[str, Any], lang: str) -> Sheet:
    headers = (
        tr(lang, "Service"),
        tr(lang, "Position"),
        tr(lang, "Hash"),
        tr(lang, "Signed at"),
        tr(lang, "Key"),
        tr(lang, "Source"),
    )
    rows: list[tuple[str, ...]] = [
        (
            c["service"],
            str(c["position"]),
            c["hash"],
            format_time(c["signed_at"], lang),
            c["key_fingerprint"],
            c["source"],
        )
        for c in doc["checkpoints_verified"]
    ]
    return Sheet(tr(lang, "Checkpoints verified"), (), headers, rows, (1.0, 0.7, 4.0, 1.2, 1.2, 1.5))


def report_document_for_people(doc: dict[str, Any], lang: str) -> Document:
    unit = doc["run"]["unit"]
    title = tr(
        lang,
        "Audit report: {name} ({unit_id}), as of {day}",
        name=unit["name"],
        unit_id=unit["unit_id"],
        day=format_date(doc["run"]["as_of"], lang),
    )
    sheets = [
        _run_sheet(doc, lang),
        _verdict_sheet(doc, lang),
        _indicator_sheet(doc, lang),
        _verification_sheet(doc, lang),
        _history_sheet(doc, lang),
        _checkpoint_sheet(doc, lang),
    ]
    return Document(title, sheets)


def write_report(doc: dict[str, Any], out: Path, lang: str, font: Path, bold: Path) -> list[Path]:
    """``<out>/audit-<unit>-<day>.json``, ``.xlsx`` and ``.pdf``."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"audit-{doc['run']['unit']['unit_id']}-{doc['run']['as_of']}"
    people = report_document_for_people(doc, lang)
    written = [stem.with_suffix(".json"), stem.with_suffix(".xlsx"), stem.with_suffix(".pdf")]
    written[0].write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written[1].write_bytes(to_xlsx(people))
    written[2].write_bytes(to_pdf(people, font, bold))
    return written
