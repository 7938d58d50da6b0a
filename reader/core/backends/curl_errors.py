"""What a failed libcurl transfer means, in a few words a reader can act on."""

from __future__ import annotations

import errno

import pycurl

from reader.core.backends.curl_loop import CurlFailed


def format_seconds(seconds: float) -> str:
    return f"{seconds:g} s"


_TLS_FAILURES = frozenset(
    {
        pycurl.E_SSL_CONNECT_ERROR,
        pycurl.E_PEER_FAILED_VERIFICATION,
        pycurl.E_SSL_CERTPROBLEM,
        pycurl.E_SSL_CIPHER,
        pycurl.E_SSL_CACERT_BADFILE,
        pycurl.E_SSL_ISSUER_ERROR,
        pycurl.E_SSL_PINNEDPUBKEYNOTMATCH,
        pycurl.E_SSL_INVALIDCERTSTATUS,
        pycurl.E_SSL_ENGINE_INITFAILED,
    }
)
_BROKEN_CONNECTION = frozenset(
    {
        pycurl.E_GOT_NOTHING,
        pycurl.E_RECV_ERROR,
        pycurl.E_SEND_ERROR,
        pycurl.E_PARTIAL_FILE,
        pycurl.E_HTTP2,
    }
)


def describe_curl_failure(failure: CurlFailed, handle: pycurl.Curl, connect_timeout: float) -> str:
    """What went wrong, in a few words, from libcurl's error code."""
    code, text = failure.code, failure.message
    if code in (pycurl.E_COULDNT_RESOLVE_HOST, pycurl.E_COULDNT_RESOLVE_PROXY):
        return "host not found"
    if code == pycurl.E_COULDNT_CONNECT:
        if handle.getinfo(pycurl.OS_ERRNO) == errno.ECONNREFUSED:
            return "connection refused"
        return f"could not connect: {text}"
    if code == pycurl.E_OPERATION_TIMEDOUT:
        if handle.getinfo(pycurl.CONNECT_TIME) == 0:
            return f"timed out connecting after {format_seconds(connect_timeout)}"
        return f"timed out ({text})"
    if code in _TLS_FAILURES:
        return f"TLS error: {text}"
    if code in _BROKEN_CONNECTION:
        return f"server broke the connection: {text}"
    if code in (pycurl.E_UNSUPPORTED_PROTOCOL, pycurl.E_URL_MALFORMAT):
        return f"invalid address: {text}"
    return f"network error: {text}"
