// Shared set-up for the Unified.to conformance tests: one twins server
// (tests/lib/fixture.mjs, or TWINS_URL), a run per scenario, the official
// @unified-api/typescript-sdk pointed at the run's twin (retries off), and
// schema checks against the twin's description (src/twins/unified/api.json,
// whose shapes follow the SDK's models).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as fx from '../../lib/fixture.mjs';

const require = createRequire(import.meta.url);
export const { UnifiedTo } = require('@unified-api/typescript-sdk');
export { stopServer, rejects } from '../../lib/fixture.mjs';

export function client(base, jwt) {
  return new UnifiedTo({ serverURL: base, security: { jwt }, retryConfig: { strategy: 'none' } });
}

/** Saves a scenario with seed_config; returns { status, body } (400 when the seed does not fit). */
export const createScenario = (seed_config) => fx.createScenario('unified', seed_config);

/** A run of the Unified twin; { seed_config } provisions it from a scenario holding that seed. */
export async function newRun(options = {}) {
  const ctx = await fx.newSeededRun('unified', options);
  const jwt = ctx.env.UNIFIED_API_KEY;
  return { ...ctx, jwt, sdk: client(ctx.base, jwt) };
}

export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body);
export const raw = fx.rawWith((ctx) => `Bearer ${ctx.jwt}`);
export const assertSchema = (method, template, body) => fx.assertSchema('unified', method, template, body, { name: 'Unified' });

/** The SDK's error for a non-2xx answer, checked against Unified's error body. */
export function assertUnifiedError(err, status, messagePart) {
  assert.equal(err.statusCode, status, `expected ${status}, got ${err.statusCode}: ${err.message}`);
  const body = JSON.parse(err.body);
  assert.equal(body.statusCode, status);
  assert.equal(typeof body.message, 'string');
  assert.equal(typeof body.error, 'string');
  if (messagePart) assert.match(body.message, messagePart);
  return body;
}

export const SEVEN = ['slack', 'googlemail', 'googledrive', 'googlecalendar', 'box', 'notion', 'dropbox'];
export const HEX24 = /^[a-f0-9]{24}$/;

/** A seed with one connection per provider the twin proxies to. */
export const SEED = {
  unified: {
    connections: SEVEN.map((t, i) => ({ integration_type: t, external_xref: `user-${i + 1}` })),
  },
};
