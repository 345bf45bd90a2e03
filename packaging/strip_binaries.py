"""Strip the symbols the dynamic linker does not need from the bundle's shared libraries.

usage: python packaging/strip_binaries.py dist/unifer/_internal

`strip --strip-unneeded` saves about 10 MB here (libpython's debug symbols, the standard
library's extension modules, cryptography). Some wheels' libraries were rewritten by patchelf
(auditwheel), and strip can turn those into files the loader refuses ("ELF load command
address/offset not page-aligned": numpy's OpenBLAS did). So each library is stripped into a
copy, the copy's LOAD segments are checked the way the loader checks them, and only a valid copy
replaces the original.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# readelf -lW: "LOAD 0xOFFSET 0xVIRTADDR 0xPHYSADDR 0xFILESIZ 0xMEMSIZ FLAGS 0xALIGN"
LOAD = re.compile(r"^\s*LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+.*0x([0-9a-f]+)$")


def loadable(path: Path) -> bool:
    """Does every LOAD segment keep offset and address congruent modulo its alignment?"""
    headers = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True)
    if headers.returncode != 0:
        return False
    segments = [LOAD.match(line) for line in headers.stdout.splitlines()]
    found = [(int(m[1], 16), int(m[2], 16), int(m[3], 16)) for m in segments if m]
    return bool(found) and all((address - offset) % align == 0 for offset, address, align in found if align)


def strip_all(folder: Path) -> tuple[int, list[Path]]:
    """Bytes saved, and the libraries left as they were because stripping would break them."""
    saved, kept = 0, []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "library"
        for path in sorted(folder.rglob("*.so*")):
            if not path.is_file() or path.is_symlink():
                continue
            shutil.copyfile(path, copy)
            if subprocess.run(["strip", "--strip-unneeded", str(copy)], capture_output=True).returncode != 0:
                continue  # not an ELF file strip understands
            if not loadable(copy):
                kept.append(path)
                continue
            saved += path.stat().st_size - copy.stat().st_size
            shutil.copymode(path, copy)
            shutil.copyfile(copy, path)
    return saved, kept


def main() -> None:
    saved, kept = strip_all(Path(sys.argv[1]))
    print(f"stripped {saved / 2**20:.1f} MB; left as they were (stripping would break them): ", end="")
    print(", ".join(path.name for path in kept) or "none")


if __name__ == "__main__":
    main()
