"""Evaluation's command table: every command, its handler, the permission it needs, what it acts on."""

from __future__ import annotations

from services.evaluation.app.recognition import RecognitionHandlers
from services.evaluation.domain import commands as cmds
from shared.auth import Permission
from shared.commands import CommandTable, Target, on_unit, row


def of_union(cmd: cmds.RecognitionCommand) -> Target:
    """The union whose recognition it is: within the token's scope, or unknown."""
    return on_unit(cmd.unit_id)


def command_table(recognition: RecognitionHandlers) -> CommandTable:
    return CommandTable(
        {
            cmds.SubmitSelfAssessment: row(recognition.self_assess, Permission.SELF_ASSESS, of_union),
            cmds.AppraiseCriterion: row(recognition.appraise, Permission.APPRAISE, of_union),
            cmds.DecideRecognition: row(recognition.decide, Permission.APPRAISE, of_union),
        }
    )
