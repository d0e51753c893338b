// Shared set-up for the GitHub conformance tests: one twins server (tests/lib/fixture.mjs,
// or TWINS_URL), a run per test file, the official @octokit/rest client
// pointed at the run's GitHub twin, and schema checks against GitHub's own
// description (@octokit/openapi).
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import * as fx from '../../lib/fixture.mjs';
import { validateComponent } from '../stubs/validate.mjs';

const require = createRequire(import.meta.url);
export const { Octokit } = require('@octokit/rest');
export { stopServer, rejects } from '../../lib/fixture.mjs';

export async function newRun(extra = {}) {
  const ctx = await fx.newTwinRun('github', extra);
  const token = ctx.env.GITHUB_TOKEN;
  return { ...ctx, token, gh: client(ctx.base, token) };
}

export function client(base, token) {
  return new Octokit({ auth: token, baseUrl: base, request: { retries: 0 } });
}

export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body);
export const raw = fx.rawWith((ctx) => `token ${ctx.token}`);
export const assertSchema = (method, template, body) => fx.assertSchema('github', method, template, body, { name: 'GitHub' });

export const b64 = (s) => Buffer.from(s).toString('base64');

// Webhook payloads against their schema in GitHub's description ('webhook-release-published').
export function assertPayload(schemaName, payload) {
  const r = validateComponent('github', schemaName, payload);
  assert.ok(r.valid, `${schemaName} payload does not match GitHub's schema: ${JSON.stringify(r.errors?.slice(0, 5))}`);
}
