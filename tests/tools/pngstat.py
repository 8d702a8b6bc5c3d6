#!/usr/bin/python3
"""Print what a person would first see in a PNG: WIDTH HEIGHT COLOURS INK,
where COLOURS counts distinct RGB colours and INK is the share of pixels
that are not white (0..1, four decimals).  A blank page is 1 colour, 0 ink."""
import sys

from PIL import Image

im = Image.open(sys.argv[1]).convert("RGB")
w, h = im.size
px = list(im.getdata())
ink = sum(1 for p in px if p != (255, 255, 255))
print(w, h, len(set(px)), "%.4f" % (ink / (w * h)))
