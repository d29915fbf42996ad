"""Reading a ZIP's central directory as the unzip tools of Chinese offices do, to check the names they show.

Each reader takes one central directory record and returns the name the tool would show:
- windows7: Explorer of Windows 7 (and old 360压缩/好压): the name field in the system code page (GBK), nothing else.
- windows10: Explorer of Windows 10/11: UTF-8 when the UTF-8 flag is set, else the system code page.
- sevenzip: 7-Zip, WinRAR, current 360压缩, Info-ZIP unzip: the Unicode Path field (0x7075) when its CRC-32 matches
  the name field, else UTF-8 when flagged, else the code page (GBK on Chinese Windows, the locale's on Linux).
"""
import struct
import zlib
from dataclasses import dataclass

UTF8_FLAG = 0x0800
_CENTRAL = struct.Struct("<4sHHHHHHLLLHHHHHLL")


@dataclass(frozen=True)
class Record:
    raw_name: bytes
    flags: int
    made_by: int
    external_attr: int
    extra: dict[int, bytes]


def records(data: bytes) -> list[Record]:
    """Every central directory record, in order (ZIP64 end records followed where present)."""
    end = data.rindex(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HLL", data, end + 10)
    if offset == 0xFFFFFFFF or count == 0xFFFF:
        end64 = struct.unpack_from("<Q", data, data.rindex(b"PK\x06\x07") + 8)[0]
        count, size, offset = struct.unpack_from("<QQQ", data, end64 + 32)
    found, position = [], offset
    for _ in range(count):
        fields = _CENTRAL.unpack_from(data, position)
        assert fields[0] == b"PK\x01\x02", position
        name_length, extra_length, comment_length = fields[10], fields[11], fields[12]
        start = position + _CENTRAL.size
        raw = data[start:start + name_length]
        extra = _extra_fields(data[start + name_length:start + name_length + extra_length])
        found.append(Record(raw, fields[3], fields[1], fields[15], extra))
        position = start + name_length + extra_length + comment_length
    return found


def _extra_fields(blob: bytes) -> dict[int, bytes]:
    fields, position = {}, 0
    while position + 4 <= len(blob):
        kind, length = struct.unpack_from("<HH", blob, position)
        fields[kind] = blob[position + 4:position + 4 + length]
        position += 4 + length
    return fields


def windows7(record: Record) -> str:
    return record.raw_name.decode("gbk", errors="replace")


def windows10(record: Record) -> str:
    return record.raw_name.decode("utf-8" if record.flags & UTF8_FLAG else "gbk", errors="replace")


def sevenzip(record: Record) -> str:
    unicode_path = record.extra.get(0x7075)
    if unicode_path and unicode_path[0] == 1 and struct.unpack_from("<L", unicode_path, 1)[0] == \
            zlib.crc32(record.raw_name):
        return unicode_path[5:].decode("utf-8")
    return windows10(record)


TOOLS = {"Windows 7 资源管理器": windows7, "Windows 10/11 资源管理器": windows10, "7-Zip/WinRAR/unzip": sevenzip}


def names_as_read(data: bytes) -> dict[str, list[str]]:
    """The names every tool shows, in the archive's order."""
    found = records(data)
    return {tool: [read(record) for record in found] for tool, read in TOOLS.items()}
