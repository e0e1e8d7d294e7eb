"""Avro object container files, decoded with the standard library (Iceberg manifest lists and manifests).

The light local evidence reader needs the data files of a snapshot, which Iceberg keeps in two small
Avro files per snapshot. Importing an Avro library for them costs more than the whole read (pyiceberg's
reader pulls its type system), so this module decodes the container format of the Avro 1.11
specification directly: header (magic, metadata with the writer's schema and codec, sync marker),
then blocks of records, each ``null`` or ``deflate`` coded. Every schema type is decoded generically
from the writer's schema; a codec other than those two raises ``UnsupportedAvro`` (the caller then
reads the table with pyiceberg).
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

MAGIC = b"Obj\x01"
_PRIMITIVES = ("null", "boolean", "int", "long", "float", "double", "bytes", "string")


class UnsupportedAvro(ValueError):
    """The file uses something this decoder does not read (a codec other than null and deflate)."""


class _Decoder:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0
        self.named: dict[str, Any] = {}

    def take(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise ValueError("truncated Avro data")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def long(self) -> int:  # zig-zag varint (int and long share the encoding)
        result = shift = 0
        while True:
            byte = self.data[self.pos]
            self.pos += 1
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return (result >> 1) ^ -(result & 1)
            shift += 7

    def blocks(self):
        """Item counts of an array or map: blocks until a zero count (a negative count has a size)."""
        while True:
            count = self.long()
            if count == 0:
                return
            if count < 0:
                count = -count
                self.long()
            yield count

    def value(self, schema: Any) -> Any:
        if isinstance(schema, list):  # union: the branch index, then the value
            return self.value(schema[self.long()])
        if isinstance(schema, dict):
            kind = schema["type"]
            if kind == "record":
                self.named[schema["name"]] = schema
                return {f["name"]: self.value(f["type"]) for f in schema["fields"]}
            if kind == "array":
                return [self.value(schema["items"]) for count in self.blocks() for _ in range(count)]
            if kind == "map":
                return {self.text(): self.value(schema["values"]) for n in self.blocks() for _ in range(n)}
            if kind == "enum":
                self.named[schema["name"]] = schema
                return schema["symbols"][self.long()]
            if kind == "fixed":
                self.named[schema["name"]] = schema
                return self.take(schema["size"])
            return self.value(kind)  # a primitive with attributes (logicalType, field-id …)
        if schema not in _PRIMITIVES:
            return self.value(self.named[schema])  # a reference to a named type defined earlier
        if schema == "null":
            return None
        if schema == "boolean":
            return self.take(1) != b"\x00"
        if schema in ("int", "long"):
            return self.long()
        if schema == "float":
            return struct.unpack("<f", self.take(4))[0]
        if schema == "double":
            return struct.unpack("<d", self.take(8))[0]
        raw = self.take(self.long())
        return raw.decode("utf-8") if schema == "string" else raw

    def text(self) -> str:
        return self.take(self.long()).decode("utf-8")


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Every record of one Avro container file, as plain dicts (decoded with the writer's schema)."""
    header = _Decoder(Path(path).read_bytes())
    if header.take(4) != MAGIC:
        raise ValueError(f"{path}: not an Avro container file")
    metadata = {}
    for count in header.blocks():
        for _ in range(count):
            key = header.text()
            metadata[key] = header.value("bytes")
    schema = json.loads(metadata["avro.schema"])
    codec = metadata.get("avro.codec", b"null").decode()
    if codec not in ("null", "deflate"):
        raise UnsupportedAvro(f"{path}: Avro codec {codec!r}")
    sync = header.take(16)
    records: list[dict[str, Any]] = []
    while header.pos < len(header.data):
        count = header.long()
        block = header.take(header.long())
        body = _Decoder(zlib.decompress(block, -15) if codec == "deflate" else block)
        records.extend(body.value(schema) for _ in range(count))
        if header.take(16) != sync:
            raise ValueError(f"{path}: Avro sync marker mismatch")
    return records
