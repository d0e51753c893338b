// Shared set-up for the Notion conformance tests: one twins server (started
// by ../stripe/helpers.mjs, or TWINS_URL), a run per scenario, the official
// @notionhq/client pointed at the run's Notion twin, and schema checks
// against the Notion description the stub engine uses.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { control, stopServer } from '../stripe/helpers.mjs';
import { validateStub } from '../stubs/validate.mjs';

const require = createRequire(import.meta.url);
export const { Client, APIResponseError } = require('@notionhq/client');
export { stopServer };

export async function newRun(extra = {}) {
  const url = await control();
  const res = await fetch(`${url}/twin-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ twins: ['notion'], ...extra }),
  });
  const run = await res.json();
  assert.ok(res.status < 300, `run creation failed: ${res.status} ${JSON.stringify(run)}`);
  const twin = run.twins.notion;
  const token = twin.env_vars.NOTION_TOKEN;
  return { run, base: twin.base_url, token, env: twin.env_vars, notion: client(twin.base_url, token),
    adminUrl: twin.admin_url, controlUrl: url, proxyToken: run.proxy_token };
}

export function client(base, token, opts = {}) {
  return new Client({ auth: token, baseUrl: base, retry: false, logLevel: 'error', logger: () => {}, ...opts });
}

export async function admin(ctx, method, path, body) {
  const res = await fetch(ctx.adminUrl + path, {
    method,
    headers: { 'content-type': 'application/json', 'x-twins-token': ctx.proxyToken || '' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json };
}

export async function raw(ctx, method, path, { body, headers = {}, auth = true, version = '2025-09-03' } = {}) {
  const h = { ...headers };
  if (auth) h.authorization = `Bearer ${ctx.token}`;
  if (version) h['notion-version'] = version;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(ctx.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json };
}

export function assertSchema(method, template, body) {
  const r = validateStub('notion', method, template, JSON.parse(JSON.stringify(body)));
  assert.ok(r.valid, `${method} ${template} does not match Notion's schema: ${JSON.stringify(r.errors?.slice(0, 5))}`);
}

export async function rejects(fn) {
  try { await fn(); } catch (err) { return err; }
  assert.fail('expected the call to fail');
}

// Notion's error shape as the SDK surfaces it.
export function assertNotionError(err, status, code) {
  assert.ok(APIResponseError.isAPIResponseError(err), `not an APIResponseError: ${err}`);
  assert.equal(err.status, status);
  assert.equal(err.code, code);
  const body = JSON.parse(err.body);
  assert.equal(body.object, 'error');
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(typeof body.message, 'string');
  assert.ok(body.request_id);
  return body;
}

export const text = (s) => [{ type: 'text', text: { content: s } }];
export const plain = (rt) => rt.map((t) => t.plain_text).join('');
