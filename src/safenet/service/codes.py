"""The stable codes of every error message a console can show, in one table.

An error body carries ``code`` (one of these), ``params`` (the values its sentence
names) and ``field``; the consoles word it from their catalogue (``err.<code>`` in
``web/static/lib/i18n.js``) in the reader's language, and the English ``message`` /
``detail`` stays for API users and the logs. A code never changes meaning: a new
sentence gets a new code. ``tests/service/test_error_codes.py`` fails when a code
used in ``src/`` is missing here, or when a code here has no Korean and English
sentence in the catalogue or no line in docs/api.md.

Each value is the English gist of the code and the parameters it carries, for the
documentation (docs/api.md lists the table).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_CODES: dict[str, str] = {
    # The kinds every service error falls back to when it has no more precise code.
    "request.internal": "something went wrong on the server",
    "request.invalid": "the request is not valid (see field)",
    "request.unauthorized": "not signed in, or the credential is no longer valid",
    "request.forbidden": "the caller's role or site scope does not allow this",
    "request.not_found": "no such item (in the caller's scope)",
    "request.conflict": "the action does not fit the item's current state",
    "request.too_large": "the body is over the size limit",
    "request.rate_limited": "too many requests; params: retry_after_s",
    "request.unavailable": "a dependency is down; retry later",
    "request.method_not_allowed": "the path does not take this method",
    # Request bodies the schema refuses (FastAPI/pydantic), per field.
    "field.required": "field is required; params: field",
    "field.invalid": "field has the wrong type or value; params: field",
    "field.too_long": "field is too long; params: field, max",
    # Plate grammar (safenet.plates.PlateError).
    "plate.invalid": "not a plate",
    "plate.not_text": "the plate is not text",
    "plate.empty": "the plate is empty",
    "plate.too_long": "the plate is too long; params: length, max",
    "plate.character": "a character that no plate carries; params: char",
    "plate.class_missing": "the class number is missing; params: region (may be empty)",
    "plate.class_missing_before_usage": "no class number before the usage syllable; params: usage",
    "plate.class_digits": "the class number is not digits; params: class_number",
    "plate.class_regional_width": "class after a region must be 1-2 digits; params: width",
    "plate.class_one_digit": "a 1-digit class is issued only after a region name",
    "plate.class_width": "the class number must be 2 or 3 digits; params: width",
    "plate.class_not_issued": "no such class number is issued; params: class_number",
    "plate.usage_missing": "the usage syllable is missing; params: class_number",
    "plate.usage_length": "the usage must be one syllable; params: usage",
    "plate.usage_unknown": "no plate carries this usage syllable; params: usage",
    "plate.serial_missing": "the serial is missing; params: expected",
    "plate.serial_length": "the serial has the wrong length; params: expected, got, serial",
    "plate.trailing": "something follows the serial; params: rest, serial",
    "plate.region_unknown": "unknown region name; params: region",
    "plate.start": "not a class, region or diplomatic prefix at the start; params: prefix",
    "plate.diplomatic_digits": "a diplomatic plate needs 6 digits; params: prefix, expected, got",
    "plate.diplomatic_trailing": "something follows a diplomatic plate; params: prefix, rest",
    # Witness patterns (safenet.matching.patterns.PatternError).
    "pattern.empty": "the pattern is empty",
    "pattern.character": "a character no pattern may hold; params: char",
    "pattern.star_count": "only one '*', at the start or the end",
    "pattern.star_place": "'*' only at the start or the end",
    "pattern.only_star": "the pattern is nothing but '*'",
    "pattern.shape": "the pattern fits no Korean plate shape; params: pattern",
    "pattern.too_vague": "the pattern fits too many plates; params: pattern, one_in, floor",
    "pattern.not_allowed": "this category does not allow witness patterns; params: category",
    "pattern.plate": "the pattern is too vague; params: one_in, vehicles, floor",
    "pattern.category": "this category may not use so vague a pattern; params: one_in, vehicles",
    "pattern.vehicle.colour": "so vague a pattern needs the colour; params: one_in, vehicles",
    "pattern.vehicle.type": "so vague a pattern needs the type or model",
    # The police registry's lawful-basis gate and the two-person rule.
    "registry.refused": "the gate refused the entry; details.problems has one code each; "
    "params: count",
    "registry.required": "a field the entry needs is empty; params: field",
    "registry.category_unknown": "not a lawful category; params: category",
    "registry.case_number": "not a case number (3-64 letters, digits, Hangul, . _ / -); "
    "params: case_number",
    "registry.too_long": "a text over its limit; params: field, max",
    "registry.vehicle_missing": "the vehicle is not described (make, model or colour)",
    "registry.colour_unknown": "not a colour of the vocabulary; params: colour",
    "registry.type_unknown": "not a body type of the vocabulary; params: type",
    "registry.plate_too_long": "the plate is too long once normalized; params: max",
    "registry.expiry_both": "expires_at and expires_in_hours given together",
    "registry.expiry_needed": "a renewal needs the new expiry",
    "registry.hours_positive": "the duration must be a positive number of hours",
    "registry.expiry_too_far": "the expiry is past the longest allowed; params: field, maximum_h",
    "registry.expiry_zone": "the expiry lacks a time zone offset",
    "registry.expiry_past": "the expiry is not in the future",
    "registry.approver_same": "the approver is the registrar (two-person rule)",
    "registry.role_needed": "the action needs another role; params: roles",
    "registry.not_found": "no wanted entry with that id; params: entry_id",
    "registry.wrong_state": "the entry's status does not allow the action; "
    "params: entry_id, status, action",
    "alert.not_found": "no such alert in the caller's scope; params: alert_id",
    # Sign-in, sessions and the permission check.
    "auth.signin_failed": "the user id or password is not right",
    "auth.code_wrong": "the authenticator code is wrong or was used",
    "auth.password_first": "enter the user id and password first",
    "auth.step_expired": "the sign-in took too long; enter the password again",
    "auth.locked": "the account is locked after failed sign-ins",
    "auth.not_signed_in": "not signed in",
    "auth.session_ended": "the session ended (signed out, timed out or ended)",
    "auth.disabled": "the account is disabled",
    "auth.no_grant": "the identity provider grants no safenet role or site",
    "auth.credential": "the token or key is not valid here (expired, revoked, malformed)",
    "auth.csrf": "the CSRF token is missing or wrong: reload the page",
    "auth.role_needed": "the action needs a role the caller lacks; params: roles",
    "auth.site_scope": "the site is outside the caller's scope; params: site",
    "auth.kind": "the action is for other kinds of credential; params: kinds",
    "auth.site_required": "the site is required; params: field",
    # Evidence requests, at the police and at the center.
    "evidence.refused": "the request may not be made",
    "evidence.no_lawful_basis": "the entry gives no live lawful basis for the request",
    "evidence.wrong_center": "the hits named are not this center's; params: site",
    "evidence.unknown_hit": "a hit named is not a hit of the entry; params: site",
    "evidence.bad_request": "the evidence request is not valid (see field)",
    "evidence.not_found": "no such evidence request, package or file",
    "evidence.decided": "the request was answered before; params: state",
    "evidence.bad_decision": "the decision does not fit the request",
    "evidence.item_unknown": "an item the request does not hold; params: item, count",
    "evidence.none_approved": "no item approved: deny the request with a reason instead",
    "evidence.reason_needed": "say why the other items are withheld",
    # Candidate decisions at the center.
    "candidate.not_found": "no such hit at this center; params: hit_id",
    "candidate.no_snapshot": "the hit has no stored snapshot; params: hit_id",
    "candidate.decided": "an operator already decided the candidate; params: hit_id, state, by",
    "candidate.not_held": "the hit is not waiting for a decision; params: hit_id, state",
    "candidate.camera_missing": "the hit's camera is no longer registered; params: camera_id",
    "center.batch_too_large": "too many reads in one batch; params: limit, count",
}

CODES: Mapping[str, str] = MappingProxyType(_CODES)
"""Every code an error body may carry, with its English gist for the documentation."""


def is_code(code: str) -> bool:
    """Whether ``code`` is one of the stable error codes."""
    return code in _CODES
