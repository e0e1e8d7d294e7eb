"""Build the relocated Jackson jar Iceberg's Spark runtime expects (docs/local-run.md#the-local-stack).

The Iceberg 1.10.2 runtime jar shipped by snowpark-connect-deps-iceberg references Jackson under
``org/apache/iceberg/shaded/com/fasterxml/jackson`` but does not contain those classes. We derive
them from pyspark's own jackson-core/databind/annotations jars by rewriting the class-file constant
pools (UTF-8 entries only, every other entry kept byte for byte) and renaming entry paths. The result
is cached per pyspark version, so it is built once per machine (about 0.3 s).
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
import zipfile
from pathlib import Path

SHIM_FORMAT = 1  # bump when the rewriting rules change, to invalidate cached jars
JACKSON_JARS = ("jackson-core", "jackson-databind", "jackson-annotations")
OLD_SLASHED, NEW_SLASHED = b"com/fasterxml/jackson", b"org/apache/iceberg/shaded/com/fasterxml/jackson"
OLD_DOTTED, NEW_DOTTED = b"com.fasterxml.jackson", b"org.apache.iceberg.shaded.com.fasterxml.jackson"

# Constant-pool entry sizes after the tag byte, for every tag except UTF-8 (1), which is length-prefixed.
_FIXED_SIZES = {
    3: 4,
    4: 4,
    5: 8,
    6: 8,
    7: 2,
    8: 2,
    9: 4,
    10: 4,
    11: 4,
    12: 4,
    15: 3,
    16: 2,
    17: 4,
    18: 4,
    19: 2,
    20: 2,
}
_TWO_SLOT_TAGS = (5, 6)  # long and double occupy two constant-pool indexes
_SIGNATURE_FILE = re.compile(r"^META-INF/[^/]+\.(SF|RSA|DSA|EC)$", re.IGNORECASE)


def relocate_bytes(data: bytes) -> bytes:
    """Relocate both spellings of the Jackson package inside a byte string (UTF-8 / modified UTF-8)."""
    if OLD_SLASHED not in data and OLD_DOTTED not in data:
        return data
    return data.replace(OLD_SLASHED, NEW_SLASHED).replace(OLD_DOTTED, NEW_DOTTED)


def relocate_class(data: bytes) -> bytes:
    """Return the class file with its constant-pool UTF-8 entries relocated; the rest is unchanged."""
    if data[:4] != b"\xca\xfe\xba\xbe":
        raise ValueError("not a Java class file (bad magic number)")
    (count,) = struct.unpack_from(">H", data, 8)
    out = bytearray(data[:10])
    pos, index = 10, 1
    while index < count:
        tag = data[pos]
        if tag == 1:
            (length,) = struct.unpack_from(">H", data, pos + 1)
            text = relocate_bytes(data[pos + 3 : pos + 3 + length])
            if len(text) > 0xFFFF:
                raise ValueError("relocated constant-pool string exceeds 65535 bytes")
            out += bytes([1]) + struct.pack(">H", len(text)) + text
            pos += 3 + length
        elif tag in _FIXED_SIZES:
            size = 1 + _FIXED_SIZES[tag]
            out += data[pos : pos + size]
            pos += size
        else:
            raise ValueError(f"unknown constant-pool tag {tag} at offset {pos}")
        index += 2 if tag in _TWO_SLOT_TAGS else 1
    out += data[pos:]
    return bytes(out)


def _keep_entry(name: str) -> bool:
    if name.endswith("/") or name == "META-INF/MANIFEST.MF":
        return False
    if name.endswith("module-info.class") or name.startswith("META-INF/versions/"):
        return False
    return not _SIGNATURE_FILE.match(name)


def relocate_entry(name: str, data: bytes) -> tuple[str, bytes]:
    """Relocate one jar entry: its path, and its content when it is a class or a service file."""
    new_name = relocate_bytes(name.encode()).decode()
    if name.endswith(".class"):
        return new_name, relocate_class(data)
    if name.startswith("META-INF/services/"):
        return new_name, relocate_bytes(data)
    return new_name, data


def build_shim(source_jars: list[Path], destination: Path) -> Path:
    """Write the relocated jar to ``destination`` atomically (several processes may build at once)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=destination.name, suffix=".tmp", dir=destination.parent)
    os.close(fd)
    seen: set[str] = set()
    try:
        with zipfile.ZipFile(tmp_name, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr(
                "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nCreated-By: contractforge jackson_shim\n\n"
            )
            for jar in source_jars:
                with zipfile.ZipFile(jar) as src:
                    for info in src.infolist():
                        if not _keep_entry(info.filename):
                            continue
                        name, data = relocate_entry(info.filename, src.read(info))
                        if name in seen:  # e.g. META-INF/LICENSE in every jar: first one wins
                            continue
                        seen.add(name)
                        out.writestr(name, data)
        os.replace(tmp_name, destination)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return destination


def pyspark_jackson_jars() -> tuple[str, list[Path]]:
    """pyspark's version and its jackson-core/databind/annotations jars."""
    import pyspark

    jars_dir = Path(pyspark.__file__).parent / "jars"
    found = []
    for prefix in JACKSON_JARS:
        matches = sorted(jars_dir.glob(f"{prefix}-2*.jar"))
        if not matches:
            raise FileNotFoundError(
                f"{prefix}-*.jar not found in {jars_dir}; is pyspark installed completely?"
            )
        found.append(matches[-1])
    return pyspark.__version__, found


def cache_dir() -> Path:
    base = os.environ.get("CONTRACTFORGE_CACHE_DIR")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "contractforge"


def ensure_jackson_shim() -> Path:
    """Path of the relocated Jackson jar for the installed pyspark, building it when not cached."""
    version, jars = pyspark_jackson_jars()
    target = cache_dir() / f"iceberg-jackson-shim-pyspark{version}-v{SHIM_FORMAT}.jar"
    if target.is_file() and target.stat().st_size > 0:
        return target
    return build_shim(jars, target)
