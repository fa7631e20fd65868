"""How many OS packages an image holds, read from its package manager's database.

A rewrite to scratch removes every package of the original's base image; the number
tells a reviewer how much software (and how many future CVE reports) left with it.
"""

from __future__ import annotations

from collections.abc import Callable

DPKG_STATUS = "/var/lib/dpkg/status"
DPKG_STATUS_D = "/var/lib/dpkg/status.d"  # distroless: one file per package
APK_INSTALLED = "/lib/apk/db/installed"


def count_packages(read: Callable[[str], bytes], read_folder: Callable[[str], dict[str, bytes]]) -> int:
    """Installed dpkg and apk packages; 0 for an image with neither database (scratch)."""
    total = 0
    status = _text(read, DPKG_STATUS)
    if status:
        total += dpkg_installed(status)
    try:
        folder = read_folder(DPKG_STATUS_D)
    except (FileNotFoundError, NotADirectoryError):
        folder = {}
    total += sum(dpkg_installed(data.decode("utf-8", "replace")) for data in folder.values())
    installed = _text(read, APK_INSTALLED)
    if installed:
        total += apk_installed(installed)
    return total


def dpkg_installed(text: str) -> int:
    """Paragraphs of a dpkg status file whose Status ends in "installed" (distroless omits Status)."""
    count = 0
    for paragraph in text.split("\n\n"):
        fields = {}
        for line in paragraph.splitlines():
            key, sep, value = line.partition(":")
            if sep and not line[:1].isspace():
                fields[key.strip()] = value.strip()
        if "Package" in fields and fields.get("Status", "install ok installed").endswith(" installed"):
            count += 1
    return count


def apk_installed(text: str) -> int:
    """Entries of apk's installed database: one `P:` line per package."""
    return sum(1 for line in text.splitlines() if line.startswith("P:"))


def _text(read: Callable[[str], bytes], path: str) -> str:
    try:
        return read(path).decode("utf-8", "replace")
    except (FileNotFoundError, IsADirectoryError):
        return ""
