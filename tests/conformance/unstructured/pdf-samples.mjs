// PDFs for the Unstructured tests as modern writers save them (object
// streams, xref streams, Type0 fonts with ToUnicode CMaps, FlateDecode
// predictors, form XObjects).  Also the seeds
// of tests/fuzz/corpus/partition:
//   node tests/conformance/unstructured/pdf-samples.mjs tests/fuzz/corpus/partition
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { buildModernPdf, contentOps } from './helpers.mjs';

const flate = (text) => ({ dict: '/Filter /FlateDecode', data: deflateSync(Buffer.from(text, 'latin1')) });

/** Four pages under a nested page tree (fonts inherited from the root):
 *  page 1 has two content streams, page 2 none, page 3 a drawing-only
 *  stream and then text, page 4 one stream.  Content streams are written in
 *  an order unlike the pages'. */
export function objectStreamPdf() {
  return buildModernPdf([
    /* 1 */ '<< /Type /Catalog /Pages 2 0 R >>',
    /* 2 */ '<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 4 /Resources << /Font << /F1 7 0 R >> >> >>',
    /* 3 */ '<< /Type /Pages /Parent 2 0 R /Kids [4 0 R 5 0 R] /Count 2 >>',
    /* 4 */ '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents [9 0 R 8 0 R] >>',
    /* 5 */ '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] >>',
    /* 6 */ '<< /Type /Pages /Parent 2 0 R /Kids [12 0 R 13 0 R] /Count 2 >>',
    /* 7 */ '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    /* 8 */ flate(contentOps([[11, 'The second stream of page one finishes the same page.']])),
    /* 9 */ flate(contentOps([[20, 'Object Stream Report'], [11, 'The first stream of page one opens the report.']])),
    /* 10 */ flate('q 0 0 1 RG 72 700 m 540 700 l S Q'),
    /* 11 */ flate(contentOps([[11, 'Page three shows its text after a drawing.']])),
    /* 12 */ '<< /Type /Page /Parent 6 0 R /MediaBox [0 0 612 792] /Contents [10 0 R 11 0 R] >>',
    /* 13 */ '<< /Type /Page /Parent 6 0 R /MediaBox [0 0 612 792] /Contents 14 0 R >>',
    /* 14 */ flate(contentOps([[11, 'The last page closes the report.']])),
  ], 1);
}

/** UTF-16BE hex of a string (surrogate pairs for astral characters). */
const utf16hex = (s) => Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase();

/** A Word/Chrome-like page: a Type0 font with Identity-H two-byte codes
 *  that are glyph ids, readable only through its ToUnicode CMap (bfchar,
 *  a counting bfrange for the digits, an array bfrange for 東京, a
 *  surrogate pair), and a simple font whose ToUnicode maps a ligature. */
export function unicodeFontPdf({ toUnicode = true } = {}) {
  const codes = new Map();
  let next = 0x0021;
  const bfchar = [];
  const codeOf = (ch) => {
    if (/[0-9]/.test(ch)) return 0x0100 + Number(ch);           // the bfrange <0100> <0109> <0030>
    if (ch === '東') return 0x0200;                               // the bfrange array
    if (ch === '京') return 0x0201;
    if (!codes.has(ch)) {
      codes.set(ch, next);
      bfchar.push(`<${next.toString(16).padStart(4, '0')}> <${utf16hex(ch)}>`);
      next += 3;                                                  // glyph ids are not contiguous
    }
    return codes.get(ch);
  };
  const hex = (s) => `<${[...s].map((ch) => codeOf(ch).toString(16).padStart(4, '0')).join('')}>`;
  const line1 = hex('Grüße aus 東京');
  const tj = `[${hex('Flug')} -300 ${hex('2024')} -300 ${hex('🚀')}]`;
  const cmap = `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
${bfchar.length} beginbfchar
${bfchar.join('\n')}
endbfchar
2 beginbfrange
<0100> <0109> <0030>
<0200> <0201> [<6771> <4EAC>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
`;
  const simpleCmap = `begincmap
1 begincodespacerange <00> <FF> endcodespacerange
1 beginbfchar <01> <00660069> endbfchar
endcmap
`;
  const content = `BT /F1 12 Tf 72 720 Td ${line1} Tj ET
BT /F1 12 Tf 72 690 Td ${tj} TJ ET
BT /F2 11 Tf 72 660 Td (The \\001nal price: 5\\200, \\223quoted\\224) Tj ET`;
  return buildModernPdf([
    /* 1 */ '<< /Type /Catalog /Pages 2 0 R >>',
    /* 2 */ '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    /* 3 */ '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R /F2 7 0 R >> >> /Contents 8 0 R >>',
    /* 4 */ `<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+NotoSans /Encoding /Identity-H /DescendantFonts [5 0 R]${toUnicode ? ' /ToUnicode 6 0 R' : ''} >>`,
    /* 5 */ '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+NotoSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /CIDToGIDMap /Identity >>',
    /* 6 */ flate(cmap),
    /* 7 */ '<< /Type /Font /Subtype /TrueType /BaseFont /Arial /Encoding /WinAnsiEncoding /ToUnicode 9 0 R >>',
    /* 8 */ flate(content),
    /* 9 */ { dict: '', data: Buffer.from(simpleCmap, 'latin1') },
  ], 1);
}

/** PNG-predicts data in rows of `columns` bytes (one colour, 8 bits), the
 *  row filters cycling None, Sub, Up, Average, Paeth, as PNG encoders
 *  choose per row.  Returns { data, parms }. */
export function pngPredict(raw, columns, bpp = 1) {
  const rows = [];
  let prev = Buffer.alloc(columns);
  for (let at = 0, r = 0; at < raw.length; at += columns, r++) {
    const row = Buffer.alloc(columns);
    raw.copy(row, 0, at, Math.min(at + columns, raw.length));
    const filter = r % 5;
    const out = Buffer.alloc(columns + 1);
    out[0] = filter;
    for (let i = 0; i < columns; i++) {
      const left = i >= bpp ? row[i - bpp] : 0, up = prev[i], upLeft = i >= bpp ? prev[i - bpp] : 0;
      let pred = 0;
      if (filter === 1) pred = left;
      else if (filter === 2) pred = up;
      else if (filter === 3) pred = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft, pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
        pred = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      out[i + 1] = (row[i] - pred) & 0xff;
    }
    rows.push(out);
    prev = row;
  }
  const colors = bpp === 1 ? '' : ` /Colors ${bpp}`;
  return { data: Buffer.concat(rows), parms: `<< /Predictor 12 /Columns ${columns / bpp}${colors} >>` };
}

/** TIFF predictor 2 (8-bit components): each byte less the one `colors` to its left in its row. */
export function tiffPredict(raw, columns, colors = 1) {
  const rowBytes = columns * colors;
  const out = Buffer.from(raw);
  for (let at = 0; at < raw.length; at += rowBytes)
    for (let i = at + colors; i < Math.min(at + rowBytes, raw.length); i++) out[i] = (raw[i] - raw[i - colors]) & 0xff;
  return out;
}

/** A PDF whose object stream and xref stream are PNG-predicted (/Predictor
 *  12, as Acrobat and iText write them) and whose content streams use a PNG
 *  predictor with 3 colours (bytes per pixel 3) and the TIFF predictor. */
export function predictorPdf() {
  const png = (text, columns, bpp) => {
    const { data, parms } = pngPredict(Buffer.from(text, 'latin1'), columns, bpp);
    return { dict: `/Filter /FlateDecode /DecodeParms ${parms}`, data: deflateSync(data) };
  };
  const tiff = (text) => ({ dict: '/Filter [/FlateDecode] /DecodeParms [<< /Predictor 2 /Colors 2 /Columns 7 >>]',
    data: deflateSync(tiffPredict(Buffer.from(text, 'latin1'), 7, 2)) });
  return buildModernPdf([
    /* 1 */ '<< /Type /Catalog /Pages 2 0 R >>',
    /* 2 */ '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /Resources << /Font << /F1 5 0 R >> >> >>',
    /* 3 */ '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R >>',
    /* 4 */ '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R >>',
    /* 5 */ '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    /* 6 */ png(contentOps([[20, 'Predicted Streams'], [11, 'Every row of this stream went through a PNG filter first.']]), 9, 3),
    /* 7 */ tiff(contentOps([[11, 'The TIFF predictor stores differences between neighbours.']])),
  ], 1, { predict: (raw) => pngPredict(raw, 5) });
}

/** Text drawn by form XObjects (Do): a header form drawn on both pages, a
 *  form nested in a form with its own font resources, a form that draws
 *  itself (a cycle), and an image XObject that shows no text. */
export function formXObjectPdf() {
  const stream = (dict, text) => ({ dict, data: deflateSync(Buffer.from(text, 'latin1')) });
  const form = (extra, text) => stream(`/Filter /FlateDecode /Type /XObject /Subtype /Form /BBox [0 0 612 792] ${extra}`, text);
  return buildModernPdf([
    /* 1 */ '<< /Type /Catalog /Pages 2 0 R >>',
    /* 2 */ '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
    /* 3 */ '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> /XObject << /Hdr 7 0 R /Body 8 0 R /Im0 11 0 R >> >> /Contents 6 0 R >>',
    /* 4 */ '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> /XObject << /Hdr 7 0 R /Loop 10 0 R >> >> /Contents 12 0 R >>',
    /* 5 */ '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    /* 6 */ stream('/Filter /FlateDecode', `q /Hdr Do Q
BT /F1 11 Tf 72 700 Td (The page's own text comes between the forms.) Tj ET
q 1 0 0 1 0 -200 cm /Im0 Do /Body Do Q`),
    /* 7 */ form('', contentOps([[20, 'Quarterly Review']])),
    /* 8 */ form('/Resources << /Font << /FB 5 0 R >> /XObject << /Inner 9 0 R >> >>',
      `BT /FB 11 Tf 72 500 Td (The body form draws its text with its own resources.) Tj ET\n/Inner Do`),
    /* 9 */ form('', 'BT /FB 11 Tf 72 400 Td (A nested form inherits the resources of the form drawing it.) Tj ET'),
    /* 10 */ form('/Resources << /Font << /F1 5 0 R >> /XObject << /Loop 10 0 R >> >>',
      'BT /F1 11 Tf 72 500 Td (This form draws itself but shows its text once.) Tj ET /Loop Do'),
    /* 11 */ { dict: '/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8', data: Buffer.from('BT (not text) Tj ET', 'latin1') },
    /* 12 */ stream('/Filter /FlateDecode', '/Hdr Do\n/Loop Do'),
  ], 1);
}

// Writes the fuzz seeds: the first byte picks the PDF partitioner (0) and options.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) {
  const seed = (pick, pdf) => Buffer.concat([Buffer.from([pick]), pdf]);
  writeFileSync(join(process.argv[2], 'objstm-pages.pdf'), seed(0x00, objectStreamPdf()));
  writeFileSync(join(process.argv[2], 'objstm-pages-by-page.pdf'), seed(0x12, objectStreamPdf()));
  writeFileSync(join(process.argv[2], 'type0-tounicode.pdf'), seed(0x00, unicodeFontPdf()));
  writeFileSync(join(process.argv[2], 'predictors.pdf'), seed(0x00, predictorPdf()));
  writeFileSync(join(process.argv[2], 'form-xobjects.pdf'), seed(0x00, formXObjectPdf()));
}
