// Shared set-up for the Box conformance tests: one twins server
// (tests/lib/fixture.mjs, or TWINS_URL), a run per scenario, the official
// box-node-sdk pointed at the run's Box twin with withCustomBaseUrls, schema
// checks against Box's own OpenAPI description, and a local receiver for
// webhook deliveries.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import * as fx from '../../lib/fixture.mjs';

const require = createRequire(import.meta.url);
export const { BoxClient, BoxDeveloperTokenAuth, BoxCcgAuth, CcgConfig, BoxOAuth, OAuthConfig, BoxJwtAuth, JwtConfig } = require('box-node-sdk');
export const { BoxApiError } = require('box-node-sdk/lib/box/errors');
export const { NetworkSession } = require('box-node-sdk/lib/networking/network');
export const { BoxRetryStrategy } = require('box-node-sdk/lib/networking/retries');
export const { WebhooksManager } = require('box-node-sdk/lib/managers/webhooks');
const utils = require('box-node-sdk/lib/internal/utils');
export { stopServer, rejects } from '../../lib/fixture.mjs';

export const stream = (content) => Readable.from([Buffer.from(content)]);
export const readAll = async (s) => Buffer.from(await utils.readByteStream(s));

export function baseUrls(base) {
  return { baseUrl: base, uploadUrl: base + '/api', oauth2Url: base + '/api/oauth2' };
}

/** A session that never retries, so errors surface at once (the SDK
 *  otherwise retries 429/5xx and tries to refresh on 401). */
export function session(base) {
  return new NetworkSession({ retryStrategy: new BoxRetryStrategy({ maxAttempts: 1 }) }).withCustomBaseUrls(baseUrls(base));
}

export function client(base, auth) {
  return new BoxClient({ auth, networkSession: session(base) });
}

export function devClient(base, token) {
  return client(base, new BoxDeveloperTokenAuth({ token }));
}

export async function newRun(extra = {}) {
  const ctx = await fx.newTwinRun('box', extra);
  const token = ctx.env.BOX_DEVELOPER_TOKEN;
  return { ...ctx, token, box: devClient(ctx.base, token) };
}

export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body);

/** A run whose Box twin is seeded with seed (users, folders, files). */
export async function seededRun(seed) {
  const ctx = await newRun();
  const r = await admin(ctx, 'PUT', '/admin/config', { seed });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return ctx;
}

/** A client whose token belongs to the user with this login (client credentials, user subject). */
export async function userClient(ctx, login) {
  const user = (await ctx.box.users.getUsers({ filterTerm: login })).entries[0];
  const { BOX_CLIENT_ID: clientId, BOX_CLIENT_SECRET: clientSecret } = ctx.env;
  return { user, box: client(ctx.base, new BoxCcgAuth({ config: new CcgConfig({ clientId, clientSecret, userId: user.id }) })) };
}

export const raw = fx.rawWith((ctx) => `Bearer ${ctx.token}`);

// Box answers "shared_link": null on files without a link, but the
// description types File.shared_link as an object (its nullable flag sits in
// a sibling allOf branch, which cannot widen the first).  Only that one known
// defect is dropped before validating; a shared_link object is still checked.
const dropNullFileLink = function (key, value) {
  if (value && typeof value === 'object' && value.type === 'file' && value.shared_link === null) {
    const { shared_link, ...rest } = value;
    return rest;
  }
  return value;
};

/** Validates an SDK result (its rawData) or a plain body against Box's description. */
export function assertSchema(method, template, body) {
  const data = body && typeof body === 'object' && 'rawData' in body ? body.rawData : body;
  fx.assertSchema('box', method, template, data, { name: 'Box', replacer: dropNullFileLink });
}

/** Box's error shape, as BoxApiError carries it. */
export function assertBoxError(err, status, code) {
  assert.ok(err instanceof BoxApiError, `not a BoxApiError: ${err}`);
  assert.equal(err.responseInfo.statusCode, status);
  // the SDK keeps code as JSON text ('"not_found"')
  assert.equal(String(err.responseInfo.code).replace(/^"|"$/g, ''), code);
  const body = JSON.parse(err.responseInfo.rawBody);
  assert.equal(body.type, 'error');
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(typeof body.message, 'string');
  assert.equal(typeof body.request_id, 'string');
  assert.equal(typeof body.help_url, 'string');
  if ('context_info' in body) assert.equal(typeof body.context_info, 'object');
  return body;
}

// Webhook / push-notification receiver: { url, deliveries, waitFor(n | pred), close() }.
export { startReceiver as receiver } from '../../lib/receiver.mjs';
