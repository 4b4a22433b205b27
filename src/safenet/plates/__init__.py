"""Korean plate numbers: grammar, normalization and the OCR look-alike model.

Pure: no I/O, no service imports. Source of truth is the MOLIT notice on
registration plates (국토교통부고시 「자동차 등록번호판 등의 기준에 관한 고시」);
docs/plates.md describes the grammar, the look-alike costs and the CLI.

- :func:`normalize` folds separators, full-width digits and decomposed Hangul and
  rejects anything else; :func:`parse` adds the grammar; :func:`check` never raises.
- :data:`LOOKALIKES` and :func:`substitution_cost` state which characters readers
  confuse and at what cost; the matcher turns costs into scores.
"""

from safenet.plates.alphabet import (
    DIPLOMATIC_PREFIXES,
    PLATE_CHARS,
    REGIONS,
    USAGE_SYLLABLES,
)
from safenet.plates.errors import PlateError
from safenet.plates.grammar import check, parse, parse_normalized
from safenet.plates.lookalike import (
    DROPPED_CLASS_DIGIT_COST,
    INDEL_COST,
    LOOKALIKES,
    MISSING_REGION_COST,
    SUBSTITUTION_COST,
    Lookalike,
    LookalikeKind,
    dropped_class_digit,
    lookalike,
    lookalikes_of,
    substitution_cost,
    without_region,
)
from safenet.plates.normalize import MAX_PLATE_LENGTH, normalize
from safenet.plates.position import PART_CODES, describe_position, position_part
from safenet.plates.types import Plate, PlateCheck, PlateKind, VehicleType

__all__ = [
    "DIPLOMATIC_PREFIXES",
    "DROPPED_CLASS_DIGIT_COST",
    "INDEL_COST",
    "LOOKALIKES",
    "MAX_PLATE_LENGTH",
    "MISSING_REGION_COST",
    "PART_CODES",
    "PLATE_CHARS",
    "REGIONS",
    "SUBSTITUTION_COST",
    "USAGE_SYLLABLES",
    "Lookalike",
    "LookalikeKind",
    "Plate",
    "PlateCheck",
    "PlateError",
    "PlateKind",
    "VehicleType",
    "check",
    "describe_position",
    "dropped_class_digit",
    "lookalike",
    "lookalikes_of",
    "normalize",
    "parse",
    "parse_normalized",
    "position_part",
    "substitution_cost",
    "without_region",
]
