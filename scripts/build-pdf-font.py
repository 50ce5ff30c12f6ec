#!/usr/bin/python3
"""
Builds the TrueType (glyf) subset of Noto Sans CJK SC Regular that the printable-map PDF embeds
(jsPDF embeds only TrueType outlines; Debian's Noto CJK is CFF). Called by build-pdf-font.ts,
which passes the code points to keep; needs Debian python3-fonttools and fonts-noto-cjk.

Steps: pick the SC face of the collection, subset it to the code points (no layout tables,
no hinting, no vertical metrics), convert each CFF charstring to quadratic glyf outlines with
cu2qu (max error 1 font unit), and write a plain TrueType font.

Usage: /usr/bin/python3 scripts/build-pdf-font.py CODEPOINTS.txt OUT.ttf
"""
import sys
from fontTools.ttLib import TTCollection, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools import subset

SRC = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'
FAMILY = 'Wangge Print Sans SC'
PS_NAME = 'WanggePrintSansSC-Regular'


def main(cp_file: str, out: str) -> None:
    cps = [int(x) for x in open(cp_file).read().split()]
    font = next(f for f in TTCollection(SRC).fonts if f['name'].getDebugName(4) == 'Noto Sans CJK SC')

    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.notdef_outline = True
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    opts.drop_tables += ['BASE', 'GDEF', 'GPOS', 'GSUB', 'VORG', 'vhea', 'vmtx', 'DSIG']
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=cps)
    sub.subset(font)

    # CFF -> glyf (quadratic) outlines
    order = font.getGlyphOrder()
    gs = font.getGlyphSet()
    glyf = newTable('glyf')
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        gs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        g = pen.glyph()
        glyf.glyphs[name] = g if g.numberOfContours else Glyph()
    del font['CFF ']
    font['glyf'] = glyf
    font['loca'] = newTable('loca')
    font.sfntVersion = '\x00\x01\x00\x00'
    font['head'].glyphDataFormat = 0
    maxp = font['maxp']
    maxp.tableVersion = 0x00010000
    for k, v in dict(maxZones=1, maxTwilightPoints=0, maxStorage=0, maxFunctionDefs=0,
                     maxInstructionDefs=0, maxStackElements=0, maxSizeOfInstructions=0,
                     maxComponentElements=0, maxPoints=0, maxContours=0,
                     maxCompositePoints=0, maxCompositeContours=0, maxComponentDepth=0).items():
        setattr(maxp, k, v)
    post = font['post']
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    # renamed: a modified (subset) version of the OFL font
    name = font['name']
    for rec in list(name.names):
        if rec.nameID in (1, 4, 16, 17, 18, 21, 22):
            name.names.remove(rec)
    name.setName(FAMILY, 1, 3, 1, 0x409)
    name.setName(FAMILY, 4, 3, 1, 0x409)
    name.setName(PS_NAME, 6, 3, 1, 0x409)
    name.setName('Subset of Noto Sans CJK SC Regular (glyf outlines) for the Wangge printable map', 3, 3, 1, 0x409)
    font.save(out)  # recalcs bbox, loca, maxp counts
    print(f'{out}: {len(order)} glyphs')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
