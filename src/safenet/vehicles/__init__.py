"""What a vehicle looks like: colour, body type and make, in words both sides share.

Pure: no I/O, no service imports. docs/matching.md ("Vehicle description") lists
the vocabularies, the vendor words and the confusion model with its sources.

- :class:`Colour`, :class:`BodyType` (with ``.ko`` / ``.en`` labels) and
  :data:`MAKES`: the controlled vocabularies; :class:`Description` one
  vehicle's look, each part possibly unknown.
- :func:`colour_of`, :func:`body_of`, :func:`make_of`: a camera's or a person's
  word (``백색``, ``gray``, ``SUVMPV``, ``현대``) onto the vocabulary;
  :func:`describe` does all three at once.
- :func:`colour_ratio`, :func:`body_ratio`, :func:`make_ratio`: how much a
  camera's report agrees with a wanted entry's description, as a likelihood
  ratio from the confusion model (:data:`COLOUR_CONFUSION`, :data:`BODY_CONFUSION`).
"""

from safenet.vehicles.confusion import (
    BODY_CONFUSION,
    BODY_SHARES,
    COLOUR_CONFUSION,
    COLOUR_SHARES,
    body_ratio,
    colour_ratio,
    make_ratio,
)
from safenet.vehicles.vendor import body_of, colour_of, describe, is_unknown_word, make_of
from safenet.vehicles.vocabulary import MAKES, BodyType, Colour, Description, make_label

__all__ = [
    "BODY_CONFUSION",
    "BODY_SHARES",
    "COLOUR_CONFUSION",
    "COLOUR_SHARES",
    "MAKES",
    "BodyType",
    "Colour",
    "Description",
    "body_of",
    "body_ratio",
    "colour_of",
    "colour_ratio",
    "describe",
    "is_unknown_word",
    "make_label",
    "make_of",
    "make_ratio",
]
