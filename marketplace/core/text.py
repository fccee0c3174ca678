"""Plain-text hygiene shared by whatever takes text from outside (forms, files, headers)."""

from __future__ import annotations

import re

# C0 and C1 control characters and DEL: never part of a name, a header, a path or a record.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def one_line(text: str) -> str:
    """Text on one line: control characters become spaces, blanks are collapsed."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())


# What multi-line text (a note, a message) may hold besides printable characters.
LINE_BREAKS = re.compile(r"[\t\n\r]")


def is_storable(text: str, multiline: bool = False) -> bool:
    """True when `text` can be stored and shown as typed: valid UTF-8 (no lone surrogate), and no control
    character (tabs and line breaks allowed in multi-line text)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not has_control_characters(LINE_BREAKS.sub("", text) if multiline else text)
