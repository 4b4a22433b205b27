"""Evidence for field officers: requests, signed packages, and the provision register.

Pure: no I/O, no service imports (the services store and send what these functions
build; ``tables`` holds their SQLAlchemy definitions). docs/evidence.md describes the
flow, the package format, the link's part sizes and the register.

- :func:`check_request` refuses a request without a live lawful basis, addressed to
  another center, or naming hits not of its entry; :func:`plan_items` says what to
  look up; :func:`auto_approvable` what the policy may approve alone.
- :func:`build_package` turns a decision and the stored files into a signed manifest,
  the link messages (header + parts) and, with :func:`records_for`, the register rows.
- :class:`Reassembly` and :func:`verify_package` take a package in at the police:
  signature, every hash, the request it answers; :func:`is_expired` its period.
- :func:`export_register_csv`, :func:`read_register_csv`, :func:`monthly_summary` and
  :func:`reconcile` serve the register.
"""

from safenet.evidence.errors import (
    EvidenceError,
    InvalidDecision,
    PackageRefused,
    Problem,
    RegisterFormatError,
    RequestRefused,
)
from safenet.evidence.legal import (
    CATEGORY_LABELS,
    PIPA_18_2_ITEMS,
    POLICE_ITEMS,
    basis_problems,
    describe_basis,
    explain_basis,
    parse_basis,
)
from safenet.evidence.manifest import Manifest, ManifestFile, Withheld, decode_manifest
from safenet.evidence.package import (
    CLOCK_NOTE,
    DEFAULT_PART_BYTES,
    NOTHING_STORED,
    BuiltPackage,
    Decision,
    EvidenceFile,
    build_denial,
    build_package,
    package_id_for,
    snapshot_file,
    split_body,
)
from safenet.evidence.receive import (
    DEFAULT_RETAIN_DAYS,
    Reassembly,
    VerifiedFile,
    VerifiedPackage,
    expires_at,
    is_expired,
    part_expected,
    verify_header,
    verify_package,
)
from safenet.evidence.register import FORMS, ProvisionRecord, reconcile, records_for
from safenet.evidence.register_csv import (
    MonthlyRow,
    export_register_csv,
    export_summary_csv,
    in_period,
    monthly_summary,
    read_register_csv,
)
from safenet.evidence.request import (
    EntryStatus,
    HitFacts,
    ItemQuery,
    RouteQuery,
    SnapshotQuery,
    auto_approvable,
    check_request,
    plan_items,
)
from safenet.evidence.route import RouteHit, route_file
from safenet.evidence.signing import TrustedKeys, key_id, signature_valid
from safenet.vocabulary import DANGER_TO_LIFE as DANGER_TO_LIFE

__all__ = [
    "CATEGORY_LABELS",
    "CLOCK_NOTE",
    "DANGER_TO_LIFE",
    "DEFAULT_PART_BYTES",
    "DEFAULT_RETAIN_DAYS",
    "FORMS",
    "NOTHING_STORED",
    "PIPA_18_2_ITEMS",
    "POLICE_ITEMS",
    "BuiltPackage",
    "Decision",
    "EntryStatus",
    "EvidenceError",
    "EvidenceFile",
    "HitFacts",
    "InvalidDecision",
    "ItemQuery",
    "Manifest",
    "ManifestFile",
    "MonthlyRow",
    "PackageRefused",
    "Problem",
    "ProvisionRecord",
    "Reassembly",
    "RegisterFormatError",
    "RequestRefused",
    "RouteHit",
    "RouteQuery",
    "SnapshotQuery",
    "TrustedKeys",
    "VerifiedFile",
    "VerifiedPackage",
    "Withheld",
    "auto_approvable",
    "basis_problems",
    "build_denial",
    "build_package",
    "check_request",
    "decode_manifest",
    "describe_basis",
    "expires_at",
    "explain_basis",
    "export_register_csv",
    "export_summary_csv",
    "in_period",
    "is_expired",
    "key_id",
    "monthly_summary",
    "package_id_for",
    "parse_basis",
    "part_expected",
    "plan_items",
    "read_register_csv",
    "reconcile",
    "records_for",
    "route_file",
    "signature_valid",
    "snapshot_file",
    "split_body",
    "verify_header",
    "verify_package",
]
