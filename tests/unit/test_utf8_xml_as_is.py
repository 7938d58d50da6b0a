"""Reading a body as it is (no decode, no copy when it already declares UTF-8 as we would)
gives exactly the bytes decoding and re-encoding would, or declines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.feedgen import rss_feed
from reader.core.feeds.decode import decode_feed
from reader.core.feeds.utf8_xml import as_is_utf8_xml, as_utf8_xml

_PIECES = st.sampled_from(
    [b'<?xml version="1.0" encoding="utf-8"?>', b'<?xml version="1.0" encoding="UTF-8"?>',
     b'<?xml version="1.0" encoding="utf-8" ?>', b"<rss>", b"</rss>", b"<!-- c -->", b" ", b"\n",
     b"\x00", b"\x08", b"\x0b", b"\x0c", b"\x0e", b"\x1f", "鄭州".encode(), b"\xff", b"a"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=8).map(b"".join))
def test_as_is_bytes_are_the_decoded_bytes(body: bytes) -> None:
    as_is = as_is_utf8_xml(body)
    if as_is is not None:
        assert as_is == as_utf8_xml(decode_feed(body))


def test_a_body_with_our_declaration_is_handed_over_uncopied() -> None:
    body = rss_feed(2, 3, shape="content")
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert as_is_utf8_xml(body) is body


def test_control_bytes_anywhere_send_the_body_to_the_decoder() -> None:
    body = rss_feed(2, 3)
    for control in (b"\x00", b"\x08", b"\x0b", b"\x1f"):
        assert as_is_utf8_xml(body[:-20] + control + body[-20:]) is None
