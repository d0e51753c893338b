// Unstructured chunking (chunking_strategy on POST /general/v0/general)
// through the official unstructured-client: pre-chunks of whole elements
// within max_characters / new_after_n_chars, by_title's sections and
// combining, text-splitting with overlap, tables alone, orig_elements.
//
//   node --test tests/conformance/unstructured/
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { newRun, raw, rejects, stopServer, file, makePdf, assertOfficialElements } from './helpers.mjs';

after(stopServer);

const DOC = `Introduction

Unstructured turns documents into elements that keep their structure.

Chunking joins those elements into pieces sized for embedding models.

Details

Each chunk is a CompositeElement whose text joins its elements with blank lines.
`;
const INTRO = 'Introduction';
const A = 'Unstructured turns documents into elements that keep their structure.';
const B = 'Chunking joins those elements into pieces sized for embedding models.';
const DETAILS = 'Details';
const C = 'Each chunk is a CompositeElement whose text joins its elements with blank lines.';
const join = (...t) => t.join('\n\n');

const partition = (ctx, params) => ctx.sdk.general.partition({ partitionParameters: { strategy: 'fast', splitPdfPage: false, ...params } });
const texts = (els) => els.map((e) => e.text);

test('by_title: a new chunk at each Title, small sections combined, metadata consolidated, orig_elements', async () => {
  const ctx = await newRun();
  const elements = await partition(ctx, { files: file('doc.txt', DOC) });
  assert.deepEqual(texts(elements), [INTRO, A, B, DETAILS, C]);
  const sections = await partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'by_title', combineUnderNChars: 0 });
  assertOfficialElements(sections);
  assert.deepEqual(sections.map((e) => [e.type, e.text]), [
    ['CompositeElement', join(INTRO, A, B)],
    ['CompositeElement', join(DETAILS, C)],
  ]);
  for (const c of sections) {
    assert.match(c.element_id, /^[0-9a-f]{32}$/);
    assert.deepEqual(c.metadata.languages, ['eng']);
    assert.equal(c.metadata.filename, 'doc.txt');
    assert.equal(c.metadata.filetype, 'text/plain');
    assert.equal(c.metadata.page_number, 1);
    assert.equal(c.metadata.parent_id, undefined);
  }
  // orig_elements (on by default): the chunk's own elements, gzipped JSON in base64
  const orig = JSON.parse(gunzipSync(Buffer.from(sections[1].metadata.orig_elements, 'base64')).toString('utf8'));
  assert.deepEqual(orig, elements.slice(3));
  // the default combine_under_n_chars (= max_characters) joins sections while they fit
  const combined = await partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'by_title', includeOrigElements: false });
  assert.deepEqual(texts(combined), [join(INTRO, A, B, DETAILS, C)]);
  assert.equal(combined[0].metadata.orig_elements, undefined);
  // ... but not past max_characters: the first section is 160 chars, both 250
  const capped = await partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'by_title', maxCharacters: 200 });
  assert.deepEqual(texts(capped), [join(INTRO, A, B), join(DETAILS, C)]);
  // deterministic ids; another file name, other ids
  assert.deepEqual(await partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'by_title', combineUnderNChars: 0 }), sections);
  const renamed = await partition(ctx, { files: file('other.txt', DOC), chunkingStrategy: 'by_title', combineUnderNChars: 0 });
  assert.notEqual(renamed[0].element_id, sections[0].element_id);
});

test('basic: whole elements up to max_characters, new_after_n_chars as the soft limit; Titles are not boundaries', async () => {
  const ctx = await newRun();
  const all = await partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'basic' });
  assert.deepEqual(texts(all), [join(INTRO, A, B, DETAILS, C)]);
  // 150: Introduction + A (84) fits, + B would be 155
  const hard = await partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'basic', maxCharacters: 150 });
  assert.deepEqual(texts(hard), [join(INTRO, A), join(B, DETAILS), C]);
  for (const c of hard) assert.ok(c.text.length <= 150);
  // a chunk over the soft limit takes no more elements
  const soft = await partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'basic', newAfterNChars: 80 });
  assert.deepEqual(texts(soft), [join(INTRO, A), join(B, DETAILS, C)]);
  const each = await partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'basic', newAfterNChars: 0 });
  assert.deepEqual(texts(each), [INTRO, A, B, DETAILS, C]);
  assert.ok(each.every((c) => c.type === 'CompositeElement'));
});

test('text-splitting: an oversized element splits at spaces (else mid-word), overlap repeats the tail, continuations marked', async () => {
  const ctx = await newRun();
  const words = await partition(ctx, { files: file('w.txt', 'alpha beta gamma delta\n'), chunkingStrategy: 'basic', maxCharacters: 12 });
  assert.deepEqual(texts(words), ['alpha beta', 'gamma delta']);
  assert.equal(words[0].metadata.is_continuation, undefined);
  assert.equal(words[1].metadata.is_continuation, true);
  const overlapped = await partition(ctx, { files: file('w.txt', 'alpha beta gamma delta\n'), chunkingStrategy: 'basic', maxCharacters: 12, overlap: 4 });
  assert.deepEqual(texts(overlapped), ['alpha beta', 'eta gamma', 'mma delta']);
  const letters = await partition(ctx, { files: file('l.txt', 'abcdefghijklmnopqrstuvwxyz\n'), chunkingStrategy: 'basic', maxCharacters: 10, overlap: 2 });
  assert.deepEqual(texts(letters), ['abcdefghij', 'ijklmnopqr', 'qrstuvwxyz']);
  // overlap_all also carries the tail of a whole-element chunk into the next
  const all = await partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'basic', maxCharacters: 150, overlap: 10, overlapAll: true });
  assert.deepEqual(texts(all), [join(INTRO, A), join('structure.', B, DETAILS), join('.', DETAILS, C)]);
  // code points, not bytes: 12 two-byte letters fit in 12
  const greek = await partition(ctx, { files: file('g.txt', 'αβγδεζ ηθικλμ νξοπρσ\n'), chunkingStrategy: 'basic', maxCharacters: 13 });
  assert.deepEqual(texts(greek), ['αβγδεζ ηθικλμ', 'νξοπρσ']);
});

test('tables stand alone: Table with text_as_html when it fits, TableChunks when split', async () => {
  const ctx = await newRun();
  const md = `Prices

| name | amount |
| --- | --- |
| Alpha | 1 |
| Beta | 2 |

Totals follow the table.
`;
  const els = await partition(ctx, { files: file('p.md', md) });
  const table = els.find((e) => e.type === 'Table');
  assert.ok(table, JSON.stringify(els));
  const chunks = await partition(ctx, { files: file('p.md', md), chunkingStrategy: 'by_title' });
  assertOfficialElements(chunks);
  assert.deepEqual(chunks.map((e) => e.type), ['CompositeElement', 'Table', 'CompositeElement']);
  assert.equal(chunks[1].text, table.text.split(/\s+/).join(' ').trim());
  assert.equal(chunks[1].metadata.text_as_html, table.metadata.text_as_html);
  const csv = await partition(ctx, { files: file('t.csv', 'name,amount\nAlpha,1\nBeta,2\n'), chunkingStrategy: 'basic', maxCharacters: 12 });
  assert.deepEqual(csv.map((e) => [e.type, e.text, e.metadata.chunk_index, e.metadata.is_continuation]), [
    ['TableChunk', 'name amount', 0, undefined], ['TableChunk', 'Alpha 1 Beta', 1, true], ['TableChunk', '2', 2, true],
  ]);
  assert.equal(new Set(csv.map((e) => e.metadata.table_id)).size, 1);
});

test('pages: by_title sections span pages unless multipage_sections is false; by_page breaks at each page', async () => {
  const ctx = await newRun();
  const pdf = makePdf([
    [[20, 'Annual Summary'], [11, 'The company grew in every region during the year.']],
    [[11, 'Sales in Europe doubled, led by the new partner network.']],
    [[18, 'Risks'], [11, 'Supply chains remain the main risk.']],
  ]);
  const span = await partition(ctx, { files: file('s.pdf', pdf), chunkingStrategy: 'by_title', combineUnderNChars: 0 });
  assert.deepEqual(span.map((c) => [c.metadata.page_number, c.text]), [
    [1, join('Annual Summary', 'The company grew in every region during the year.', 'Sales in Europe doubled, led by the new partner network.')],
    [3, join('Risks', 'Supply chains remain the main risk.')],
  ]);
  const paged = await partition(ctx, { files: file('s.pdf', pdf), chunkingStrategy: 'by_title', combineUnderNChars: 0, multipageSections: false });
  assert.deepEqual(paged.map((c) => [c.metadata.page_number, c.text]), [
    [1, join('Annual Summary', 'The company grew in every region during the year.')],
    [2, 'Sales in Europe doubled, led by the new partner network.'],
    [3, join('Risks', 'Supply chains remain the main risk.')],
  ]);
  const byPage = await partition(ctx, { files: file('s.pdf', pdf), chunkingStrategy: 'by_page' });
  assert.deepEqual(byPage.map((c) => c.metadata.page_number), [1, 2, 3]);
});

test('chunking errors: bad integers are 422s, impossible sizes the library\'s 400 detail', async () => {
  const ctx = await newRun();
  const h = { 'unstructured-api-key': ctx.key };
  const fd = new FormData();
  fd.append('files', new Blob([DOC]), 'doc.txt');
  fd.append('chunking_strategy', 'by_title');
  fd.append('max_characters', 'lots');
  const r = await raw(ctx, 'POST', '/general/v0/general', { body: fd, encode: 'raw', headers: h });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.detail.map((d) => [d.type, d.loc.join('.')]), [['int_parsing', 'body.max_characters']]);
  const overlap = await rejects(() => partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'basic', maxCharacters: 100, overlap: 100 }));
  assert.equal(overlap.statusCode, 400);
  assert.equal(JSON.parse(overlap.body).detail, "'overlap' argument must be less than `max_characters`, got 100 >= 100");
  const zero = await rejects(() => partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'basic', maxCharacters: 0 }));
  assert.equal(JSON.parse(zero.body).detail, "'max_characters' argument must be > 0, got 0");
  const bad = await rejects(() => partition(ctx, { files: file('doc.txt', DOC), chunkingStrategy: 'by_sentence' }));
  assert.equal(bad.detail[0].loc.join('.'), 'body.chunking_strategy');
});
