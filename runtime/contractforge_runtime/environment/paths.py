"""Map ``s3://`` URIs to where the data really is: unchanged in Glue, under ``s3_root`` locally.

Plans keep ``s3://bucket/key`` everywhere so they are identical in Glue and locally; locally
``s3://bucket/key`` is read from ``<s3_root>/bucket/key`` (what ``contractforge local put`` stages).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

S3_SCHEMES = ("s3://", "s3a://", "s3n://")


def is_s3_uri(uri: str) -> bool:
    return isinstance(uri, str) and uri.lower().startswith(S3_SCHEMES)


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/a/b`` → (``bucket``, ``a/b``)."""
    rest = uri.split("://", 1)[1]
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise ValueError(f"invalid S3 URI {uri!r}: no bucket")
    return bucket, key


@dataclass(frozen=True)
class PathResolver:
    """``s3_root`` None = identity (Glue reads S3 itself)."""

    s3_root: str | None = None

    @property
    def is_local(self) -> bool:
        return self.s3_root is not None

    def resolve(self, uri: str) -> str:
        if not self.is_local or not is_s3_uri(uri):
            return uri
        bucket, key = split_s3_uri(uri)
        local = os.path.join(os.path.abspath(self.s3_root), bucket, key)
        # Keep the trailing slash: it tells directory prefixes from object keys.
        return local + "/" if uri.endswith("/") and not local.endswith("/") else local


IDENTITY = PathResolver(None)
