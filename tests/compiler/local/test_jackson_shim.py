import struct
import zipfile

import pytest
from contractforge.local import jackson_shim


def _class_with_pool(entries: list[bytes]) -> bytes:
    """A minimal class-file prefix: magic, version, constant pool, then a fixed trailer."""
    body = b"".join(entries)
    slots = 1 + sum(2 if e[0] in (5, 6) else 1 for e in entries)
    return b"\xca\xfe\xba\xbe" + struct.pack(">HHH", 0, 52, slots) + body + b"TRAILER"


def _utf8(text: bytes) -> bytes:
    return b"\x01" + struct.pack(">H", len(text)) + text


def test_relocate_class_rewrites_utf8_and_keeps_long_double_slots():
    long_entry = b"\x05" + b"com/fasterxml/jackson"[:8]  # raw 8 bytes that look like text: must not change
    data = _class_with_pool(
        [_utf8(b"com/fasterxml/jackson/core/JsonFactory"), long_entry, _utf8(b"Lcom.fasterxml.jackson.X;")]
    )
    out = jackson_shim.relocate_class(data)
    assert b"org/apache/iceberg/shaded/com/fasterxml/jackson/core/JsonFactory" in out
    assert b"org.apache.iceberg.shaded.com.fasterxml.jackson.X" in out
    assert long_entry in out and out.endswith(b"TRAILER")


def test_relocate_class_rejects_non_class():
    with pytest.raises(ValueError):
        jackson_shim.relocate_class(b"not a class")


def test_build_shim_from_pyspark_jars(tmp_path):
    pytest.importorskip("pyspark")
    _, jars = jackson_shim.pyspark_jackson_jars()
    shim = jackson_shim.build_shim(jars, tmp_path / "shim.jar")
    names = zipfile.ZipFile(shim).namelist()
    assert "org/apache/iceberg/shaded/com/fasterxml/jackson/core/JsonFactoryBuilder.class" in names
    assert "META-INF/services/org.apache.iceberg.shaded.com.fasterxml.jackson.core.JsonFactory" in names
    assert not [n for n in names if n.startswith("com/fasterxml") or n.startswith("META-INF/versions/")]
    assert not [n for n in names if n.endswith("module-info.class")]
    with zipfile.ZipFile(shim) as z:
        service = z.read("META-INF/services/org.apache.iceberg.shaded.com.fasterxml.jackson.core.JsonFactory")
    assert service.strip().startswith(b"org.apache.iceberg.shaded.com.fasterxml.jackson")
