"""The center's camera registry input: national CCTV standard data and LPR camera lists."""

from safenet.center.cameras.detect import detect_kind, read_camera_file
from safenet.center.cameras.errors import CameraFileError
from safenet.center.cameras.lpr import parse_lpr_csv, parse_lpr_json, read_lpr_file
from safenet.center.cameras.standard import (
    parse_standard_bytes,
    parse_standard_text,
    read_standard_file,
)
from safenet.center.cameras.types import (
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
