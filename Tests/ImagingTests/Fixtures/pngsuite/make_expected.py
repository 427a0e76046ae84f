#!/usr/bin/env python3
"""Writes expected-rgba.txt: for each PNG here, its RGBA8 pixels as libpng produces them, decoded
independently with pypng (https://pypi.org/project/pypng/, pure Python):

    PYTHONPATH=/path/to/pypng/code python3 make_expected.py

Conversions follow the libpng transforms that mw_png.c asks for: palette -> RGB(A) with tRNS;
grey 1/2/4 bits scaled to 8 (v * 255 / (2^n - 1)); 16-bit samples keep their high byte
(png_set_strip_16); grey and RGB pixels equal to tRNS get alpha 0 (compared at full depth);
no gamma correction. Each line: name width height fnv1a64(rgba) in hex.
"""
import os
import png

FNV_OFFSET, FNV_PRIME = 0xcbf29ce484222325, 0x100000001b3


def fnv1a64(data):
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h


def to8(v, depth):
    if depth == 16:
        return v >> 8
    return v * 255 // ((1 << depth) - 1)


def rgba(path):
    width, height, rows, info = png.Reader(filename=path).read()
    depth = info['bitdepth']
    palette = info.get('palette')
    transparent = info.get('transparent')
    planes = info['planes']
    out = bytearray()
    for row in rows:
        row = list(row)
        for x in range(width):
            px = row[x * planes:(x + 1) * planes]
            if palette is not None:
                entry = palette[px[0]]
                out += bytes(entry[:3]) + bytes([entry[3] if len(entry) == 4 else 255])
                continue
            alpha = 255
            if info['alpha']:
                alpha = to8(px[-1], depth)
                px = px[:-1]
            elif transparent is not None and tuple(px) == tuple(transparent):
                alpha = 0
            if info['greyscale']:
                px = px * 3
            out += bytes(to8(v, depth) for v in px) + bytes([alpha])
    return width, height, bytes(out)


here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'expected-rgba.txt'), 'w') as manifest:
    for name in sorted(os.listdir(here)):
        if name.endswith('.png'):
            w, h, pixels = rgba(os.path.join(here, name))
            assert len(pixels) == w * h * 4
            manifest.write('%s %d %d %016x\n' % (name[:-4], w, h, fnv1a64(pixels)))
