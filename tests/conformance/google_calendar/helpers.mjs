// Shared set-up for the Google Calendar conformance tests: one twins server
// (started by the Stripe helpers, or TWINS_URL), a run per test, the
// official @googleapis/calendar client pointed at the run's twin, a local
// receiver for push notifications, and schema checks against Google's own
// discovery document.
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { control, stopServer } from '../stripe/helpers.mjs';
import { validateStub } from '../stubs/validate.mjs';

const require = createRequire(import.meta.url);
export const { calendar } = require('@googleapis/calendar');
const { OAuth2Client } = require('google-auth-library');
export { stopServer, control };

export async function newRun(extra = {}) {
  const url = await control();
  const res = await fetch(`${url}/twin-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ twins: ['google_calendar'], ...extra }),
  });
  const run = await res.json();
  assert.ok(res.status < 300, `run creation failed: ${res.status} ${JSON.stringify(run)}`);
  const twin = run.twins.google_calendar;
  const token = twin.env_vars.GOOGLE_ACCESS_TOKEN;
  return { run, base: twin.base_url, token, env: twin.env_vars, cal: client(twin.base_url, token), adminUrl: twin.admin_url,
    controlUrl: url, proxyToken: run.proxy_token };
}

// The SDK with an OAuth2Client holding a static access token (no refresh).
export function client(base, token) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return calendar({ version: 'v3', rootUrl: base + '/', auth, retry: false });
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

export async function raw(ctx, method, path, { body, headers = {}, auth = true } = {}) {
  const h = { ...headers };
  if (auth) h.authorization = `Bearer ${ctx.token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(ctx.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json };
}

export function assertSchema(method, template, body) {
  const r = validateStub('google_calendar', method, template, JSON.parse(JSON.stringify(body)));
  assert.ok(r.valid, `${method} ${template} does not match Google's schema: ${JSON.stringify(r.errors?.slice(0, 5))}`);
}

export async function rejects(fn) {
  try { await fn(); } catch (err) { return err; }
  assert.fail('expected the call to fail');
}

// The Google error body as the SDK surfaces it (GaxiosError).
export function gErr(err) {
  return { status: err.response?.status, body: err.response?.data?.error };
}

// Collects POSTs (push notifications) on a local port.
export async function receiver() {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { got.push({ headers: req.headers, body }); res.writeHead(200); res.end(); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/hook`;
  return {
    url, got,
    async waitFor(n, ms = 5000) {
      const until = Date.now() + ms;
      while (got.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return got;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
