"""Tell a static ELF executable from one that needs a dynamic loader, from its bytes alone.

A FROM scratch image has no ld.so and no libc, so its entry binary must be static.
Reading the program headers here avoids depending on `file` or `readelf`.
"""

from __future__ import annotations

import struct

PT_DYNAMIC = 2
PT_INTERP = 3
DT_NULL = 0
DT_NEEDED = 1
PN_XNUM = 0xFFFF


def is_static_elf(data: bytes) -> bool:
    """True for an ELF file that runs without a loader or shared libraries.

    Dynamic means a PT_INTERP segment (a loader is asked for) or a PT_DYNAMIC
    segment that lists DT_NEEDED libraries. A static-pie binary carries
    PT_DYNAMIC for its own relocations but needs nothing, so it counts as static.
    Anything that is not a well-formed ELF file is not a static ELF: False.
    """
    try:
        return _is_static(data)
    except (struct.error, ValueError, IndexError):
        return False


def _is_static(data: bytes) -> bool:
    if data[:4] != b"\x7fELF":
        return False
    klass, encoding = data[4], data[5]
    if klass not in (1, 2) or encoding not in (1, 2):
        return False
    wide = klass == 2
    end = "<" if encoding == 1 else ">"
    if wide:
        phoff, shoff = struct.unpack_from(end + "QQ", data, 0x20)
        phentsize, phnum = struct.unpack_from(end + "HH", data, 0x36)
        ph_format, dyn_format = end + "IIQQQQQQ", end + "qQ"
    else:
        phoff, shoff = struct.unpack_from(end + "II", data, 0x1C)
        phentsize, phnum = struct.unpack_from(end + "HH", data, 0x2A)
        ph_format, dyn_format = end + "IIIIIIII", end + "iI"
    if phnum == PN_XNUM:
        phnum = _section_zero_info(data, end, wide, shoff)
    if phnum == 0 or phentsize < struct.calcsize(ph_format):
        return False

    dynamic_segments = []
    for index in range(phnum):
        fields = struct.unpack_from(ph_format, data, phoff + index * phentsize)
        p_type = fields[0]
        # 64-bit: type, flags, offset, vaddr, paddr, filesz; 32-bit: type, offset, vaddr, paddr, filesz
        offset, filesz = (fields[2], fields[5]) if wide else (fields[1], fields[4])
        if p_type == PT_INTERP:
            return False
        if p_type == PT_DYNAMIC:
            dynamic_segments.append((offset, filesz))
    return not any(_needs_libraries(data, dyn_format, offset, size) for offset, size in dynamic_segments)


def _needs_libraries(data: bytes, dyn_format: str, offset: int, size: int) -> bool:
    step = struct.calcsize(dyn_format)
    stop = min(offset + size, len(data))
    if offset + step > stop:
        raise ValueError("PT_DYNAMIC lies outside the file")
    for position in range(offset, stop - step + 1, step):
        tag, _ = struct.unpack_from(dyn_format, data, position)
        if tag == DT_NEEDED:
            return True
        if tag == DT_NULL:
            break
    return False


def _section_zero_info(data: bytes, end: str, wide: bool, shoff: int) -> int:
    """With more than 0xfffe program headers the real count sits in section 0's sh_info."""
    if shoff == 0:
        raise ValueError("PN_XNUM without a section header table")
    sh_info_at = shoff + (0x2C if wide else 0x1C)
    return struct.unpack_from(end + "I", data, sh_info_at)[0]
