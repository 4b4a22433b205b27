"""What the police service refuses, and why, each with its HTTP status.

Built on :mod:`safenet.service.errors`, so the base app's handler turns every one into
a JSON body naming the field and the reason::

    ServiceError (500)
    ├── ValidationFailed (422)
    │   └── GateRefused (422)        the lawful-basis gate refused a registration or a
    │                                renewal: ``details.problems`` lists every field at
    │                                fault; nothing was stored
    ├── Forbidden (403)
    │   └── TwoPersonRule (403)      the approver is the registrar
    ├── NotFound (404)
    │   ├── EntryNotFound (404)      no wanted entry with that id
    │   └── AlertNotFound (404)      no alert with that id (or not in the caller's scope)
    └── Conflict (409)
        └── WrongState (409)         the entry's status does not allow the action
                                     (approving an active entry, renewing a cancelled one)
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from safenet.service.errors import Conflict, Forbidden, NotFound, ValidationFailed


@dataclass(frozen=True)
class Problem:
    """One field the gate refused, and why."""

    field: str
    reason: str
    code: str = "request.invalid"
    """The stable message code (:mod:`safenet.service.codes`); the console's ``err.<code>``."""
    params: dict[str, Any] = dataclass_field(default_factory=dict)
    """The values the catalogue sentence names (``field`` is always among them)."""

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class GateRefused(ValidationFailed):
    """The lawful-basis gate refused a wanted entry; nothing was stored."""

    code = "refused"

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("GateRefused needs at least one problem")
        self.problems = tuple(problems)
        message = "; ".join(str(p) for p in problems)
        super().__init__(
            message,
            field=problems[0].field,
            key="registry.refused",
            params={"count": len(problems)},
            problems=[_problem(p) for p in problems],
        )


class TwoPersonRule(Forbidden):
    """The officer approving an entry is the one who registered it."""

    code = "two_person_rule"

    def __init__(self) -> None:
        super().__init__(
            "approver: must differ from the registrar",
            field="approver",
            key="registry.approver_same",
        )


class EntryNotFound(NotFound):
    """No wanted entry has this id."""

    def __init__(self, entry_id: str) -> None:
        super().__init__(
            f"entry_id: no wanted entry {entry_id!r}",
            field="entry_id",
            key="registry.not_found",
            params={"entry_id": entry_id},
        )


class AlertNotFound(NotFound):
    """No alert has this id, or the caller's site scope does not reach it."""

    def __init__(self, alert_id: int) -> None:
        super().__init__(
            f"alert_id: no alert {alert_id} in your scope",
            field="alert_id",
            key="alert.not_found",
            params={"alert_id": alert_id},
        )


class WrongState(Conflict):
    """The entry's status does not allow the action asked for."""

    def __init__(self, entry_id: str, status: str, action: str) -> None:
        super().__init__(
            f"status: entry {entry_id} is {status}; it cannot be {action}",
            field="status",
            key="registry.wrong_state",
            # The console words the status ("past its expiry" is an expired entry).
            params={
                "entry_id": entry_id,
                "status": "expired" if status == "past its expiry" else status,
                "action": action,
            },
            entry_id=entry_id,
            current_status=status,
        )


def _problem(p: Problem) -> dict[str, Any]:
    return {
        "field": p.field,
        "reason": p.reason,
        "code": p.code,
        "params": {"field": p.field, **p.params},
    }
