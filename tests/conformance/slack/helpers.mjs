// Shared set-up for the Slack conformance tests: one twins server (tests/lib/fixture.mjs,
// or the one at TWINS_URL), fresh runs with the Slack twin, the
// official @slack/web-api WebClient pointed at SLACK_API_URL, and schema
// checks against Slack's official OpenAPI description.
import { createRequire } from 'node:module';
import * as fx from '../../lib/fixture.mjs';
import { hasOperation } from '../stubs/validate.mjs';

const require = createRequire(import.meta.url);
export const { WebClient } = require('@slack/web-api');
export { control, stopServer, rejects } from '../../lib/fixture.mjs';

export function client(ctx, token) {
  return new WebClient(token, { slackApiUrl: ctx.env.SLACK_API_URL, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

// A fresh run with the Slack twin: { run, base, env, adminUrl, bot, user, botToken, userToken }.
export async function newRun(extra = {}) {
  const ctx = await fx.newTwinRun('slack', extra);
  ctx.botToken = ctx.env.SLACK_BOT_TOKEN;
  ctx.userToken = ctx.env.SLACK_USER_TOKEN;
  ctx.bot = client(ctx, ctx.botToken);
  ctx.user = client(ctx, ctx.userToken);
  return ctx;
}

// Admin call on the run's Slack twin (under /admin, token as ?token=).
export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body, { prefix: '/admin', query: true });

// Raw Web API call (form-encoded) for what the SDK hides.
export function api(ctx, method, params = {}, { token, headers = {} } = {}) {
  return fx.raw(ctx, 'POST', `/api/${method}`, { body: new URLSearchParams(params).toString(), encode: 'raw', auth: token && `Bearer ${token}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
}

// Asserts body is valid for the method's success response in Slack's official description.
// Extra properties are allowed (Slack's description is frozen around 2020); nothing is stripped.
export function assertSchema(method, body) {
  const template = `/api/${method}`;
  const op = hasOperation('slack', 'POST', template) ? 'POST' : 'GET';
  if (!hasOperation('slack', op, template)) return;
  fx.assertSchema('slack', op, template, body, { name: 'Slack', copy: false, ignoreAdditional: true, label: method });
}
