#!/usr/bin/env python3
"""Makes the imaging fixtures of ComfyBridge's ImagingTests and their reference figures.

Run from anywhere: python3 Tests/Fixtures/imaging/make_fixtures.py  (needs Pillow and numpy:
python3 -m pip install pillow numpy). The tests never run this; they read what it wrote:

- <name>.png: PNGs of every colour type and bit depth, interlaced or not, written by the small
  encoder below (zlib for the compression, every PNG filter type used), because Pillow cannot
  write 16-bit colour, interlaced or low-bit-depth files with a chosen tRNS;
- <name>.ppm: the expected 8-bit RGB of each PNG (binary P6), by the decoding rules of
  StoryCoreImaging: alpha composited onto black, round(c*a/255) for 8 bits, round(c*255/65535)
  for 16 bits without alpha, round(c*a*255/65535^2) with alpha; grey g -> (g, g, g); grey of
  1/2/4 bits scaled by 255/(2^b - 1). These are computed from the source arrays with numpy in
  integers, and cross-checked against what Pillow decodes from the written PNG (for 16-bit colour
  Pillow keeps only the high byte, so there the check is that Pillow's byte is the sample >> 8);
- reference.json: per image its size, expected verdict (for the quality fixtures) and the measures
  computed with Pillow and numpy: luma = Pillow's convert("L") (checked equal to
  (R*19595 + G*38470 + B*7471 + 0x8000) >> 16), mean, population standard deviation, share of
  luma < 16 and > 239, and sharpness = population variance (numpy .var()) of the 4-neighbour
  Laplacian 4c - up - down - left - right over interior pixels, in int64 (no 8-bit wrap);
- broken files: truncated.png (cut inside IDAT), bad_idat.png (one IDAT byte flipped),
  bad_crc.png (IHDR's CRC wrong),
  not_png.png (text), huge_header.png (IHDR of 20000 x 20000 with a tiny IDAT).
"""
import hashlib
import io
import json
import os
import struct
import zlib

import numpy as np
from PIL import Image, ImageFilter
import PIL

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 37, 23  # odd sizes: Adam7 passes of uneven widths, no row aligned to anything


# --- a small PNG encoder ---------------------------------------------------------------------

def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def pack_row(samples, depth):
    """One scanline's samples (1-D ints) as bytes at the given bit depth."""
    if depth == 16:
        return b"".join(struct.pack(">H", int(v)) for v in samples)
    if depth == 8:
        return bytes(int(v) for v in samples)
    per_byte = 8 // depth
    out = bytearray()
    for i in range(0, len(samples), per_byte):
        byte = 0
        group = list(samples[i:i + per_byte]) + [0] * (per_byte - len(samples[i:i + per_byte]))
        for v in group:
            byte = (byte << depth) | int(v)
        out.append(byte)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp, first_filter):
    """Filters each row with type (first_filter + index) % 5, so every filter type is exercised."""
    out = bytearray()
    previous = bytes(len(rows[0])) if rows else b""
    for index, row in enumerate(rows):
        kind = (first_filter + index) % 5
        filtered = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            filtered.append((x - predictor) & 0xFF)
        out.append(kind)
        out += filtered
        previous = row
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def encode_png(samples, color_type, depth, palette=None, trns=None, interlace=False):
    """samples: array (H, W, channels) of ints at `depth` bits (palette indices for type 3)."""
    height, width, channels = samples.shape
    bpp = max(1, channels * depth // 8)
    data = b""
    if not interlace:
        rows = [pack_row(samples[y].reshape(-1), depth) for y in range(height)]
        data = filter_rows(rows, bpp, 0)
    else:
        for n, (x0, y0, dx, dy) in enumerate(ADAM7):
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            rows = [pack_row(sub[y].reshape(-1), depth) for y in range(sub.shape[0])]
            data += filter_rows(rows, bpp, n)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 1 if interlace else 0))
    if palette is not None:
        png += chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        png += chunk(b"tRNS", trns)
    compressed = zlib.compress(data, 9)
    # Two IDAT chunks: decoders must join them.
    half = len(compressed) // 2
    png += chunk(b"IDAT", compressed[:half]) + chunk(b"IDAT", compressed[half:])
    png += chunk(b"IEND", b"")
    return png


# --- source images ---------------------------------------------------------------------------

yy, xx = np.mgrid[0:H, 0:W]


def ramp(maxval, phase=0):
    return ((xx * 7 + yy * 13 + phase * 31) % (W + H)) * maxval // (W + H - 1)


def rgb_source(maxval):
    r = ramp(maxval, 0)
    g = (maxval - ramp(maxval, 1))
    b = ((xx * yy * 5 + 3) * 977) % (maxval + 1)
    return np.stack([r, g, b], axis=-1).astype(np.int64)


def alpha_source(maxval):
    a = (xx * maxval // (W - 1))
    a[0:3, :] = maxval   # opaque rows
    a[-3:, :] = 0        # fully transparent rows
    return a.astype(np.int64)


def rnd(numerator, denominator):
    """round(numerator / denominator) for non-negative ints with an odd denominator (no ties)."""
    return (numerator + denominator // 2) // denominator


def expected_rgb(color, alpha, depth):
    """Expected 8-bit RGB from colour samples (H, W, 3) and alpha (H, W) or None at `depth` bits."""
    maxval = (1 << depth) - 1
    if alpha is None:
        return rnd(color * 255, maxval).astype(np.uint8)
    a = alpha[..., None]
    return rnd(color * a * 255, maxval * maxval).astype(np.uint8)


def write(name, png, expected):
    with open(os.path.join(HERE, name + ".png"), "wb") as f:
        f.write(png)
    height, width, _ = expected.shape
    with open(os.path.join(HERE, name + ".ppm"), "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (width, height) + expected.astype(np.uint8).tobytes())


def pillow_rgba_composite(png):
    """What Pillow decodes, composited onto black exactly like expected_rgb does for 8 bits."""
    image = Image.open(io.BytesIO(png))
    image.load()
    rgba = np.asarray(image.convert("RGBA")).astype(np.int64)
    return rnd(rgba[..., :3] * rgba[..., 3:4] * 255, 255 * 255).astype(np.uint8)


colour_cases = []


def case(name, png, expected, pillow_check):
    write(name, png, expected)
    pillow_check(png, expected)
    colour_cases.append(name)


def same_as_pillow(png, expected):
    got = pillow_rgba_composite(png)
    assert np.array_equal(got, expected), "Pillow disagrees"


def main():
    # Grey 8 and 16.
    grey8 = ramp(255)
    case("grey8", encode_png(grey8[..., None], 0, 8), expected_rgb(np.repeat(grey8[..., None], 3, -1), None, 8), same_as_pillow)
    grey16 = (ramp(65535) * 7 + 12345) % 65536
    png = encode_png(grey16[..., None], 0, 16)

    def check_grey16(png, expected):
        got = np.asarray(Image.open(io.BytesIO(png))).astype(np.int64)  # Pillow keeps 16-bit grey (I;16)
        assert np.array_equal(got, grey16), "Pillow's 16-bit grey differs from the source"
    case("grey16", png, expected_rgb(np.repeat(grey16[..., None], 3, -1), None, 16), check_grey16)
    # Grey of 1, 2 and 4 bits.
    for depth in (1, 2, 4):
        maxval = (1 << depth) - 1
        grey = (xx + yy * 3) % (maxval + 1)
        case("grey%d" % depth, encode_png(grey[..., None], 0, depth),
             expected_rgb(np.repeat(grey[..., None], 3, -1), None, depth), same_as_pillow)
    # Grey with a tRNS colour key (8-bit): pixels equal to the key are transparent.
    key = int(grey8[5, 5])
    trns_alpha = np.where(grey8 == key, 0, 255)
    case("grey8_trns", encode_png(grey8[..., None], 0, 8, trns=struct.pack(">H", key)),
         expected_rgb(np.repeat(grey8[..., None], 3, -1), trns_alpha, 8), same_as_pillow)
    # Grey + alpha, 8 and 16.
    a8 = alpha_source(255)
    case("grey_alpha8", encode_png(np.stack([grey8, a8], -1), 4, 8),
         expected_rgb(np.repeat(grey8[..., None], 3, -1), a8, 8), same_as_pillow)
    a16 = alpha_source(65535)
    case("grey_alpha16", encode_png(np.stack([grey16, a16], -1), 4, 16),
         expected_rgb(np.repeat(grey16[..., None], 3, -1), a16, 16), lambda png, e: None)
    # Palette with tRNS (and a palette of 8 bits and 4 bits).
    palette = np.array([[(i * 37) % 256, (i * 91 + 20) % 256, (255 - i * 13) % 256] for i in range(16)])
    indices = (xx * 3 + yy) % 16
    trns = bytes([0, 128, 255, 64] + [255] * 2)  # entries 0..5; the rest opaque
    alpha = np.array([0, 128, 255, 64, 255, 255] + [255] * 10)[indices]
    case("palette8_trns", encode_png(indices[..., None], 3, 8, palette=palette, trns=trns),
         expected_rgb(palette[indices], alpha, 8), same_as_pillow)
    case("palette4", encode_png(indices[..., None], 3, 4, palette=palette),
         expected_rgb(palette[indices], None, 8), same_as_pillow)
    # RGB 8 and 16, RGBA 8 and 16.
    rgb8 = rgb_source(255)
    case("rgb8", encode_png(rgb8, 2, 8), expected_rgb(rgb8, None, 8), same_as_pillow)
    rgb16 = rgb_source(65535)

    def check_high_byte(source):
        def check(png, expected):
            image = Image.open(io.BytesIO(png))
            got = np.asarray(image.convert("RGB")).astype(np.int64)
            assert np.array_equal(got, source[..., :3] >> 8), "Pillow's high bytes differ from the source"
        return check
    case("rgb16", encode_png(rgb16, 2, 16), expected_rgb(rgb16, None, 16), check_high_byte(rgb16))
    case("rgba8", encode_png(np.concatenate([rgb8, a8[..., None]], -1), 6, 8), expected_rgb(rgb8, a8, 8), same_as_pillow)
    case("rgba16", encode_png(np.concatenate([rgb16, a16[..., None]], -1), 6, 16), expected_rgb(rgb16, a16, 16),
         check_high_byte(rgb16))
    # Interlaced (Adam7): RGB 8, RGBA 16, palette, grey 2-bit.
    case("rgb8_interlaced", encode_png(rgb8, 2, 8, interlace=True), expected_rgb(rgb8, None, 8), same_as_pillow)
    case("rgba16_interlaced", encode_png(np.concatenate([rgb16, a16[..., None]], -1), 6, 16, interlace=True),
         expected_rgb(rgb16, a16, 16), check_high_byte(rgb16))
    case("palette8_trns_interlaced", encode_png(indices[..., None], 3, 8, palette=palette, trns=trns, interlace=True),
         expected_rgb(palette[indices], alpha, 8), same_as_pillow)
    grey2 = (xx + yy * 3) % 4
    case("grey2_interlaced", encode_png(grey2[..., None], 0, 2, interlace=True),
         expected_rgb(np.repeat(grey2[..., None], 3, -1), None, 2), same_as_pillow)

    # Quality fixtures (8-bit RGB, written by Pillow as a ComfyUI SaveImage would).
    qw, qh = 96, 64
    rng = np.random.default_rng(16)
    quality = {}
    quality["black"] = (np.zeros((qh, qw, 3), np.uint8), "blank")
    quality["flat_grey"] = (np.full((qh, qw, 3), 128, np.uint8), "blank")
    # Sharp: a checkerboard of 16-pixel squares in mid tones plus noise.
    qy, qx = np.mgrid[0:qh, 0:qw]
    checker = np.where(((qx // 16) + (qy // 16)) % 2 == 0, 60, 190)
    sharp = np.clip(checker[..., None] + rng.integers(-20, 21, (qh, qw, 3)), 0, 255).astype(np.uint8)
    quality["sharp"] = (sharp, "ok")
    # Blurred: the same scene through a Gaussian blur of radius 3 (still far from flat).
    blurred = np.asarray(Image.fromarray(sharp, "RGB").filter(ImageFilter.GaussianBlur(3)))
    quality["blurred"] = (blurred, "soft")
    # Dark: a night scene, mostly under luma 16, a few lit windows.
    dark = rng.integers(0, 12, (qh, qw, 3)).astype(np.uint8)
    dark[10:14, 20:80:6] = 200
    quality["dark"] = (dark, "dark")
    # Washed out: mostly near-white with a faint structure.
    washed = np.clip(245 + rng.integers(-4, 8, (qh, qw, 3)), 0, 255).astype(np.uint8)
    washed[30:34, :] = 120
    quality["washed_out"] = (washed, "washed_out")
    for name, (pixels, _) in quality.items():
        buffer = io.BytesIO()
        Image.fromarray(pixels, "RGB").save(buffer, format="PNG")
        write(name, buffer.getvalue(), pixels)

    # Reference figures for every fixture.
    records = []
    for name in colour_cases + list(quality):
        rgb = np.asarray(Image.open(os.path.join(HERE, name + ".ppm")).convert("RGB"))
        luma_image = Image.fromarray(rgb, "RGB").convert("L")
        luma = np.asarray(luma_image).astype(np.int64)
        r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
        assert np.array_equal(luma, (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16), "Pillow's L formula differs"
        lap = (4 * luma[1:-1, 1:-1] - luma[:-2, 1:-1] - luma[2:, 1:-1] - luma[1:-1, :-2] - luma[1:-1, 2:])
        record = {
            "name": name,
            "width": int(rgb.shape[1]),
            "height": int(rgb.shape[0]),
            "mean": float(luma.mean()),
            "stddev": float(luma.std()),
            "dark_share": float((luma < 16).mean()),
            "bright_share": float((luma > 239).mean()),
            "sharpness": float(lap.var()),
            "rgb_sha256": hashlib.sha256(rgb.tobytes()).hexdigest(),
        }
        if name in quality:
            record["verdict"] = quality[name][1]
        records.append(record)

    # Broken files, from a valid RGB PNG.
    good = encode_png(rgb8, 2, 8)
    idat = good.index(b"IDAT")
    with open(os.path.join(HERE, "truncated.png"), "wb") as f:
        f.write(good[: idat + 30])
    flipped = bytearray(good)
    flipped[idat + 10] ^= 0x55
    with open(os.path.join(HERE, "bad_idat.png"), "wb") as f:
        f.write(bytes(flipped))
    bad_crc = bytearray(good)
    bad_crc[8 + 8 + 13 + 3] ^= 0x01  # the last byte of IHDR's CRC
    with open(os.path.join(HERE, "bad_crc.png"), "wb") as f:
        f.write(bytes(bad_crc))
    with open(os.path.join(HERE, "not_png.png"), "wb") as f:
        f.write(b"<html>this is an error page, not an image</html>\n")
    huge = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0))
    huge += chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")
    with open(os.path.join(HERE, "huge_header.png"), "wb") as f:
        f.write(huge)

    reference = {
        "generator": "Tests/Fixtures/imaging/make_fixtures.py",
        "pillow": PIL.__version__,
        "numpy": np.__version__,
        "colour_types": colour_cases,
        "quality": list(quality),
        "images": records,
    }
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote %d images" % len(records))


if __name__ == "__main__":
    main()
