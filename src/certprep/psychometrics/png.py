"""A tiny PNG writer (numpy and zlib only) and the reliability plot drawn with it.

certprep does not depend on a plotting library: the plot is a few lines, dots and 3x5-pixel
labels on an RGB canvas, written as an 8-bit RGB PNG.
"""

from __future__ import annotations

import itertools
import struct
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

from certprep.psychometrics.classification import Reliability

Canvas = npt.NDArray[np.uint8]

_GLYPHS = {  # 3x5 pixels, rows top to bottom
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
    "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
    "6": "111100111101111", "7": "111001001001001", "8": "111101111101111",
    "9": "111101111001111", ".": "000000000000010", " ": "000000000000000",
    "A": "010101111101101", "B": "110101110101110", "C": "111100100100111",
    "D": "110101101101110", "E": "111100110100111", "I": "111010010010111",
    "L": "100100100100111", "O": "111101101101111", "P": "111101111100100",
    "R": "110101110101101", "S": "111100111001111", "T": "111010010010010",
    "V": "101101101101010", "(": "010100100100010", ")": "010001001001010",
    "=": "000111000111000", "N": "101111111111101", "U": "101101101101111",
    "G": "111100101101111", "H": "101101111101101", "F": "111100110100100",
}  # fmt: skip


def encode(image: Canvas) -> bytes:
    """An RGB image (height x width x 3, uint8) as PNG bytes."""
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError("expected an RGB uint8 image")
    height, width = image.shape[:2]
    raw = np.concatenate([np.zeros((height, 1), np.uint8), image.reshape(height, -1)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 9))
        + chunk(b"IEND", b"")
    )


def _line(
    img: Canvas,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    color: tuple[int, int, int],
    dash: int = 0,
) -> None:
    n = int(max(abs(x1 - x0), abs(y1 - y0))) * 2 + 2
    t = np.linspace(0.0, 1.0, n)
    xs = np.rint(x0 + (x1 - x0) * t).astype(int)
    ys = np.rint(y0 + (y1 - y0) * t).astype(int)
    keep = (xs >= 0) & (xs < img.shape[1]) & (ys >= 0) & (ys < img.shape[0])
    if dash:
        keep &= (np.arange(n) // (2 * dash)) % 2 == 0
    img[ys[keep], xs[keep]] = color


def _dot(img: Canvas, x: float, y: float, r: float, color: tuple[int, int, int]) -> None:
    yy, xx = np.ogrid[: img.shape[0], : img.shape[1]]
    img[(xx - x) ** 2 + (yy - y) ** 2 <= r * r] = color


def _text(img: Canvas, x: int, y: int, text: str, scale: int = 2, vertical: bool = False) -> None:
    for k, ch in enumerate(text.upper()):
        glyph = np.array([int(v) for v in _GLYPHS.get(ch, _GLYPHS[" "])], dtype=bool).reshape(5, 3)
        block = np.kron(glyph, np.ones((scale, scale), dtype=bool))
        if vertical:
            block = np.rot90(block)
            oy, ox = y - (k + 1) * 4 * scale, x
        else:
            oy, ox = y, x + k * 4 * scale
        h, w = block.shape
        if oy >= 0 and ox >= 0 and oy + h <= img.shape[0] and ox + w <= img.shape[1]:
            img[oy : oy + h, ox : ox + w][block] = (20, 20, 20)


def reliability_plot(rel: Reliability, title: str = "", size: int = 480) -> Canvas:
    """Observed pass rate against mean predicted probability per bin, with the diagonal."""
    img = np.full((size, size, 3), 255, dtype=np.uint8)
    left, top, side = 70, 40, size - 110

    def px(p: float) -> float:
        return left + p * side

    def py(p: float) -> float:
        return top + (1 - p) * side

    for k in range(11):
        v = k / 10
        _line(img, px(v), py(0), px(v), py(1), (230, 230, 230))
        _line(img, px(0), py(v), px(1), py(v), (230, 230, 230))
    for k in (0, 5, 10):
        label = "1" if k == 10 else ("0" if k == 0 else ".5")
        _text(img, int(px(k / 10)) - 4 * len(label), int(py(0)) + 8, label)
        _text(img, left - 12 - 8 * len(label), int(py(k / 10)) - 5, label)
    _line(img, px(0), py(0), px(1), py(1), (150, 150, 150), dash=4)
    _line(img, px(0), py(0), px(1), py(0), (0, 0, 0))
    _line(img, px(0), py(0), px(0), py(1), (0, 0, 0))
    _text(img, left + side // 2 - 70, size - 30, "PREDICTED P(PASS)")
    _text(img, 14, top + side // 2 + 70, "OBSERVED RATE", vertical=True)
    if title:
        _text(img, left, 12, title)
    total = max(int(rel.count.sum()), 1)
    points = list(zip(rel.predicted, rel.observed, rel.count, strict=True))
    for (p0, o0, _), (p1, o1, _) in itertools.pairwise(points):
        _line(img, px(p0), py(o0), px(p1), py(o1), (40, 90, 200))
    for p, o, n in points:
        _dot(img, px(p), py(o), 3 + 9 * np.sqrt(n / total), (40, 90, 200))
    return img


def write_png(path: Path, image: Canvas) -> None:
    path.write_bytes(encode(image))
