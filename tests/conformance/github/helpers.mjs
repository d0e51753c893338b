// Shared set-up for the GitHub conformance tests: one twins server (started
// here, or TWINS_URL), a run per test file, the official @octokit/rest client
// pointed at the run's GitHub twin, and schema checks against GitHub's own
// description (@octokit/openapi).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { control, stopServer } from '../stripe/helpers.mjs';
import { validateStub } from '../stubs/validate.mjs';

const require = createRequire(import.meta.url);
export const { Octokit } = require('@octokit/rest');
export { stopServer };

export async function newRun(extra = {}) {
  const url = await control();
  const res = await fetch(`${url}/twin-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ twins: ['github'], ...extra }),
  });
  const run = await res.json();
  assert.ok(res.status < 300, `run creation failed: ${res.status} ${JSON.stringify(run)}`);
  const twin = run.twins.github;
  const token = twin.env_vars.GITHUB_TOKEN;
  const gh = client(twin.base_url, token);
  return { run, base: twin.base_url, token, env: twin.env_vars, gh, adminUrl: twin.admin_url, controlUrl: url,
    proxyToken: run.proxy_token || run.token };
}

export function client(base, token) {
  return new Octokit({ auth: token, baseUrl: base, request: { retries: 0 } });
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
  if (auth) h.authorization = `token ${ctx.token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(ctx.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json };
}

export function assertSchema(method, template, body) {
  const r = validateStub('github', method, template, JSON.parse(JSON.stringify(body)));
  assert.ok(r.valid, `${method} ${template} does not match GitHub's schema: ${JSON.stringify(r.errors?.slice(0, 5))}`);
}

export async function rejects(fn) {
  try { await fn(); } catch (err) { return err; }
  assert.fail('expected the call to fail');
}

export const b64 = (s) => Buffer.from(s).toString('base64');
