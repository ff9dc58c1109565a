"""Who may use a `tui-nn serve`: the holders of its link.

The server makes a random token when it starts (like Jupyter's) and prints the link that
carries it. Every request must carry a token: the pages in `?token=`, the websocket and the
static files in their path (`/ws/TOKEN/...`, `/static/TOKEN/...`; the browser's script adds
its own `?width=` to the websocket's address). A request without a valid one is refused (403)
before anything else happens: no app process is started for it.

Two roles: `edit` (the app, as in a terminal) and, in a class (`serve --watch`), `watch` (a
read-only viewer of the shared run). Each role has its own token, so the class's link never
grants more than watching.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

Role = Literal["edit", "watch"]
TOKEN_BYTES = 24  # 32 URL-safe characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class Access:
    """The tokens of one server; `role(token)` says what a token allows (None: nothing)."""

    tokens: dict[Role, str] = field(default_factory=dict)

    @classmethod
    def create(cls, roles: tuple[Role, ...] = ("edit",)) -> Access:
        return cls({role: new_token() for role in roles})

    def role(self, token: str | None) -> Role | None:
        if not token:
            return None
        found: Role | None = None
        for role, secret in self.tokens.items():  # compare with every one: no timing hint
            if secrets.compare_digest(token.encode(), secret.encode()):
                found = role
        return found

    def token(self, role: Role) -> str:
        return self.tokens[role]


def is_loopback(host: str) -> bool:
    """True when only this machine can reach `host` ("127.0.0.1", "::1", "localhost")."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def same_origin(origin: str | None, host: str | None) -> bool:
    """A websocket opened by a page of this server: its Origin names the Host it asked.
    (A page of another site may open a websocket to any address; the browser then sends that
    site as the Origin.) No Origin at all is a program, not a browser page: allowed, it still
    needs the token."""
    if not origin:
        return True
    if not host:
        return False
    return urlsplit(origin).netloc.lower() == host.lower()
