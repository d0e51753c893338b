// Shared set-up for the Google Drive conformance tests: one twins server
// (started here, or TWINS_URL), a run per test, the official @googleapis/drive
// client pointed at the run's Drive twin (rootUrl, static OAuth2 access
// token, no retries), and schema checks against Drive's discovery document.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { control, stopServer } from '../stripe/helpers.mjs';
import { validateStub } from '../stubs/validate.mjs';

const require = createRequire(import.meta.url);
export const { drive } = require('@googleapis/drive');
const { OAuth2Client } = require('google-auth-library');
export { stopServer };

export function client(base, token) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return drive({ version: 'v3', auth, rootUrl: base + '/', retry: false, retryConfig: { retry: 0 } });
}

export async function newRun(extra = {}) {
  const url = await control();
  const res = await fetch(`${url}/twin-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ twins: ['google_drive'], ...extra }),
  });
  const run = await res.json();
  assert.ok(res.status < 300, `run creation failed: ${res.status} ${JSON.stringify(run)}`);
  const twin = run.twins.google_drive;
  const token = twin.env_vars.GOOGLE_ACCESS_TOKEN;
  return { run, base: twin.base_url, token, env: twin.env_vars, d: client(twin.base_url, token),
    adminUrl: twin.admin_url, controlUrl: url, proxyToken: run.proxy_token };
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

export async function raw(ctx, method, path, { body, headers = {}, auth = true, json = true } = {}) {
  const h = { ...headers };
  if (auth) h.authorization = `Bearer ${ctx.token}`;
  if (body !== undefined && json) h['content-type'] = 'application/json';
  const res = await fetch(ctx.base + path, { method, headers: h,
    body: body === undefined ? undefined : json ? JSON.stringify(body) : body });
  const text = await res.text();
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json: parsed, text };
}

// Checks a stateful answer against the response schema of its method in
// Drive's discovery document (additional properties allowed).
export function assertSchema(method, template, body) {
  const r = validateStub('google_drive', method, template, JSON.parse(JSON.stringify(body)));
  assert.ok(r.valid, `${method} ${template} does not match Drive's schema: ${JSON.stringify(r.errors?.slice(0, 5))}`);
}

export async function rejects(fn) {
  try { await fn(); } catch (err) { return err; }
  assert.fail('expected the call to fail');
}

// The Google error body as the SDK surfaces it.
export function gerr(err) {
  return { status: err.response?.status, body: err.response?.data };
}
