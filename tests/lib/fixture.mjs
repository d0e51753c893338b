// What every conformance twin's helpers.mjs shares: one twins server per test
// process (started lazily here, or the one at TWINS_URL), a run of one twin,
// admin calls with the run's proxy token, raw HTTP calls returning
// { status, headers, json, text }, and schema checks against the vendor's own
// description (tests/conformance/stubs/validate.mjs).
import assert from 'node:assert/strict';
import { createRun, startServer } from './server.mjs';
import { validateStub } from '../conformance/stubs/validate.mjs';

let server = null;
let controlUrl = process.env.TWINS_URL || null;

/** The control URL of the shared server (TWINS_URL, or one started on first use). */
export async function control() {
  if (!controlUrl) {
    server = await startServer();
    controlUrl = server.url;
  }
  return controlUrl;
}

/** Stops the shared server if this process started it. */
export async function stopServer() {
  if (server) {
    await server.stop();
    server = null;
    controlUrl = process.env.TWINS_URL || null;
  }
}

/** A fresh run of one twin: { run, twin, base, env, adminUrl, controlUrl, proxyToken }. */
export async function newTwinRun(twinName, extra = {}) {
  const url = await control();
  const run = await createRun(url, [twinName], extra);
  const twin = run.twins[twinName];
  return { run, twin, base: twin.base_url, env: twin.env_vars, adminUrl: twin.admin_url, controlUrl: url,
    proxyToken: run.proxy_token };
}

/** Saves a scenario of one twin with seed_config; returns { status, body }
 *  (400 when the seed does not fit the twin's seed schema). */
export async function createScenario(twinName, seed_config) {
  const url = await control();
  const res = await fetch(`${url}/scenarios`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `${twinName}-${Date.now()}-${Math.random()}`, twins: [twinName], seed_config }),
  });
  return { status: res.status, body: await res.json() };
}

const scenarioIds = new Map();
/** newTwinRun, and with { seed_config } provisioned from a scenario holding
 *  that seed (saved once per distinct seed in this process). */
export async function newSeededRun(twinName, { seed_config, ...extra } = {}) {
  if (seed_config) {
    const key = `${twinName} ${JSON.stringify(seed_config)}`;
    if (!scenarioIds.has(key)) {
      const s = await createScenario(twinName, seed_config);
      assert.ok(s.status < 300, `scenario: ${s.status} ${JSON.stringify(s.body)}`);
      scenarioIds.set(key, s.body.id);
    }
    extra.scenario_id = scenarioIds.get(key);
  }
  return newTwinRun(twinName, extra);
}

async function answer(res) {
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

/** Admin call on the run's twin: the token in x-twins-token (or, with
 *  { query: true }, as ?token=), path under { prefix }. */
export async function admin(ctx, method, path, body, { prefix = '', query = false } = {}) {
  const u = new URL(ctx.adminUrl + prefix + path);
  const headers = {};
  if (query) {
    if (ctx.proxyToken) u.searchParams.set('token', ctx.proxyToken);
    if (body) headers['content-type'] = 'application/json';
  } else {
    headers['content-type'] = 'application/json';
    headers['x-twins-token'] = ctx.proxyToken || '';
  }
  const send = query ? body : body !== undefined;
  const res = await fetch(u, { method, headers, body: send ? JSON.stringify(body) : undefined });
  const { status, json, text } = await answer(res);
  return { status, json, text };
}

/** Raw request to a twin (ctx or base URL). body is sent as JSON (encode
 *  'json'), form-encoded ('form') or as is ('raw'); auth, when given, is the
 *  whole Authorization header value. */
export async function raw(target, method, path, { body, headers = {}, auth, encode = 'json' } = {}) {
  const base = typeof target === 'string' ? target : target.base;
  const h = { ...headers };
  if (auth) h.authorization = auth;
  let payload;
  if (body !== undefined) {
    if (encode === 'json') { h['content-type'] = 'application/json'; payload = JSON.stringify(body); }
    else if (encode === 'form') { h['content-type'] = 'application/x-www-form-urlencoded'; payload = new URLSearchParams(body).toString(); }
    else payload = body;
  }
  return answer(await fetch(base + path, { method, headers: h, body: payload }));
}

/** A twin's raw(ctx, method, path, { auth = true, ...}) with its own
 *  Authorization header built by authOf(ctx). */
export function rawWith(authOf, defaults = {}) {
  return (ctx, method, path, { auth = true, ...opts } = {}) =>
    raw(ctx, method, path, { ...defaults, ...opts, auth: auth ? authOf(ctx) : undefined });
}

/** Asserts body matches the success response of method+template in the
 *  twin's official description.  Options: name (in the message), replacer
 *  (for the JSON copy), copy:false (validate body itself), ignoreAdditional
 *  (drop additionalProperties errors), label (message prefix). */
export function assertSchema(twin, method, template, body, opts = {}) {
  const { name = twin, replacer, copy = true, ignoreAdditional = false, label = `${method} ${template}` } = opts;
  const r = validateStub(twin, method, template, copy ? JSON.parse(JSON.stringify(body, replacer)) : body);
  if (ignoreAdditional && !r.valid) {
    r.errors = (r.errors || []).filter((e) => e.keyword !== 'additionalProperties');
    if (r.errors.length === 0) r.valid = true;
  }
  assert.ok(r.valid, `${label} does not match ${name}'s schema: ${JSON.stringify(r.errors?.slice(0, 5))}`);
}

/** Runs fn and returns the error it throws (fails if it does not throw). */
export async function rejects(fn, map = (err) => err) {
  try { await fn(); } catch (err) { return map(err); }
  assert.fail('expected the call to fail');
}
