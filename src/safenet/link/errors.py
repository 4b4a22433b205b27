"""What can go wrong on the link, so senders and receivers can react to each case.

::

    LinkError                 any link failure
    ├── InvalidMessage        a payload that is not a valid link message (never retried)
    ├── LinkUnavailable       the message was not durably accepted: retry later
    ├── DuplicateFirstPublish the link already held this id at its first publish (alarm)
    ├── MessageRefused        a receiver refuses a message for good (dead-lettered at once)
    ├── LinkForbidden         the site may not publish there or read that (fencing)
    └── LinkConfigError       the link's own configuration is wrong (sites, topology)
"""

from __future__ import annotations


class LinkError(Exception):
    """A failure on the police-center link."""


class InvalidMessage(LinkError, ValueError):
    """A payload that does not decode or validate as a link message; the text says why."""


class LinkUnavailable(LinkError):
    """The transport could not durably accept or deliver right now; the caller retries.

    ``maybe_stored`` is True when the message may have been stored all the same (the
    acknowledgement was lost: a timeout, a dropped connection), so a retry may be told
    "duplicate" without anything being wrong.
    """

    def __init__(self, message: str, *, maybe_stored: bool = False) -> None:
        super().__init__(message)
        self.maybe_stored = maybe_stored


class DuplicateFirstPublish(LinkError):
    """The link already held this message id when the sender published it for the first time.

    Nobody but the sender should have used the id, so this is an alarm, not a success:
    the message was *not* stored. The relay raises the alarm and republishes the message
    under a fresh de-duplication id.
    """


class MessageRefused(LinkError):
    """A receiver's handler refuses this message for good: dead-letter it now, no retry.

    Raised by a check such as the camera-registry guard, which raises its own alarm.
    """


class LinkForbidden(LinkError):
    """The site is fenced off from that subject or consumer (a permission, not an outage)."""


class LinkConfigError(LinkError, ValueError):
    """The link is configured wrongly (unknown site, missing stream or consumer)."""
