// Unstructured partition of PDFs as modern writers save them, through the
// official unstructured-client: objects inside compressed object streams,
// a cross-reference stream, a nested page tree whose pages have several
// content streams or none (page numbers follow the page tree, also when the
// SDK splits the file with pdf-lib), and composite (Type0, Identity-H) fonts
// whose text only their /ToUnicode CMap gives.
//
//   node --test tests/conformance/unstructured/pdf-structure.test.mjs
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, stopServer, file, buildPdf, contentOps, assertOfficialElements } from './helpers.mjs';
import { objectStreamPdf, unicodeFontPdf } from './pdf-samples.mjs';

after(stopServer);

const partition = (ctx, params) => ctx.sdk.general.partition({ partitionParameters: { strategy: 'fast', splitPdfPage: false, ...params } });
const EXPECTED = [
  [1, 'Title', 'Object Stream Report'],
  [1, 'NarrativeText', 'The first stream of page one opens the report.'],
  [1, 'NarrativeText', 'The second stream of page one finishes the same page.'],
  [3, 'NarrativeText', 'Page three shows its text after a drawing.'],
  [4, 'NarrativeText', 'The last page closes the report.'],
];
const view = (els) => els.map((e) => [e.metadata.page_number, e.type, e.text]);

test('pdf: object streams, an xref stream and a nested page tree give the pages in order', async () => {
  const ctx = await newRun();
  const pdf = objectStreamPdf();
  // the page dictionaries and the catalog exist only inside the compressed object stream
  const bytes = pdf.toString('latin1');
  assert.equal(bytes.includes('/Type /Page'), false);
  assert.equal(bytes.includes('/Catalog'), false);
  assert.equal(bytes.includes('trailer'), false);
  const els = await partition(ctx, { files: file('modern.pdf', pdf) });
  assertOfficialElements(els);
  assert.deepEqual(view(els), EXPECTED);
  // page breaks sit between all four pages, the empty one included
  const breaks = await partition(ctx, { files: file('modern.pdf', pdf), includePageBreaks: true });
  assert.deepEqual(breaks.filter((e) => e.type === 'PageBreak').map((e) => e.metadata.page_number), [2, 3, 4]);
  // a starting page number shifts every page
  const shifted = await partition(ctx, { files: file('modern.pdf', pdf), startingPageNumber: 7 });
  assert.deepEqual(shifted.map((e) => e.metadata.page_number), [7, 7, 7, 9, 10]);
});

test('pdf: the SDK\'s page batches (pdf-lib re-saves them with object streams) keep the page numbers', async () => {
  const ctx = await newRun();
  const pdf = objectStreamPdf();
  const whole = await partition(ctx, { files: file('modern.pdf', pdf) });
  const split = await ctx.sdk.general.partition({ partitionParameters: { files: file('modern.pdf', pdf), strategy: 'fast',
    splitPdfPage: true, splitPdfConcurrencyLevel: 2 } });
  assert.deepEqual(view(split), EXPECTED);
  // the same elements; a batch only knows the Titles of its own pages, so parents can differ
  assert.deepEqual(split.map((e) => e.element_id), whole.map((e) => e.element_id));
  // a page range: pages 2-3 of the file, the empty page first
  const range = await ctx.sdk.general.partition({ partitionParameters: { files: file('modern.pdf', pdf), strategy: 'fast',
    splitPdfPage: true, splitPdfPageRange: [2, 3] } });
  assert.deepEqual(view(range), [[3, 'NarrativeText', 'Page three shows its text after a drawing.']]);
});

test('pdf: a file whose catalog names no page tree falls back to its content streams in file order', async () => {
  const ctx = await newRun();
  const good = buildPdf([{ streams: [{ data: contentOps([[11, 'Only the content stream tells this page.']]) }] },
    { streams: [{ data: contentOps([[11, 'And this one the next page.']]) }] }]);
  const broken = Buffer.from(good.toString('latin1').replace('/Pages 2 0 R', '/Pagez 2 0 R'), 'latin1');
  const els = await partition(ctx, { files: file('broken.pdf', broken) });
  assert.deepEqual(els.map((e) => [e.metadata.page_number, e.text]),
    [[1, 'Only the content stream tells this page.'], [2, 'And this one the next page.']]);
});

test('pdf: composite (Type0 Identity-H) fonts map their codes through the ToUnicode CMap to UTF-8', async () => {
  const ctx = await newRun();
  const pdf = unicodeFontPdf();
  const els = await partition(ctx, { files: file('unicode.pdf', pdf) });
  assertOfficialElements(els);
  assert.deepEqual(els.map((e) => [e.metadata.page_number, e.text]), [
    [1, 'Grüße aus 東京'],
    [1, 'Flug 2024 🚀'],
    [1, 'The final price: 5€, “quoted”'],
  ]);
  // without the CMap the codes are glyph ids: no garbled text comes out
  const noCmap = unicodeFontPdf({ toUnicode: false });
  const bare = await partition(ctx, { files: file('unicode.pdf', noCmap) });
  assert.deepEqual(bare.map((e) => e.text), ['The final price: 5€, “quoted”']);
});
