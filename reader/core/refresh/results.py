"""From a feed's download and the validators the store knows of it, the `FetchResult` the store
records: pure decisions (failed, not modified, same body, what to parse and how), no I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.backends.base import FeedDownload
from reader.core.model import FetchResult, Validators

if TYPE_CHECKING:
    from reader.core.feeds.parse import ParsedFeed
    from reader.core.refresh.parse_pool import PreparedFeed


@dataclass(frozen=True, slots=True)
class ParseJob:
    """A changed body to parse, with what its result will record."""

    url: str
    body: bytes
    charset: str | None
    base_url: str  # where the body came from: relative links resolve against it
    for_store: bool  # prepare the articles in the parse worker too
    validators: Validators  # the new ones, recorded once the body parses
    http_status: int | None
    moved_notice: str | None


def body_hash(body: bytes) -> str:
    """The hash a feed's body is remembered by, so an unchanged body is never parsed again."""
    return hashlib.sha256(body).hexdigest()


def moved_notice(download: FeedDownload) -> str | None:
    return f"feed moved permanently to {download.moved_to}" if download.moved_to else None


def result_or_parse_job(download: FeedDownload, known: Validators) -> FetchResult | ParseJob:
    """The result when the download needs no parsing (failed, 304, the body last parsed), else
    the body to parse; a failure keeps the known validators, so nothing cached is lost."""
    url = download.url
    if download.outcome == "failed":
        return FetchResult(
            url, "failed", validators=known, error=download.error, http_status=download.http_status
        )
    moved = moved_notice(download)
    if download.outcome == "not_modified":
        kept = Validators(
            download.etag or known.etag,
            download.last_modified or known.last_modified,
            known.body_hash,
        )
        return FetchResult(
            url, "not_modified", validators=kept, http_status=download.http_status, notice=moved
        )
    new_validators = Validators(download.etag, download.last_modified, body_hash(download.body))
    if known.body_hash == new_validators.body_hash:
        return FetchResult(
            url,
            "not_modified",
            validators=new_validators,
            http_status=download.http_status,
            notice=moved,
        )
    return ParseJob(
        url,
        download.body,
        download.charset,
        download.final_url or url,
        # A feed never stored before brings only new articles: the worker also computes what
        # the store writes for them. A known feed's articles are mostly stored already and
        # unchanged, so that work would be wasted; the store does it for the few new ones.
        for_store=known.body_hash is None,
        validators=new_validators,
        http_status=download.http_status,
        moved_notice=moved,
    )


def parsed_result(job: ParseJob, parsed: ParsedFeed | PreparedFeed) -> FetchResult:
    """The result of a body that parsed: its articles and the new validators."""
    notice = "; ".join(n for n in (job.moved_notice, parsed.notice) if n) or None
    return FetchResult(
        job.url,
        "ok",
        articles=parsed.articles,
        validators=job.validators,
        feed_title=parsed.title,
        language=parsed.language,
        http_status=job.http_status,
        notice=notice,
    )


def parse_failed_result(job: ParseJob, known: Validators, message: str) -> FetchResult:
    """The result of a body that would not parse: the known validators stay, so it is tried
    again next time."""
    return FetchResult(
        job.url,
        "failed",
        validators=known,
        error=message,
        http_status=job.http_status,
        notice=job.moved_notice,
    )
