"""Feed text or bytes as UTF-8 XML that declares UTF-8 and has no DTD: what both XML readers take.

Removing the DOCTYPE (internal subset included) means no entity a feed declares, a
billion-laughs bomb or an external file, is ever expanded.
"""

from __future__ import annotations

import re

__all__ = ["as_is_utf8_xml", "as_utf8_xml", "strip_doctype"]

_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
_DOCTYPE_START = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")
_XML_DECLARATION_BYTES = re.compile(rb"^<\?xml[^>]*\?>")
_DOCTYPE_START_BYTES = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_FIRST_ELEMENT_BYTES = re.compile(rb"<[A-Za-z_]")
_CONTROL_BYTES = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))  # as decode strips
_UTF8_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
_UTF8_DECLARATION_BYTES = _UTF8_DECLARATION.encode()
# One byte each: `in` looks for a single byte with memchr, with no copy of the body.
_CONTROL_BYTE_LIST = tuple(bytes((code,)) for code in _CONTROL_BYTES)


def strip_doctype(text: str) -> str:
    """The document without its DOCTYPE (internal subset included), so no entity a feed
    declares is ever expanded."""
    first_element = _FIRST_ELEMENT.search(text)
    limit = first_element.start() if first_element else len(text)
    start_match = _DOCTYPE_START.search(text, 0, limit)
    if start_match is None:
        return text
    index = start_match.end()
    depth = 0
    quote = ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif text.startswith("<!--", index):
            end = text.find("-->", index + 4)
            index = len(text) if end < 0 else end + 2
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif char == ">" and depth == 0:
            return text[: start_match.start()] + text[index + 1 :]
        index += 1
    return text[: start_match.start()]


def as_utf8_xml(text: str) -> bytes:
    """The decoded text as UTF-8 bytes that declare UTF-8, DTD removed."""
    text = strip_doctype(text.lstrip())
    text = _XML_DECLARATION.sub(_UTF8_DECLARATION, text, count=1)
    return text.encode("utf-8", "replace")


def as_is_utf8_xml(body: bytes) -> bytes | None:
    """`as_utf8_xml(decode_feed(body))` without decoding and re-encoding, for the usual body:
    UTF-8 XML that starts with "<" with no control characters and no DOCTYPE; else None."""
    data = body.lstrip(b" \t\r\n")
    if not data.startswith(b"<") or any(byte in data for byte in _CONTROL_BYTE_LIST):
        return None
    first_element = _FIRST_ELEMENT_BYTES.search(data)
    if _DOCTYPE_START_BYTES.search(data, 0, first_element.start() if first_element else len(data)):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if data.startswith(_UTF8_DECLARATION_BYTES):
        return data  # it already declares UTF-8 as we would: no copy of the body
    return _XML_DECLARATION_BYTES.sub(_UTF8_DECLARATION_BYTES, data, count=1)
