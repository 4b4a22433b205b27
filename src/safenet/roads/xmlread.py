"""Reading the road XML formats in one pass, with malformed files reported by line."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from safenet.roads.errors import RoadDataError

_POSITION = re.compile(r":\s*line \d+, column \d+$")


def parse_error(exc: ET.ParseError, path: Path) -> RoadDataError:
    """A :class:`RoadDataError` naming the file and line of an XML syntax error."""
    line, column = exc.position
    reason = _POSITION.sub("", str(exc))
    return RoadDataError(f"malformed XML at column {column}: {reason}", path=path, line=line)


def iter_elements(path: Path, root_tag: str, what: str) -> Iterator[ET.Element]:
    """Each element of an XML file as its end tag is read; the root must be ``root_tag``.

    The caller may ``clear()`` an element once done with it, which keeps memory
    flat on large files.
    """
    try:
        seen_root = False
        for event, elem in ET.iterparse(path, events=("start", "end")):
            if not seen_root:
                seen_root = True
                if elem.tag != root_tag:
                    raise RoadDataError(
                        f"not {what}: the root element is <{elem.tag}>, expected <{root_tag}>",
                        path=path,
                    )
            if event == "end":
                yield elem
    except ET.ParseError as exc:
        raise parse_error(exc, path) from None
    except OSError as exc:
        raise RoadDataError(f"cannot be read: {exc.strerror or exc}", path=path) from None
