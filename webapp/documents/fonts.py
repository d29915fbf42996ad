"""The fonts of the 申报书: the fonts official documents use, each with fallbacks that exist elsewhere.

Official documents name 方正小标宋简体 for the title, 黑体 for first-level headings, 楷体_GB2312 for second-level
headings and guidance, 仿宋_GB2312 for the body and 宋体 in tables. Windows has 宋体, 黑体, 仿宋 and 楷体 (the _GB2312
and 方正 fonts are installed in government offices, not everywhere); Debian has Noto CJK (fonts-noto-cjk) and, when
installed, the AR PL fonts. A Word document names one font per run, so the fallbacks travel in the font table:
`w:altName` is a comma-separated list that Word and WPS try in turn when the named font is missing (ECMA-376
17.8.3.1). LibreOffice ignores it and asks fontconfig instead, so the same lists are also written as fontconfig
aliases (`fontconfig_xml`) for the server's PDF conversion.
"""
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Font:
    name: str
    fallbacks: tuple[str, ...]
    panose: str                       # PANOSE-1 of the font (helps Word pick a look-alike when none is found)
    family: str = "roman"             # roman (serif), swiss (sans), modern, script, auto
    charset: str = "86"               # GB2312
    pitch: str = "variable"
    generic: str = "serif"            # fontconfig's last resort for the family

    @property
    def alt_name(self) -> str:
        return ",".join(self.fallbacks)


LATIN = Font("Times New Roman", ("Liberation Serif", "Tinos"), "02020603050405020304", charset="00")
TITLE = Font("方正小标宋简体", ("方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "宋体", "SimSun",
                          "Noto Serif CJK SC"), "02000000000000000000", family="script")
HEADING = Font("黑体", ("SimHei", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei"),
               "02010609060101010101", family="modern", pitch="fixed", generic="sans-serif")
GUIDE = Font("楷体_GB2312", ("楷体", "KaiTi", "KaiTi_GB2312", "AR PL UKai CN", "Noto Serif CJK SC"),
             "02010609030101010101", family="modern", pitch="fixed")
BODY = Font("仿宋_GB2312", ("仿宋", "FangSong", "FangSong_GB2312", "Noto Serif CJK SC"),
            "02010609030101010101", family="modern", pitch="fixed")
TABLE = Font("宋体", ("SimSun", "Noto Serif CJK SC", "AR PL UMing CN"), "02010600030101010101", family="auto")
# One font for every check mark (□ and ☑ alike), so that all marks of a line have one size. Segoe UI Symbol is on
# every Windows since 7; DejaVu Sans on every Debian.
MARKS = Font("Segoe UI Symbol", ("Segoe UI Emoji", "DejaVu Sans", "Noto Sans Symbols2"), "020B0502040204020203",
             family="swiss", charset="00", generic="sans-serif")

ALL = (LATIN, TITLE, HEADING, GUIDE, BODY, TABLE, MARKS)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def font_table_xml() -> bytes:
    """word/fontTable.xml naming every font of the document with its fallbacks, charset and PANOSE."""
    fonts = "".join(
        f"<w:font w:name={quoteattr(font.name)}><w:altName w:val={quoteattr(font.alt_name)}/>"
        f'<w:panose1 w:val="{font.panose}"/><w:charset w:val="{font.charset}"/>'
        f'<w:family w:val="{font.family}"/><w:pitch w:val="{font.pitch}"/></w:font>'
        for font in ALL)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{_W}">{fonts}</w:fonts>'
            ).encode("utf-8")


def fontconfig_xml(include_system: str = "/etc/fonts/fonts.conf") -> str:
    """A fontconfig file: the system's configuration plus, for each font, its fallbacks as preferred families."""
    aliases = "".join(
        f"<alias binding=\"same\"><family>{escape(font.name)}</family><prefer>"
        + "".join(f"<family>{escape(name)}</family>" for name in font.fallbacks)
        + f"</prefer><default><family>{font.generic}</family></default></alias>"
        for font in ALL)
    return (f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
            f"<fontconfig><include ignore_missing=\"yes\">{escape(include_system)}</include>{aliases}</fontconfig>\n")
