// Unstructured partition API (POST /general/v0/general) through the official
// unstructured-client: elements derived from the uploaded file's content,
// the parameters that shape them, FastAPI-style errors, and PDFs the SDK
// splits into page batches.
//
//   node --test tests/conformance/unstructured/
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import {
  newRun, client, raw, rejects, stopServer, file, makePdf, buildPdf, contentOps, assertOfficialElements, assertOfficial422,
} from './helpers.mjs';

after(stopServer);

const REPORT = `Quarterly Report

Revenue grew by twelve percent this quarter, driven by new enterprise customers.
Costs stayed flat.

- Hire two engineers
- Open the Berlin office

Outlook
The board expects similar growth next quarter.
`;

const partition = (ctx, params) => ctx.sdk.general.partition({ partitionParameters: { strategy: 'fast', splitPdfPage: false, ...params } });

test('auth: docs and health need no key; partition needs the run\'s key (401 detail)', async () => {
  const ctx = await newRun();
  const docs = await raw(ctx, 'GET', '/general/docs');
  assert.equal(docs.status, 200);
  assert.match(docs.headers.get('content-type'), /text\/html/);
  const health = await raw(ctx, 'GET', '/healthcheck');
  assert.deepEqual(health.json, { healthcheck: 'HEALTHCHECK STATUS: EVERYTHING OK!' });
  const wrong = client(ctx.base, 'nope');
  const err = await rejects(() => wrong.general.partition({ partitionParameters: { files: file('a.txt', 'Hello there.'), strategy: 'fast' } }));
  assert.equal(err.statusCode, 401);
  assert.match(JSON.parse(err.body).detail, /API key is invalid/);
  const fd = new FormData();
  fd.append('files', new Blob(['x']), 'a.txt');
  const none = await raw(ctx, 'POST', '/general/v0/general', { body: fd, encode: 'raw' });
  assert.equal(none.status, 401);
  assert.deepEqual(none.json, { detail: 'API key is missing, please provide an API key in the header.' });
});

test('text: paragraphs, titles, list items, hierarchy; deterministic ids; official shapes', async () => {
  const ctx = await newRun();
  const els = await partition(ctx, { files: file('report.txt', REPORT) });
  assertOfficialElements(els);
  assert.deepEqual(els.map((e) => [e.type, e.text]), [
    ['Title', 'Quarterly Report'],
    ['NarrativeText', 'Revenue grew by twelve percent this quarter, driven by new enterprise customers. Costs stayed flat.'],
    ['ListItem', 'Hire two engineers'],
    ['ListItem', 'Open the Berlin office'],
    ['NarrativeText', 'Outlook The board expects similar growth next quarter.'],
  ]);
  for (const e of els) {
    assert.match(e.element_id, /^[0-9a-f]{32}$/);
    assert.deepEqual(e.metadata.languages, ['eng']);
    assert.equal(e.metadata.filetype, 'text/plain');
    assert.equal(e.metadata.filename, 'report.txt');
    assert.equal(e.metadata.page_number, 1);
  }
  for (const e of els.slice(1)) assert.equal(e.metadata.parent_id, els[0].element_id);
  // same file, same answer; another run too
  assert.deepEqual(await partition(ctx, { files: file('report.txt', REPORT) }), els);
  const other = await newRun();
  assert.deepEqual(await partition(other, { files: file('report.txt', REPORT) }), els);
  // different content, different ids
  const changed = await partition(ctx, { files: file('report.txt', REPORT.replace('twelve', 'eleven')) });
  assert.notEqual(changed[1].element_id, els[1].element_id);
  assert.equal(changed[0].element_id, els[0].element_id);
  // unique_element_ids gives UUIDs
  const uu = await partition(ctx, { files: file('report.txt', REPORT), uniqueElementIds: true });
  for (const e of uu) assert.match(e.element_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('markdown: headings, lists, tables (text_as_html), code blocks', async () => {
  const ctx = await newRun();
  const md = '# Release notes\n\nThis release adds **faster** parsing and a [new API](https://example.com).\n\n' +
    '## Changes\n\n* Parser rewrite\n* Smaller binaries\n\n| name | size |\n|---|---|\n| core | 12 |\n| cli | 3 |\n\n```\nmake all\n```\n';
  const els = await partition(ctx, { files: file('notes.md', md) });
  assertOfficialElements(els);
  assert.deepEqual(els.map((e) => e.type), ['Title', 'NarrativeText', 'Title', 'ListItem', 'ListItem', 'Table', 'CodeSnippet']);
  assert.equal(els[1].text, 'This release adds faster parsing and a new API.');
  const table = els[5];
  assert.equal(table.text, 'name size core 12 cli 3');
  assert.equal(table.metadata.text_as_html, '<table><tr><td>name</td><td>size</td></tr><tr><td>core</td><td>12</td></tr><tr><td>cli</td><td>3</td></tr></table>');
  assert.equal(table.metadata.parent_id, els[2].element_id);
  assert.equal(els[6].text, 'make all');
  assert.equal(els[0].metadata.filetype, 'text/markdown');
});

test('html: headings, paragraphs, list items, tables; scripts skipped, entities decoded', async () => {
  const ctx = await newRun();
  const html = '<html><head><title>x</title><style>p{}</style></head><body><h1>Team &amp; Goals</h1>' +
    '<p>We ship a release every two weeks &mdash; on Tuesdays.</p><script>alert(1)</script>' +
    '<ul><li>Reliability</li><li>Speed</li></ul><table><tr><th>Q</th><th>Goal</th></tr><tr><td>Q1</td><td>Launch</td></tr></table></body></html>';
  const els = await partition(ctx, { files: file('team.html', html) });
  assertOfficialElements(els);
  assert.deepEqual(els.map((e) => [e.type, e.text]), [
    ['Title', 'Team & Goals'],
    ['NarrativeText', 'We ship a release every two weeks \u2014 on Tuesdays.'],
    ['ListItem', 'Reliability'],
    ['ListItem', 'Speed'],
    ['Table', 'Q Goal Q1 Launch'],
  ]);
  assert.equal(els[4].metadata.text_as_html, '<table><tr><td>Q</td><td>Goal</td></tr><tr><td>Q1</td><td>Launch</td></tr></table>');
  assert.equal(els[0].metadata.filetype, 'text/html');
});

test('csv and tsv: one Table element; json in the elements format round-trips', async () => {
  const ctx = await newRun();
  const csv = await partition(ctx, { files: file('people.csv', 'name,city\n"Lovelace, Ada",London\nTuring,"Wilmslow"\n') });
  assertOfficialElements(csv);
  assert.equal(csv.length, 1);
  assert.equal(csv[0].type, 'Table');
  assert.equal(csv[0].text, 'name city Lovelace, Ada London Turing Wilmslow');
  assert.equal(csv[0].metadata.text_as_html, '<table><tr><td>name</td><td>city</td></tr><tr><td>Lovelace, Ada</td><td>London</td></tr><tr><td>Turing</td><td>Wilmslow</td></tr></table>');
  const tsv = await partition(ctx, { files: file('t.tsv', 'a\tb\n1\t2\n') });
  assert.equal(tsv[0].text, 'a b 1 2');
  assert.equal(tsv[0].metadata.filetype, 'text/tsv');
  // the library's own JSON output goes back in
  const txt = await partition(ctx, { files: file('report.txt', REPORT) });
  const back = await partition(ctx, { files: file('report.json', JSON.stringify(txt)) });
  assert.deepEqual(back.map((e) => [e.type, e.text]), txt.map((e) => [e.type, e.text]));
  assert.equal(back[0].metadata.filetype, 'application/json');
  // other JSON is refused like the service does (400 detail)
  const err = await rejects(() => partition(ctx, { files: file('data.json', '{"a": 1}') }));
  assert.equal(err.statusCode, 400);
  assert.match(JSON.parse(err.body).detail, /Schema does not match the Unstructured schema/);
});

test('parameters: output_format text/csv, encoding, languages, starting_page_number', async () => {
  const ctx = await newRun();
  // unstructured-client 0.31.0 cannot read CSV answers (its split-PDF hook
  // JSON-parses every partition response, even unsplit ones): plain fetch.
  const fd = new FormData();
  fd.append('files', new Blob([REPORT]), 'report.txt');
  fd.append('output_format', 'text/csv');
  const res = await raw(ctx, 'POST', '/general/v0/general', { body: fd, encode: 'raw', headers: { 'unstructured-api-key': ctx.key } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv/);
  const csv = res.text;
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'type,element_id,text,filetype,languages,page_number,filename,parent_id');
  assert.equal(lines.length, 6);
  assert.match(lines[1], /^Title,[0-9a-f]{32},Quarterly Report,text\/plain,\['eng'\],1,report.txt,$/);
  assert.match(lines[2], /^NarrativeText,[0-9a-f]{32},"Revenue grew by twelve percent this quarter, driven by new enterprise customers. Costs stayed flat.",/);
  // latin-1 bytes decoded as asked
  const latin = Buffer.from('Caf\xe9 menu\n\nThe cr\xe8me br\xfbl\xe9e is served every evening.\n', 'latin1');
  const dec = await partition(ctx, { files: file('menu.txt', latin), encoding: 'latin-1' });
  assert.equal(dec[0].text, 'Caf\u00e9 menu');
  assert.equal(dec[1].text, 'The cr\u00e8me br\u00fbl\u00e9e is served every evening.');
  // without it, invalid UTF-8 is replaced, not fatal
  const rep = await partition(ctx, { files: file('menu.txt', latin) });
  assert.equal(rep[0].text, 'Caf\ufffd menu');
  const langs = await partition(ctx, { files: file('report.txt', REPORT), languages: ['deu', 'eng'], startingPageNumber: 5 });
  for (const e of langs) {
    assert.deepEqual(e.metadata.languages, ['deu', 'eng']);
    assert.equal(e.metadata.page_number, 5);
  }
});

test('errors: missing files and bad parameters are FastAPI 422s; unsupported types 400', async () => {
  const ctx = await newRun();
  const h = { 'unstructured-api-key': ctx.key };
  const fd = new FormData();
  fd.append('strategy', 'fast');
  const missing = await raw(ctx, 'POST', '/general/v0/general', { body: fd, encode: 'raw', headers: h });
  assert.equal(missing.status, 422);
  assertOfficial422(missing.json);
  assert.deepEqual(missing.json.detail[0], { type: 'missing', loc: ['body', 'files'], msg: 'Field required', input: null });
  const notMultipart = await raw(ctx, 'POST', '/general/v0/general', { body: { files: 'x' }, headers: h });
  assert.equal(notMultipart.status, 422);
  // the SDK surfaces 422 as HTTPValidationError with the detail list
  const bad = await rejects(() => partition(ctx, { files: file('a.txt', 'Hello there.'), strategy: 'turbo' }));
  assert.equal(bad.constructor.name, 'HTTPValidationError');
  assert.equal(bad.detail[0].loc.join('.'), 'body.strategy');
  assert.equal(bad.detail[0].type, 'literal_error');
  const fd2 = new FormData();
  fd2.append('files', new Blob(['Hello there.']), 'a.txt');
  fd2.append('coordinates', 'maybe');
  fd2.append('starting_page_number', 'two');
  const two = await raw(ctx, 'POST', '/general/v0/general', { body: fd2, encode: 'raw', headers: h });
  assert.equal(two.status, 422);
  assertOfficial422(two.json);
  assert.deepEqual(two.json.detail.map((d) => [d.type, d.loc.join('.')]),
    [['bool_parsing', 'body.coordinates'], ['int_parsing', 'body.starting_page_number']]);
  const enc = await rejects(() => partition(ctx, { files: file('a.txt', 'Hi.'), encoding: 'klingon-8' }));
  assert.equal(enc.detail[0].loc.join('.'), 'body.encoding');
  const bin = await rejects(() => partition(ctx, { files: file('tool.exe', Buffer.from([0x4d, 0x5a, 0, 0, 1, 2])) }));
  assert.equal(bin.statusCode, 400);
  assert.match(JSON.parse(bin.body).detail, /File type application\/octet-stream is not supported/);
  const notPdf = await rejects(() => partition(ctx, { files: file('broken.pdf', 'not a pdf at all') }));
  assert.equal(notPdf.statusCode, 400);
  assert.equal(JSON.parse(notPdf.body).detail, 'File does not appear to be a valid PDF');
});

const PAGES = [
  [[20, 'Annual Summary'], [11, 'The company grew in every region during the year.']],
  [[11, 'Sales in Europe doubled, led by the new partner network.'], [11, '- Germany']],
  [[18, 'Risks'], [11, 'Supply chains remain the main risk for the coming year.']],
  [[11, 'Appendix tables follow on the next pages of this report.']],
];

test('pdf: page-wise elements from the content, page numbers, coordinates, strategy', async () => {
  const ctx = await newRun();
  const pdf = makePdf(PAGES);
  const fast = await partition(ctx, { files: file('summary.pdf', pdf), strategy: 'fast' });
  assertOfficialElements(fast);
  assert.deepEqual(fast.map((e) => [e.metadata.page_number, e.type, e.text]), [
    [1, 'Title', 'Annual Summary'],
    [1, 'NarrativeText', 'The company grew in every region during the year.'],
    [2, 'NarrativeText', 'Sales in Europe doubled, led by the new partner network.'],
    [2, 'ListItem', 'Germany'],
    [3, 'Title', 'Risks'],
    [3, 'NarrativeText', 'Supply chains remain the main risk for the coming year.'],
    [4, 'NarrativeText', 'Appendix tables follow on the next pages of this report.'],
  ]);
  for (const e of fast) {
    assert.equal(e.metadata.filetype, 'application/pdf');
    assert.equal(e.metadata.coordinates, undefined);
    assert.equal(e.metadata.detection_class_prob, undefined);
  }
  const hi = await partition(ctx, { files: file('summary.pdf', pdf), strategy: 'hi_res', coordinates: true });
  assertOfficialElements(hi);
  assert.deepEqual(hi.map((e) => e.element_id), fast.map((e) => e.element_id));
  for (const e of hi) {
    assert.equal(e.metadata.coordinates.system, 'PixelSpace');
    assert.equal(e.metadata.coordinates.points.length, 4);
    assert.equal(typeof e.metadata.detection_class_prob, 'number');
  }
  const breaks = await partition(ctx, { files: file('summary.pdf', pdf), includePageBreaks: true });
  assert.equal(breaks.filter((e) => e.type === 'PageBreak').length, 3);
});

test('pdf: the SDK splits a PDF into page batches; the concatenation equals the unsplit answer', async () => {
  const ctx = await newRun();
  const pdf = makePdf(PAGES);
  const whole = await partition(ctx, { files: file('summary.pdf', pdf) });
  const hits = [];
  const before = await ctx.sdk.general.partition({ partitionParameters: { files: file('summary.pdf', pdf), strategy: 'fast',
    splitPdfPage: true, splitPdfConcurrencyLevel: 2 } });
  assert.deepEqual(before, whole);
  // the twin saw several partial PDFs, each with its starting page
  const log = (await (await fetch(`${ctx.adminUrl}/admin/requests`, { headers: { 'x-twins-token': ctx.proxyToken } })).json());
  const entries = (log.requests || log.entries || log).filter?.((r) => r.path === '/general/v0/general') ?? [];
  hits.push(...entries);
  assert.ok(hits.length >= 3, `expected split requests in the journal: ${JSON.stringify(log).slice(0, 300)}`);
  // a page range with a starting page number shifts the pages
  const range = await ctx.sdk.general.partition({ partitionParameters: { files: file('summary.pdf', pdf), strategy: 'fast',
    splitPdfPage: true, splitPdfPageRange: [3, 4], startingPageNumber: 10 } });
  assert.deepEqual(range.map((e) => [e.metadata.page_number, e.text]), [
    [12, 'Risks'], [12, 'Supply chains remain the main risk for the coming year.'],
    [13, 'Appendix tables follow on the next pages of this report.'],
  ]);
});

test('pdf: Flate-compressed content streams (as real writers store them) are inflated; other filters skipped', async () => {
  const ctx = await newRun();
  const flate = (lines, extra = {}) => ({ data: deflateSync(contentOps(lines), { level: 9 }), dict: '/Filter /FlateDecode', ...extra });
  const pdf = buildPdf([
    // one compressed stream whose /Length is an indirect object
    { streams: [flate([[20, 'Compressed Findings'], [11, 'Every sentence on this page was stored with the deflate filter.']], { lengthRef: true })] },
    // two streams for one page: a compressed one in a filter array, then a plain one
    { streams: [{ ...flate([[11, 'The first half of the page sits in a compressed stream.']]), dict: '/Filter [ /FlateDecode ]' },
      { data: contentOps([[11, 'The second half of the page is stored without any filter.']]) }] },
    // a filter the twin does not decode, and bytes that are not deflate data: no elements, no error
    { streams: [{ data: 'J..)6T`?p&<!J9%_[umg"B7/Z7KNXbN\'S+,*Q/&"OLT', dict: '/Filter /LZWDecode' }] },
    { streams: [{ data: 'this is not deflate data at all', dict: '/Filter /FlateDecode' }] },
    { streams: [flate([[11, '- Pages after skipped ones keep their numbers']])] },
  ]);
  // the compressed text really is absent from the file's bytes
  assert.equal(pdf.includes('Compressed Findings'), false);
  const els = await partition(ctx, { files: file('compressed.pdf', pdf) });
  assertOfficialElements(els);
  assert.deepEqual(els.map((e) => [e.metadata.page_number, e.type, e.text]), [
    [1, 'Title', 'Compressed Findings'],
    [1, 'NarrativeText', 'Every sentence on this page was stored with the deflate filter.'],
    [2, 'NarrativeText', 'The first half of the page sits in a compressed stream.'],
    [2, 'NarrativeText', 'The second half of the page is stored without any filter.'],
    [5, 'ListItem', 'Pages after skipped ones keep their numbers'],
  ]);
  // the same words stored uncompressed give the same elements (ids hash the text, not the bytes)
  const plain = buildPdf([
    { streams: [{ data: contentOps([[20, 'Compressed Findings'], [11, 'Every sentence on this page was stored with the deflate filter.']]) }] },
  ]);
  const plainEls = await partition(ctx, { files: file('compressed.pdf', plain) });
  assert.deepEqual(plainEls, els.slice(0, 2));
});

test('pdf: a decompression bomb gets a 400 detail, not the server\'s memory', async () => {
  const ctx = await newRun();
  const bomb = deflateSync(Buffer.alloc(40 << 20, 0x20), { level: 9 });
  assert.ok(bomb.length < 100 << 10, 'the bomb is small on the wire');
  const pdf = buildPdf([{ streams: [{ data: bomb, dict: '/Filter /FlateDecode' }] }]);
  // a small file may inflate to 64 times its size (plus 256 KiB): text streams deflate 3-10 times
  const err = await rejects(() => partition(ctx, { files: file('bomb.pdf', pdf) }));
  assert.equal(err.statusCode, 400);
  assert.match(JSON.parse(err.body).detail, /^PDF stream \(object \d+\) inflates the document past 64 times its file size$/);
  // a file large enough for that to pass still meets the 16 MiB limit of one stream
  const padded = Buffer.concat([pdf, Buffer.from(`%${'x'.repeat(300 << 10)}\n`, 'latin1')]);
  const big = await rejects(() => partition(ctx, { files: file('bomb.pdf', padded) }));
  assert.equal(big.statusCode, 400);
  assert.match(JSON.parse(big.body).detail, /^PDF stream \(object \d+\) inflates past the 16 MiB limit$/);
  // one stream named 64 times by a page counts each time it is decoded
  const stream = deflateSync(Buffer.from(`${contentOps([[11, 'Repeated text.']])}\n${' '.repeat(64 << 10)}`));
  const repeated = Buffer.from(buildPdf([{ streams: [{ data: stream, dict: '/Filter /FlateDecode' }] }]).toString('latin1')
    .replace(/\/Contents (\d+) 0 R/, (_, n) => `/Contents [${`${n} 0 R `.repeat(64)}]`), 'latin1');
  const many = await rejects(() => partition(ctx, { files: file('repeat.pdf', repeated) }));
  assert.match(JSON.parse(many.body).detail, /inflates the document past 64 times its file size$/);
  // the server is still there and answers the next file
  const ok = await partition(ctx, { files: file('small.pdf', buildPdf([{ streams: [{ data: deflateSync(contentOps([[11, 'Still serving requests after the bomb.']])), dict: '/Filter /FlateDecode' }] }])) });
  assert.deepEqual(ok.map((e) => e.text), ['Still serving requests after the bomb.']);
});
