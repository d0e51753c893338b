// Shared set-up for the Google Drive conformance tests: one twins server
// (tests/lib/fixture.mjs, or TWINS_URL), a run per test, the official @googleapis/drive
// client pointed at the run's Drive twin (rootUrl, static OAuth2 access
// token, no retries), and schema checks against Drive's discovery document.
import { createRequire } from 'node:module';
import * as fx from '../../lib/fixture.mjs';

const require = createRequire(import.meta.url);
export const { drive } = require('@googleapis/drive');
const { OAuth2Client } = require('google-auth-library');
export { stopServer, rejects } from '../../lib/fixture.mjs';

export function client(base, token) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return drive({ version: 'v3', auth, rootUrl: base + '/', retry: false, retryConfig: { retry: 0 } });
}

export async function newRun(extra = {}) {
  const ctx = await fx.newTwinRun('google_drive', extra);
  const token = ctx.env.GOOGLE_ACCESS_TOKEN;
  return { ...ctx, token, d: client(ctx.base, token) };
}

export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body);

// json: false sends body as is, without a content-type.
const bearer = fx.rawWith((ctx) => `Bearer ${ctx.token}`);
export const raw = (ctx, method, path, { json = true, ...opts } = {}) =>
  bearer(ctx, method, path, { ...opts, encode: json ? 'json' : 'raw' });

// Checks a stateful answer against the response schema of its method in
// Drive's discovery document (additional properties allowed).
export const assertSchema = (method, template, body) => fx.assertSchema('google_drive', method, template, body, { name: 'Drive' });

// The Google error body as the SDK surfaces it.
export function gerr(err) {
  return { status: err.response?.status, body: err.response?.data };
}
