"""Engine errors told by their root cause.

A failing catalog or evidence write surfaces in Python as ``Py4JJavaError: An error occurred while
calling o134.append`` followed by a long Java stack; the cause (the catalog is busy, a permission
is missing, a metadata file cannot be read) sits several ``Caused by:`` levels down. ``describe``
walks the cause chain (Java causes through py4j, Python ``__cause__``/``__context__``) and returns
one line: the kind of failure and the deepest message, with the file when one is named.

``is_catalog_busy`` tells a retryable catalog-busy failure (SQLite's SQLITE_BUSY / BUSY_SNAPSHOT in
the local catalog, a concurrent Glue catalog update on AWS) from everything else.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

MAX_CHAIN = 25
_BUSY = ("SQLITE_BUSY", "database is locked", "ConcurrentModificationException")
_DENIED = ("Permission denied", "Operation not permitted", "AccessDenied", "Access Denied", "403 Forbidden")
_UNREADABLE = ("Failed to read file", "Failed to open input stream", "Cannot parse", "Invalid JSON",
               "Unable to read", "metadata.json", "NotFoundException", "FileNotFoundException")  # fmt: skip
_FILE = re.compile(r"((?:file:|s3a?://|/)[^\s:'\"]+\.(?:json|avro|parquet|orc|sqlite|metadata\.json))")


def chain(error: BaseException) -> list[tuple[str, str]]:
    """(class name, message) of ``error`` and every cause below it, outermost first."""
    found: list[tuple[str, str]] = []
    current: Any = error
    seen: set[int] = set()
    while current is not None and len(found) < MAX_CHAIN and id(current) not in seen:
        seen.add(id(current))
        java = getattr(current, "java_exception", None)
        if java is not None:
            found.extend(_java_chain(java))
            current = None
            break
        found.append((type(current).__name__, str(current).split("\n", 1)[0]))
        current = current.__cause__ or current.__context__
    return found


def _java_chain(java: Any) -> list[tuple[str, str]]:
    found = []
    current = java
    try:
        while current is not None and len(found) < MAX_CHAIN:
            name = str(current.getClass().getName()).rsplit(".", 1)[-1]
            message = current.getMessage()
            found.append((name, "" if message is None else str(message).split("\n", 1)[0]))
            cause = current.getCause()
            current = None if cause is None or cause.equals(current) else cause
    except Exception:  # noqa: BLE001 - the JVM may be gone; what was read so far is the answer
        pass
    return found


def _kind(links: list[tuple[str, str]]) -> str | None:
    text = " ".join(f"{name} {message}" for name, message in links)
    if any(token in text for token in _BUSY):
        return "catalog busy"
    if any(token in text for token in _DENIED):
        return "permission denied"
    if any(token in text for token in _UNREADABLE):
        return "unreadable metadata file"
    return None


def is_catalog_busy(error: BaseException) -> bool:
    return _kind(chain(error)) == "catalog busy"


def describe(error: BaseException) -> str:
    """One line: ``<kind>: <deepest useful message> [file …]``, or ``Class: message`` when the error
    is not an engine error."""
    links = chain(error)
    if not links:
        return type(error).__name__
    kind = _kind(links)
    if getattr(error, "java_exception", None) is None and kind is None:
        name, message = links[0]
        return f"{name}: {message}" if message else name
    useful = [(name, message) for name, message in links if message]
    name, message = useful[-1] if useful else links[-1]
    files = [match for _, text in links for match in _FILE.findall(text)]
    text = f"{kind}: " if kind else ""
    text += f"{name}: {message}" if message else name
    if files and files[-1] not in text:
        text += f" (file {files[-1]})"
    return text


def already_exists(error: BaseException) -> bool:
    """A CREATE lost a race: another writer created the table or namespace first."""
    return any(
        "AlreadyExists" in name or "already exists" in message.lower() for name, message in chain(error)
    )


BUSY_RETRY_DELAYS = (0.5, 2.0, 5.0)


def retry_when_busy(
    action: Callable[[], T],
    delays: tuple[float, ...] = BUSY_RETRY_DELAYS,
    uncommitted: Callable[[], bool] | None = None,
) -> T:
    """``action()``, again after each delay while it fails because the catalog is busy. Safe only for
    actions that did not commit when they failed busy (an Iceberg commit is one catalog update: a
    busy catalog refused it). ``uncommitted``, when given, is asked before each retry (e.g. "the
    target still has the snapshot it had before"); False raises the busy error instead of retrying."""
    for delay in delays:
        try:
            return action()
        except Exception as error:  # noqa: BLE001 - only a busy catalog is retried; anything else raises
            if not is_catalog_busy(error) or (uncommitted is not None and not uncommitted()):
                raise
            time.sleep(delay)
    return action()
