// Shared set-up for the Notion conformance tests: one twins server (tests/lib/fixture.mjs,
// or TWINS_URL), a run per scenario, the official
// @notionhq/client pointed at the run's Notion twin, and schema checks
// against the Notion description the stub engine uses.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as fx from '../../lib/fixture.mjs';

const require = createRequire(import.meta.url);
export const { Client, APIResponseError } = require('@notionhq/client');
export { stopServer, rejects } from '../../lib/fixture.mjs';

export async function newRun(extra = {}) {
  const ctx = await fx.newTwinRun('notion', extra);
  const token = ctx.env.NOTION_TOKEN;
  return { ...ctx, token, notion: client(ctx.base, token) };
}

export function client(base, token, opts = {}) {
  return new Client({ auth: token, baseUrl: base, retry: false, logLevel: 'error', logger: () => {}, ...opts });
}

export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body);

const bearer = fx.rawWith((ctx) => `Bearer ${ctx.token}`);
export const raw = (ctx, method, path, { version = '2025-09-03', headers = {}, ...opts } = {}) =>
  bearer(ctx, method, path, { ...opts, headers: version ? { ...headers, 'notion-version': version } : headers });

export const assertSchema = (method, template, body) => fx.assertSchema('notion', method, template, body, { name: 'Notion' });

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
