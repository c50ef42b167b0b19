"""Users of the software: staff with passwords, till operators with badge and PIN."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.orm import Base, UTCDateTime, string_enum
from app.users.roles import Permission, Role, role_allows


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Staff log in with a username and password; participants at the till only have a badge.
    username: Mapped[str | None] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(string_enum(Role, "user_role"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    badge_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Part of the session's user id: logging out or changing a password, PIN, role or state
    # raises it, and every session opened before (a cookie copied, another device) ends.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.is_enabled

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version or 0}"

    def end_sessions(self) -> None:
        """Every session of this account, here or elsewhere, ends at its next request."""
        self.session_version = (self.session_version or 0) + 1

    def can(self, permission: Permission) -> bool:
        return role_allows(self.role, permission)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value} {self.display_name!r}>"


class Approval(Base):
    """A staff member's badge and PIN, checked once, for one action on one till.

    The till asks for it when the encadrant·e is there (price changed, allowance exceeded,
    refund, large cash difference or movement, abandoned sale) and sends only the token with
    the operation, so no PIN is ever kept in a browser. Single use; audited when granted.
    """

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    action: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(64))  # "till:C1"
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_for: Mapped[str | None] = mapped_column(String(120))
    # What exactly was approved (canonical JSON: a product and its new price, a total, a
    # ticket, an amount…): the operation must be that one, so nothing changes unseen.
    subject: Mapped[str | None] = mapped_column(String(300))
