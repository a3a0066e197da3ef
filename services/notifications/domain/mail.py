"""The mail server (máy chủ thư điện tử): what an operator may set, and whether e-mail can leave at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import parseaddr

from services.notifications.domain.commands import ChangeMailSettings
from shared.contracts.notifications import MailSettingsChanged
from shared.errors import DomainError
from shared.i18n import N_

NOT_CONFIGURED = N_("no mail server is configured: e-mails wait until an administrator sets one")


@dataclass(frozen=True, slots=True)
class MailServer:
    """How e-mails leave: ``host`` None means they cannot, and wait (held) until one is set."""

    host: str | None
    port: int = 25
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    tls: bool = False
    sender: str = ""
    source: str = "environment"  # or "operator": set with PUT /mail-settings

    @property
    def configured(self) -> bool:
        return bool(self.host)


def mail_settings_changed(cmd: ChangeMailSettings, current: MailServer) -> MailSettingsChanged:
    """The change ``cmd`` asks for, or the reason it cannot be: implicit TLS and STARTTLS exclude each
    other, and the sender must hold an address."""
    if cmd.tls and cmd.starttls:
        raise DomainError(
            "implicit TLS and STARTTLS exclude each other",
            rule="tls_and_starttls",
            field="starttls",
            value=True,
            accepted="'tls': true (usually port 465) or 'starttls': true (usually 587), not both",
        )
    if "@" not in parseaddr(cmd.sender)[1]:
        raise DomainError(
            f"the sender {cmd.sender!r} holds no e-mail address",
            rule="sender_address_missing",
            field="sender",
            value=cmd.sender,
            accepted="an address, optionally with a name: 'Huyện đoàn Phước Long <no-reply@huyendoan.vn>'",
        )
    return MailSettingsChanged(
        host=cmd.host,
        port=cmd.port,
        username=cmd.username,
        starttls=cmd.starttls,
        tls=cmd.tls,
        sender=cmd.sender,
        password_changed=not cmd.keep_password and cmd.password != current.password,
    )
