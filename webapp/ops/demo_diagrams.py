"""Diagrams for the demo's 技术方案配图: a three-layer architecture (business systems, shop-floor systems, equipment)
with arrows between the layers and system names in a 5×7 bitmap font, drawn into an RGB PNG without any image
library. Deterministic for a given seed, so the same demo gives the same files."""
import random
import struct
import zlib

WIDTH, HEIGHT = 720, 405
SCALE = 3                                     # a glyph is 15 × 21 pixels
BACKGROUND, INK, LINE = (250, 251, 253), (31, 35, 40), (120, 130, 145)
LAYERS = [                                    # (band colour, box colour, the names to choose from)
    ((233, 241, 251), (29, 95, 168), ["ERP", "PLM", "SRM", "CRM", "BI"]),
    ((234, 246, 238), (31, 122, 61), ["MES", "APS", "QMS", "WMS", "EMS", "SCADA"]),
    ((253, 243, 224), (154, 103, 0), ["PLC", "CNC", "AGV", "RFID", "EDGE", "5G", "IOT"]),
]

FONT = {                                      # every character of the names in LAYERS
    "A": ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
    "B": ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
    "C": ["01110", "10001", "10000", "10000", "10000", "10001", "01110"],
    "D": ["11110", "10001", "10001", "10001", "10001", "10001", "11110"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
    "F": ["11111", "10000", "10000", "11110", "10000", "10000", "10000"],
    "G": ["01110", "10001", "10000", "10111", "10001", "10001", "01111"],
    "I": ["01110", "00100", "00100", "00100", "00100", "00100", "01110"],
    "L": ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
    "M": ["10001", "11011", "10101", "10101", "10001", "10001", "10001"],
    "N": ["10001", "11001", "10101", "10011", "10001", "10001", "10001"],
    "O": ["01110", "10001", "10001", "10001", "10001", "10001", "01110"],
    "P": ["11110", "10001", "10001", "11110", "10000", "10000", "10000"],
    "Q": ["01110", "10001", "10001", "10001", "10101", "10010", "01101"],
    "R": ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
    "S": ["01111", "10000", "10000", "01110", "00001", "00001", "11110"],
    "T": ["11111", "00100", "00100", "00100", "00100", "00100", "00100"],
    "V": ["10001", "10001", "10001", "10001", "10001", "01010", "00100"],
    "W": ["10001", "10001", "10001", "10101", "10101", "10101", "01010"],
    "5": ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    " ": ["00000"] * 7,
}


class Canvas:
    def __init__(self, width: int, height: int, colour):
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(colour) * (width * height))

    def rect(self, x: int, y: int, w: int, h: int, colour) -> None:
        row = bytes(colour) * max(0, min(w, self.width - x))
        for line in range(max(0, y), min(self.height, y + h)):
            start = (line * self.width + x) * 3
            self.pixels[start:start + len(row)] = row

    def frame(self, x: int, y: int, w: int, h: int, colour, thickness: int = 2) -> None:
        for dx, dy, fw, fh in ((0, 0, w, thickness), (0, h - thickness, w, thickness), (0, 0, thickness, h),
                               (w - thickness, 0, thickness, h)):
            self.rect(x + dx, y + dy, fw, fh, colour)

    def text(self, x: int, y: int, text: str, colour) -> None:
        for index, char in enumerate(text):
            glyph = FONT.get(char, FONT[" "])
            for row, bits in enumerate(glyph):
                for col, bit in enumerate(bits):
                    if bit == "1":
                        self.rect(x + (index * 6 + col) * SCALE, y + row * SCALE, SCALE, SCALE, colour)

    def arrow(self, x: int, y1: int, y2: int, colour) -> None:
        """A vertical double-headed arrow (data both ways between two layers)."""
        self.rect(x - 1, y1, 3, y2 - y1, colour)
        for step in range(6):
            self.rect(x - step, y1 + step, 2 * step + 1, 1, colour)
            self.rect(x - step, y2 - step, 2 * step + 1, 1, colour)

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(self.pixels[y * self.width * 3:(y + 1) * self.width * 3])
                       for y in range(self.height))

        def chunk(kind: bytes, body: bytes) -> bytes:
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + \
            chunk(b"IEND", b"")


def text_width(text: str) -> int:
    return (len(text) * 6 - 1) * SCALE


def diagram(seed: int) -> bytes:
    """A PNG of a three-layer system architecture: 3 or 4 boxes per layer, arrows between neighbouring layers."""
    rng = random.Random(seed)
    canvas = Canvas(WIDTH, HEIGHT, BACKGROUND)
    band = (HEIGHT - 40) // 3
    count = rng.randint(3, 4)                 # the same in every layer: the boxes line up, the arrows are straight
    centres = []
    for layer, (tint, colour, names) in enumerate(LAYERS):
        top = 20 + layer * band
        canvas.rect(20, top + 6, WIDTH - 40, band - 12, tint)
        chosen = rng.sample(names, count)
        slot = (WIDTH - 60) // len(chosen)
        row = []
        for index, name in enumerate(chosen):
            w, h = max(text_width(name) + 28, 96), 52
            x = 30 + index * slot + (slot - w) // 2
            y = top + (band - h) // 2
            canvas.rect(x, y, w, h, (255, 255, 255))
            canvas.frame(x, y, w, h, colour, 3)
            canvas.text(x + (w - text_width(name)) // 2, y + (h - 7 * SCALE) // 2, name, INK)
            row.append((x + w // 2, y, y + h))
        centres.append(row)
    for upper, lower in zip(centres, centres[1:]):
        for (x, _top, bottom), (_x, top, _bottom) in zip(upper, lower):
            canvas.arrow(x, bottom + 4, top - 4, LINE)
    return canvas.png()
