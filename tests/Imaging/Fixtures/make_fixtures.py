#!/usr/bin/env python3
"""Regenerates the tiny imaging fixtures (development time only; the tests never run this).

Needs: python3, libjpeg-turbo-progs (cjpeg), webp (cwebp, img2webp), imagemagick (convert).
Every fixture has known pixels, listed in ImagingFixtures.cs.
"""
import struct, subprocess, zlib, os

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

def png(width, height, bit_depth, colour_type, rows, extra=b""):
    """rows: list of raw row bytes (without filter byte)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    raw = b"".join(b"\x00" + r for r in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

def ppm(name, width, height, pixel):
    data = bytearray()
    for y in range(height):
        for x in range(width):
            data += bytes(pixel(x, y))
    write(name, b"P6 %d %d 255\n" % (width, height) + bytes(data))

# Quadrants of a 32x16 image: top-left red, top-right green, bottom-left blue, bottom-right white.
def quadrants(x, y):
    return [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)][(2 if y >= 8 else 0) + (1 if x >= 16 else 0)]

# 16-bit RGB, 4x1, no gAMA/sRGB: white, 0x8080 grey, black, (0x4040, 0x8080, 0xC0C0).
px16 = [(0xFFFF,) * 3, (0x8080,) * 3, (0,) * 3, (0x4040, 0x8080, 0xC0C0)]
write("rgb16.png", png(4, 1, 16, 2, [b"".join(struct.pack(">HHH", *p) for p in px16)]))

# Palette (colour type 3, 8-bit), 3x1: red, green, blue.
plte = chunk(b"PLTE", bytes([255, 0, 0, 0, 255, 0, 0, 0, 255]))
write("palette.png", png(3, 1, 8, 3, [bytes([0, 1, 2])], plte))

# Greyscale 8-bit, 4x1: 0, 64, 128, 255.
write("gray.png", png(4, 1, 8, 0, [bytes([0, 64, 128, 255])]))

# RGBA 8-bit, 3x1: fully transparent black, opaque red, blue at alpha 128.
rgba = bytes([0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 128])
write("alpha.png", png(3, 1, 8, 6, [rgba]))

# Lossless WebP from an 8x2 RGB PNG: row 0 red, row 1 (10, 20, 30).
write("_opaque.png", png(8, 2, 8, 2, [bytes([255, 0, 0] * 8), bytes([10, 20, 30] * 8)]))
subprocess.run(["cwebp", "-quiet", "-lossless", "-exact", "_opaque.png", "-o", "lossless.webp"], check=True)

# WebP with alpha (lossless, exact): 4x1 transparent, opaque green, green at alpha 128, opaque (1, 2, 3).
write("_alpha4.png", png(4, 1, 8, 6, [bytes([0, 0, 0, 0, 0, 255, 0, 255, 0, 255, 0, 128, 1, 2, 3, 255])]))
subprocess.run(["cwebp", "-quiet", "-lossless", "-exact", "_alpha4.png", "-o", "alpha.webp"], check=True)

# Animated WebP: two 4x4 frames.
write("_f1.png", png(4, 4, 8, 2, [bytes([255, 0, 0] * 4)] * 4))
write("_f2.png", png(4, 4, 8, 2, [bytes([0, 0, 255] * 4)] * 4))
subprocess.run(["img2webp", "-lossless", "_f1.png", "_f2.png", "-o", "animated.webp"], check=True)

# Greyscale JPEG, 16x8: left half 40, right half 200.
ppm("_gray.ppm", 16, 8, lambda x, y: (40,) * 3 if x < 8 else (200,) * 3)
subprocess.run(["cjpeg", "-grayscale", "-quality", "95", "-outfile", "gray.jpg", "_gray.ppm"], check=True)

# Quadrant JPEG (4:4:4) and its Adobe CMYK twin.
ppm("_quad.ppm", 32, 16, quadrants)
subprocess.run(["cjpeg", "-quality", "95", "-sample", "1x1", "-outfile", "_quad.jpg", "_quad.ppm"], check=True)
subprocess.run(["convert", "_quad.ppm", "-colorspace", "CMYK", "-quality", "95", "cmyk_adobe.jpg"], check=True)

# EXIF orientation 6 (big-endian TIFF) and 3 (little-endian TIFF), inserted as APP1 right after SOI.
def exif_app1(orientation, big_endian):
    e = ">" if big_endian else "<"
    tiff = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, 8)
    tiff += struct.pack(e + "H", 1) + struct.pack(e + "HHI", 0x0112, 3, 1) + struct.pack(e + "HH", orientation, 0) + struct.pack(e + "I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xFF\xE1" + struct.pack(">H", len(payload) + 2) + payload

quad = open("_quad.jpg", "rb").read()
write("exif6.jpg", quad[:2] + exif_app1(6, True) + quad[2:])
write("exif3.jpg", quad[:2] + exif_app1(3, False) + quad[2:])

# Lossy WebP with the orientation-6 EXIF chunk (VP8X + VP8 + EXIF).
subprocess.run(["cwebp", "-quiet", "-q", "95", "-metadata", "exif", "exif6.jpg", "-o", "exif6.webp"], check=True)

# Formats the service refuses.
subprocess.run(["convert", "_f1.png", "tiny.gif"], check=True)
subprocess.run(["convert", "_f1.png", "BMP3:tiny.bmp"], check=True)

for f in os.listdir("."):
    if f.startswith("_"):
        os.remove(f)
