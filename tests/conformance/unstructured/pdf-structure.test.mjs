// Unstructured partition of PDFs as modern writers save them, through the
// official unstructured-client: objects inside compressed object streams,
// a cross-reference stream, a nested page tree whose pages have several
// content streams or none (page numbers follow the page tree, also when the
// SDK splits the file with pdf-lib), and composite (Type0, Identity-H) fonts
// whose text only their /ToUnicode CMap gives, streams written through PNG
// and TIFF predictors, and text drawn inside form XObjects.
//
//   node --test tests/conformance/unstructured/pdf-structure.test.mjs
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, stopServer, file, buildPdf, contentOps, makePdf, assertOfficialElements } from './helpers.mjs';
import { objectStreamPdf, unicodeFontPdf, predictorPdf, formXObjectPdf } from './pdf-samples.mjs';

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
  // the same elements (parents too when the batches arrive in page order, see the next test)
  assert.deepEqual(split.map((e) => e.element_id), whole.map((e) => e.element_id));
  // a page range: pages 2-3 of the file, the empty page first
  const range = await ctx.sdk.general.partition({ partitionParameters: { files: file('modern.pdf', pdf), strategy: 'fast',
    splitPdfPage: true, splitPdfPageRange: [2, 3] } });
  assert.deepEqual(view(range), [[3, 'NarrativeText', 'Page three shows its text after a drawing.']]);
});

test('pdf: parent_id links across the SDK\'s page batches as in one unsplit call', async () => {
  const ctx = await newRun();
  // 45 pages: the SDK (concurrency 1) sends pages 1-20, 21-40 and 41-45 one after another;
  // a section opened on page 1 spans the first batch boundary, one opened on page 30 the second
  const pages = Array.from({ length: 45 }, (_, i) => {
    const lines = [[11, `Page ${i + 1} carries on with the running text of its section.`]];
    if (i === 0) lines.unshift([20, 'Opening Section']);
    if (i === 29) lines.unshift([20, 'Closing Section']);
    return lines;
  });
  const pdf = makePdf(pages);
  const split = await ctx.sdk.general.partition({ partitionParameters: { files: file('sections.pdf', pdf), strategy: 'fast',
    splitPdfPage: true, splitPdfConcurrencyLevel: 1 } });
  const whole = await partition(ctx, { files: file('sections.pdf', pdf) });
  assert.equal(split.length, 47);
  const titles = whole.filter((e) => e.type === 'Title');
  assert.deepEqual(titles.map((e) => e.metadata.page_number), [1, 30]);
  const parentOf = (els, page) => els.find((e) => e.metadata.page_number === page && e.type === 'NarrativeText').metadata.parent_id;
  assert.equal(parentOf(whole, 21), titles[0].element_id);
  assert.equal(parentOf(whole, 41), titles[1].element_id);
  const links = (els) => els.map((e) => [e.element_id, e.metadata.parent_id ?? null]);
  assert.deepEqual(links(split), links(whole));
  // another file of the same run does not inherit the sections: its first batch opens none
  const other = await ctx.sdk.general.partition({ partitionParameters: { files: file('other.pdf', pdf), strategy: 'fast',
    splitPdfPage: true, splitPdfPageRange: [21, 22] } });
  assert.deepEqual(other.map((e) => [e.metadata.page_number, e.metadata.parent_id ?? null]), [[21, null], [22, null]]);
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

test('pdf: PNG predictors (object and xref streams, multi-byte pixels) and the TIFF predictor are undone after inflating', async () => {
  const ctx = await newRun();
  const pdf = predictorPdf();
  const bytes = pdf.toString('latin1');
  assert.equal(bytes.includes('/Predictor 12 /Columns 5'), true);
  assert.equal(bytes.includes('/Predictor 2'), true);
  const els = await partition(ctx, { files: file('predicted.pdf', pdf) });
  assertOfficialElements(els);
  assert.deepEqual(view(els), [
    [1, 'Title', 'Predicted Streams'],
    [1, 'NarrativeText', 'Every row of this stream went through a PNG filter first.'],
    [2, 'NarrativeText', 'The TIFF predictor stores differences between neighbours.'],
  ]);
  assert.equal(els[1].metadata.parent_id, els[0].element_id);
  // a hostile /Columns (far beyond the data) is bounded and yields no text, not a failure
  const hostile = Buffer.from(bytes.replace('/Predictor 2 /Colors 2 /Columns 7', '/Predictor 2 /Colors 2 /Columns 9999999999'), 'latin1');
  const rest = await partition(ctx, { files: file('hostile.pdf', hostile) });
  assert.deepEqual(rest.map((e) => e.metadata.page_number), [1, 1]);
});

test('pdf: text inside form XObjects (Do) appears where the form is drawn, nested forms and cycles included', async () => {
  const ctx = await newRun();
  const els = await partition(ctx, { files: file('forms.pdf', formXObjectPdf()) });
  assertOfficialElements(els);
  assert.deepEqual(view(els), [
    [1, 'Title', 'Quarterly Review'],
    [1, 'NarrativeText', 'The page\'s own text comes between the forms.'],
    [1, 'NarrativeText', 'The body form draws its text with its own resources.'],
    [1, 'NarrativeText', 'A nested form inherits the resources of the form drawing it.'],
    [2, 'Title', 'Quarterly Review'],
    [2, 'NarrativeText', 'This form draws itself but shows its text once.'],
  ]);
  // the same form drawn on two pages is two elements with their own ids
  assert.notEqual(els[0].element_id, els[4].element_id);
  assert.equal(els[5].metadata.parent_id, els[4].element_id);
});
