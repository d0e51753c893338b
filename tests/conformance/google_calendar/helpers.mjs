// Shared set-up for the Google Calendar conformance tests: one twins server
// (tests/lib/fixture.mjs, or TWINS_URL), a run per test, the
// official @googleapis/calendar client pointed at the run's twin, a local
// receiver for push notifications, and schema checks against Google's own
// discovery document.
import { createRequire } from 'node:module';
import * as fx from '../../lib/fixture.mjs';

const require = createRequire(import.meta.url);
export const { calendar } = require('@googleapis/calendar');
const { OAuth2Client } = require('google-auth-library');
export { stopServer, control, rejects } from '../../lib/fixture.mjs';

export async function newRun(extra = {}) {
  const ctx = await fx.newTwinRun('google_calendar', extra);
  const token = ctx.env.GOOGLE_ACCESS_TOKEN;
  return { ...ctx, token, cal: client(ctx.base, token) };
}

// The SDK with an OAuth2Client holding a static access token (no refresh).
export function client(base, token) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return calendar({ version: 'v3', rootUrl: base + '/', auth, retry: false });
}

export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body);
export const raw = fx.rawWith((ctx) => `Bearer ${ctx.token}`);
export const assertSchema = (method, template, body) => fx.assertSchema('google_calendar', method, template, body, { name: 'Google' });

// The Google error body as the SDK surfaces it (GaxiosError).
export function gErr(err) {
  return { status: err.response?.status, body: err.response?.data?.error };
}

// Webhook / push-notification receiver: { url, deliveries, waitFor(n | pred), close() }.
export { startReceiver as receiver } from '../../lib/receiver.mjs';
