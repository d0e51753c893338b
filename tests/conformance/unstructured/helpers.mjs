// Shared set-up for the Unstructured conformance tests: one twins server
// (tests/lib/fixture.mjs, or TWINS_URL), a run per scenario, the official
// unstructured-client pointed at the run's twin (retries off), plain fetch
// for the Platform API (the TypeScript SDK has partition only), schema checks
// against the twin's description (src/twins/unstructured/api.json) and, for
// partition, the official description (/work/shared/specs/unstructured/openapi.json).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import * as fx from '../../lib/fixture.mjs';

const require = createRequire(import.meta.url);
export const { UnstructuredClient } = require('unstructured-client');
export { stopServer, rejects } from '../../lib/fixture.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// The vendors' descriptions sit next to the checkout (../shared/specs), or
// two levels up from a worktree; TWINS_SHARED_SPECS overrides.
const SHARED = [process.env.TWINS_SHARED_SPECS, resolve(ROOT, '../shared/specs'), resolve(ROOT, '../../shared/specs')]
  .find((d) => d && existsSync(join(d, 'unstructured/openapi.json')));

export function client(base, key) {
  return new UnstructuredClient({ serverURL: base, security: { apiKeyAuth: key }, retryConfig: { strategy: 'none' } });
}

/** Saves a scenario with seed_config; returns { status, body }. */
export const createScenario = (seed_config) => fx.createScenario('unstructured', seed_config);

/** A run of the Unstructured twin; { seed_config } provisions it from a scenario holding that seed. */
export async function newRun(options = {}) {
  const ctx = await fx.newSeededRun('unstructured', options);
  const key = ctx.env.UNSTRUCTURED_API_KEY;
  return { ...ctx, key, sdk: client(ctx.base, key) };
}

export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body);
/** Platform API call with the API key header (as the Python client sends it). */
export const platform = (ctx, method, path, opts = {}) =>
  fx.raw(ctx, method, path, { ...opts, headers: { 'unstructured-api-key': ctx.key, ...(opts.headers || {}) } });
export const raw = fx.raw;
export const assertSchema = (method, template, body) => fx.assertSchema('unstructured', method, template, body, { name: 'Unstructured' });

// The official partition description: its Elements and HTTPValidationError.
const official = JSON.parse(readFileSync(join(SHARED, 'unstructured/openapi.json'), 'utf8'));
const Ajv2020 = require('ajv/dist/2020').default;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
ajv.addSchema({ ...official, paths: undefined, $id: 'official' });
const officialElements = ajv.compile({ $ref: 'official#/components/schemas/Elements' });
const officialValidation = ajv.compile({ $ref: 'official#/components/schemas/HTTPValidationError' });
export function assertOfficialElements(body) {
  assert.ok(officialElements(body), `partition answer vs the official Elements: ${JSON.stringify(officialElements.errors)}`);
  assertSchema('POST', '/general/v0/general', body);
}
export function assertOfficial422(body) {
  assert.ok(officialValidation(body), `422 vs the official HTTPValidationError: ${JSON.stringify(officialValidation.errors)}`);
  assert.ok(Array.isArray(body.detail) && body.detail.length > 0);
  for (const d of body.detail) {
    assert.ok(Array.isArray(d.loc) && typeof d.msg === 'string' && typeof d.type === 'string');
  }
}

/** A file for the SDK. */
export const file = (name, content) => ({ fileName: name, content: typeof content === 'string' ? Buffer.from(content) : content });

/** A small uncompressed PDF: one page per entry of pages, each a list of
 *  [fontSize, text] lines, one BT/ET block per line. */
export function makePdf(pages) {
  const objs = [];
  const add = (s) => { objs.push(s); return objs.length; };
  const catalog = add(null);
  const pagesObj = add(null);
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const kids = [];
  for (const lines of pages) {
    let y = 740;
    const ops = lines.map(([size, text]) => {
      const esc = text.replace(/[\\()]/g, (c) => '\\' + c);
      const s = `BT /F1 ${size} Tf 72 ${y} Td (${esc}) Tj ET`;
      y -= size + 16;
      return s;
    }).join('\n');
    const content = add(`<< /Length ${Buffer.byteLength(ops)} >>\nstream\n${ops}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  objs[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objs[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => { offsets.push(Buffer.byteLength(out)); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Page content operators for lines of [fontSize, text]: one BT/ET block per line. */
export function contentOps(lines) {
  let y = 740;
  return lines.map(([size, text]) => {
    const esc = text.replace(/[\\()]/g, (c) => '\\' + c);
    const s = `BT /F1 ${size} Tf 72 ${y} Td (${esc}) Tj ET`;
    y -= size + 16;
    return s;
  }).join('\n');
}

/** A PDF as real writers make it: binary-safe, content streams stored as
 *  given.  pages: [{ streams: [{ data: Buffer, dict: '/Filter /FlateDecode',
 *  lengthRef: true }] }]; a page with several streams gets a /Contents array;
 *  lengthRef stores /Length as an indirect object, as many writers do. */
export function buildPdf(pages) {
  const objs = [];
  const add = (body) => { objs.push(body); return objs.length; };
  const catalog = add(null);
  const pagesObj = add(null);
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const kids = [];
  for (const page of pages) {
    const refs = page.streams.map((st) => {
      const data = Buffer.isBuffer(st.data) ? st.data : Buffer.from(st.data, 'latin1');
      const length = st.lengthRef ? `${add(String(data.length))} 0 R` : String(data.length);
      return add([Buffer.from(`<< /Length ${length} ${st.dict || ''} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
    });
    const contents = refs.length === 1 ? `${refs[0]} 0 R` : `[${refs.map((r) => `${r} 0 R`).join(' ')}]`;
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${contents} >>`));
  }
  objs[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objs[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const parts = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let size = parts[0].length;
  const offsets = [];
  const push = (b) => { parts.push(b); size += b.length; };
  objs.forEach((o, i) => {
    offsets.push(size);
    push(Buffer.from(`${i + 1} 0 obj\n`, 'latin1'));
    for (const b of Array.isArray(o) ? o : [Buffer.from(o, 'latin1')]) push(b);
    push(Buffer.from('\nendobj\n', 'latin1'));
  });
  const xref = size;
  let tail = `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) tail += `${String(off).padStart(10, '0')} 00000 n \n`;
  tail += `trailer\n<< /Size ${objs.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  push(Buffer.from(tail, 'latin1'));
  return Buffer.concat(parts);
}

/** A PDF as modern writers (and pdf-lib) save it: every non-stream object
 *  inside one compressed object stream (/Type /ObjStm), a compressed
 *  cross-reference stream (/Type /XRef, holding /Root) instead of the xref
 *  table and trailer.  objects[i] is object i + 1: a string (a dictionary or
 *  any other object), or { dict: '/Filter /FlateDecode', data: Buffer } for
 *  a stream (its /Length is added); streams stay outside, in array order.
 *  options.predict(data) -> { data, parms } filters the object stream's and
 *  the xref stream's bytes before deflating them (the PNG predictors common
 *  writers use), parms being their /DecodeParms. */
export function buildModernPdf(objects, root, options = {}) {
  const compress = (raw) => {
    if (!options.predict) return { data: deflateSync(raw), parms: '' };
    const { data, parms } = options.predict(raw);
    return { data: deflateSync(data), parms: ` /DecodeParms ${parms}` };
  };
  const members = [];
  objects.forEach((o, i) => { if (typeof o === 'string') members.push(i + 1); });
  let header = '';
  const bodies = [];
  let at = 0;
  for (const num of members) {
    const b = Buffer.from(`${objects[num - 1]}\n`, 'latin1');
    header += `${num} ${at} `;
    bodies.push(b);
    at += b.length;
  }
  const objstmNum = objects.length + 1;
  const xrefNum = objects.length + 2;
  const parts = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let size = parts[0].length;
  const offsets = [];
  const push = (b) => { parts.push(b); size += b.length; };
  const stream = (num, dict, data) => {
    offsets[num] = size;
    push(Buffer.from(`${num} 0 obj\n<< /Length ${data.length} ${dict} >>\nstream\n`, 'latin1'));
    push(data);
    push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  };
  objects.forEach((o, i) => { if (typeof o !== 'string') stream(i + 1, o.dict || '', o.data); });
  const objstm = compress(Buffer.concat([Buffer.from(header, 'latin1'), ...bodies]));
  stream(objstmNum, `/Type /ObjStm /N ${members.length} /First ${Buffer.byteLength(header)} /Filter /FlateDecode${objstm.parms}`, objstm.data);
  offsets[xrefNum] = size;
  // /W [1 4 2]: type, offset or object stream number, generation or index
  const rows = Buffer.alloc((xrefNum + 1) * 7);
  const row = (num, type, field2, field3) => {
    rows.writeUInt8(type, num * 7);
    rows.writeUInt32BE(field2, num * 7 + 1);
    rows.writeUInt16BE(field3, num * 7 + 5);
  };
  row(0, 0, 0, 65535);
  for (let num = 1; num <= xrefNum; num++) {
    const index = members.indexOf(num);
    if (index >= 0) row(num, 2, objstmNum, index);
    else row(num, 1, offsets[num], 0);
  }
  const xrefAt = size;
  const xref = compress(rows);
  stream(xrefNum, `/Type /XRef /Size ${xrefNum + 1} /W [1 4 2] /Root ${root} 0 R /Filter /FlateDecode${xref.parms}`, xref.data);
  push(Buffer.from(`startxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}
