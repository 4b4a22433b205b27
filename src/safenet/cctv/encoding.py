"""How a camera file's bytes become text: UTF-8 (with or without BOM) or CP949.

Local governments publish 전국CCTV표준데이터 in CP949 (Excel's Korean default) or in
UTF-8, sometimes with a BOM. UTF-8 is tried first and strictly, because CP949 would
also "decode" many UTF-8 byte sequences into the wrong characters, while real CP949
Korean text almost never happens to be valid UTF-8.
"""

from __future__ import annotations

import codecs
import unicodedata

from safenet.cctv.errors import CameraFileError

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
CP949 = "cp949"


def decode(data: bytes, source: str) -> tuple[str, str]:
    """The file's text in NFC and the encoding it was in (``utf-8``, ``utf-8-sig``, ``cp949``).

    NFC matters because a file saved on macOS may spell 한글 in decomposed jamo,
    which would otherwise give the same site a different id.
    """
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = UTF8_BOM, data[len(codecs.BOM_UTF8) :]
    else:
        encoding, body = UTF8, data
    try:
        text = body.decode(UTF8)
    except UnicodeDecodeError as utf8_error:
        if encoding == UTF8_BOM:
            raise CameraFileError(
                source, f"starts with a UTF-8 BOM but is not valid UTF-8 ({utf8_error})"
            ) from utf8_error
        try:
            text, encoding = data.decode(CP949), CP949
        except UnicodeDecodeError as cp949_error:
            raise CameraFileError(
                source,
                f"is neither UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
                f"nor CP949 ({cp949_error.reason} at byte {cp949_error.start})",
            ) from cp949_error
    return unicodedata.normalize("NFC", text), encoding
