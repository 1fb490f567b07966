"""Just enough PNG reading for the download tests, with the standard library only: the
header's size and format, and the pixels of the 8-bit RGBA, non-interlaced pictures that
resvg writes (Pillow is not a dependency, and a test should not need one)."""

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, in order; checks the signature and each CRC."""
    assert png[:8] == SIGNATURE, png[:8]
    found, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + data) == crc, f"bad CRC in {kind!r}"
        found.append((kind, data))
        at += 12 + length
    return found


def header(png: bytes) -> dict:
    kind, data = chunks(png)[0]
    assert kind == b"IHDR"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data)
    return {"width": width, "height": height, "depth": depth, "colour": colour, "interlace": interlace}


def pixels(png: bytes) -> list[bytes]:
    """The picture's rows, each `width` RGBA pixels of 4 bytes, with PNG's filters undone."""
    h = header(png)
    assert (h["depth"], h["colour"], h["interlace"]) == (8, 6, 0), h  # 8-bit RGBA, not interlaced
    raw = zlib.decompress(b"".join(data for kind, data in chunks(png) if kind == b"IDAT"))
    stride, bpp = h["width"] * 4, 4
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(h["height"]):
        kind, line = raw[at], bytearray(raw[at + 1 : at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = previous[i - bpp] if i >= bpp else 0
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                nearest = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + nearest) & 0xFF
            else:
                assert kind == 0, f"unknown PNG filter {kind}"
        rows.append(bytes(line))
        previous = line
    return rows


def colours(png: bytes) -> set[bytes]:
    """Every distinct RGBA colour in the picture."""
    return {row[i : i + 4] for row in pixels(png) for i in range(0, len(row), 4)}
