"""The one place that says how Gongjian's case statuses read in Open311, which knows only
``open`` and ``closed`` ("closed: it has been resolved").

A case the unit reports as resolved stays *open* until the community or grid worker has verified
the fix: verification can still send it back. A rejected or merged case is *closed* (there is
nothing more to do on it); its ``status_notes`` say why.
"""

OPEN = "open"
CLOSED = "closed"
OPEN311_STATUSES = (OPEN, CLOSED)

# Every status of gongjian.cases.models.Case, and its Open311 reading.
STATUS_MAP: dict[str, str] = {
    "reported": OPEN,
    "accepted": OPEN,
    "dispatched": OPEN,
    "in_progress": OPEN,
    "resolved": OPEN,
    "verified": CLOSED,
    "closed": CLOSED,
    "rejected": CLOSED,
    "merged": CLOSED,
}


def open311_status(case_status: str) -> str:
    """``open`` or ``closed`` for a case status; an unknown (newer) status reads as open, so a
    case is never shown closed by mistake."""
    return STATUS_MAP.get(case_status, OPEN)


def closed_statuses() -> list[str]:
    """The case statuses that read as ``closed`` (every other status, known or not, is open)."""
    return [status for status, reading in STATUS_MAP.items() if reading == CLOSED]
