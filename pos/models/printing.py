"""The durable print queue: jobs are written with what they print, sent after commit."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.orm import Base, UTCDateTime, string_enum
from app.sites.models import derived_site_column


class JobKind(enum.StrEnum):
    RECEIPT = "receipt"
    DUPLICATE = "duplicate"
    DRAWER = "drawer"
    TEST = "test"
    REPORT = "report"  # an X or Z report


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"  # given up after MAX_ATTEMPTS: the till offers a reprint


class PrintJob(Base):
    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = derived_site_column()
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"), index=True)
    kind: Mapped[JobKind] = mapped_column(string_enum(JobKind, "job_kind"))
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[JobStatus] = mapped_column(string_enum(JobStatus, "job_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(300))
    last_state: Mapped[str | None] = mapped_column(String(20))  # offline / failing
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
