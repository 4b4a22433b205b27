"""Camera files as the public sector publishes them: 전국CCTV표준데이터 and LPR camera lists.

Pure parsers (no I/O beyond reading the file they are given, no service imports),
shared by the center's camera registry (:mod:`safenet.center.registry`) and the city
simulator (:mod:`safenet.sim.city`). docs/cameras.md describes the layouts and rules.
"""

from safenet.cctv.detect import detect_kind, read_camera_file
from safenet.cctv.errors import CameraFileError
from safenet.cctv.lpr import parse_lpr_csv, parse_lpr_json, read_lpr_file
from safenet.cctv.standard import (
    parse_standard_bytes,
    parse_standard_text,
    read_standard_file,
)
from safenet.cctv.types import (
    Camera,
    CameraSite,
    ImportResult,
    Layout,
    LprCamera,
    LprImportResult,
    SkippedRow,
    SkipReason,
)

__all__ = [
    "Camera",
    "CameraFileError",
    "CameraSite",
    "ImportResult",
    "Layout",
    "LprCamera",
    "LprImportResult",
    "SkipReason",
    "SkippedRow",
    "detect_kind",
    "parse_lpr_csv",
    "parse_lpr_json",
    "parse_standard_bytes",
    "parse_standard_text",
    "read_camera_file",
    "read_lpr_file",
    "read_standard_file",
]
