"""Entry names of the archives, written so that every unzip tool Chinese offices use reads them right.

Tools differ in how they read a name:
- Windows 7's Explorer (and older 360压缩, 好压) ignore both the UTF-8 flag and the extra fields: they decode the name
  field in the system's code page, GBK (cp936) on a Chinese Windows.
- Windows 10/11's Explorer decodes the name field as UTF-8 when the UTF-8 flag (general purpose bit 11) is set, in
  the system code page otherwise.
- 7-Zip, WinRAR, Bandizip, current 360压缩 and Info-ZIP unzip (Linux) use the Info-ZIP Unicode Path extra field
  (0x7075) when its CRC-32 matches the name field, else the UTF-8 flag, else a code page.

So a name GBK can encode goes into the name field in GBK, without the flag, with the Unicode Path field carrying it
in UTF-8: Chinese Windows reads the GBK, everything else the UTF-8 (which also serves a non-Chinese system). A name
GBK cannot encode (an emoji, a character outside GBK), or whose GBK bytes hold a backslash (some tools take 0x5C for
a path separator before decoding), goes in UTF-8 with the flag; ASCII names go as they are.
"""
import functools
import struct
import zlib
from dataclasses import dataclass

UTF8_FLAG = 0x0800
UNICODE_PATH = 0x7075
LEGACY_ENCODING = "gbk"


@dataclass(frozen=True, slots=True)
class EncodedName:
    raw: bytes             # the header's file name field
    flags: int             # general purpose bits the name needs (UTF8_FLAG or 0)
    extra: bytes           # extra fields the name needs (the Unicode Path field or nothing)


def encode_name(name: str) -> EncodedName:
    if name.isascii():
        return EncodedName(name.encode("ascii"), 0, b"")
    legacy = _legacy(name)
    if legacy is None:
        return EncodedName(name.encode("utf-8"), UTF8_FLAG, b"")
    unicode_path = struct.pack("<BL", 1, zlib.crc32(legacy)) + name.encode("utf-8")
    return EncodedName(legacy, 0, struct.pack("<HH", UNICODE_PATH, len(unicode_path)) + unicode_path)


def _legacy(name: str) -> bytes | None:
    """The name in GBK if it encodes, decodes back to itself and holds no backslash byte; else None.

    Worked out per folder and file name: an archive's paths share their folders, and GBK is ASCII-compatible with
    no "/" (0x2F) among its second bytes, so the parts' bytes joined by "/" are the whole path's."""
    folder, slash, leaf = name.rpartition("/")
    legacy = _legacy_part(leaf)
    if not slash or legacy is None:
        return legacy
    folder_legacy = _legacy_folder(folder)
    return None if folder_legacy is None else folder_legacy + b"/" + legacy


@functools.lru_cache(maxsize=65536)
def _legacy_folder(folder: str) -> bytes | None:
    return _legacy(folder)


@functools.lru_cache(maxsize=65536)
def _legacy_part(part: str) -> bytes | None:
    try:
        legacy = part.encode(LEGACY_ENCODING)
    except UnicodeEncodeError:
        return None
    if b"\\" in legacy or legacy.decode(LEGACY_ENCODING) != part:
        return None
    return legacy
