// What every conformance twin's helpers.mjs shares: one twins server per test
// process (started lazily here, or the one at TWINS_URL), a run of one twin,
// admin calls with the run's proxy token, raw HTTP calls returning
// { status, headers, json, text }, and schema checks against the vendor's own
// description (tests/conformance/stubs/validate.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { createRun } from './server.mjs';
import { validateStub } from '../conformance/stubs/validate.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let server = null;
let controlUrl = process.env.TWINS_URL || null;

async function startShared() {
  const bin = process.env.TWINS_BIN || join(repo, 'build/twins');
  if (!existsSync(bin)) throw new Error(`twins binary not found at ${bin}; run make or set TWINS_BIN`);
  const dir = mkdtempSync(join(tmpdir(), 'twins-conformance-'));
  const portFile = join(dir, 'port');
  server = spawn(bin, ['serve', '--port', '0', '--port-file', portFile, '--quiet'], {
    cwd: repo,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    if (existsSync(portFile)) {
      const port = readFileSync(portFile, 'utf8').trim();
      if (port) {
        rmSync(dir, { recursive: true, force: true });
        return `http://127.0.0.1:${port}`;
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('twins server did not start');
}

/** The control URL of the shared server (TWINS_URL, or one started on first use). */
export async function control() {
  if (!controlUrl) controlUrl = await startShared();
  return controlUrl;
}

/** Stops the shared server if this process started it. */
export async function stopServer() {
  if (server) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
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
