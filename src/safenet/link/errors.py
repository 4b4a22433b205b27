"""What can go wrong on the link, so senders and receivers can react to each case.

::

    LinkError                 any link failure
    ├── InvalidMessage        a payload that is not a valid link message (never retried)
    ├── LinkUnavailable       the message was not durably accepted: retry later
    ├── LinkForbidden         the site may not publish there or read that (fencing)
    └── LinkConfigError       the link's own configuration is wrong (sites, topology)
"""

from __future__ import annotations


class LinkError(Exception):
    """A failure on the police-center link."""


class InvalidMessage(LinkError, ValueError):
    """A payload that does not decode or validate as a link message; the text says why."""


class LinkUnavailable(LinkError):
    """The transport could not durably accept or deliver right now; the caller retries."""


class LinkForbidden(LinkError):
    """The site is fenced off from that subject or consumer (a permission, not an outage)."""


class LinkConfigError(LinkError, ValueError):
    """The link is configured wrongly (unknown site, missing stream or consumer)."""
