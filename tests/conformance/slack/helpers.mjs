// Shared set-up for the Slack conformance tests: one twins server (started
// here, or the one at TWINS_URL), fresh runs with the Slack twin, the
// official @slack/web-api WebClient pointed at SLACK_API_URL, and schema
// checks against Slack's official OpenAPI description.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { validateStub, hasOperation } from '../stubs/validate.mjs';

const require = createRequire(import.meta.url);
export const { WebClient } = require('@slack/web-api');

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
let server = null;
let controlUrl = process.env.TWINS_URL || null;

async function startServer() {
  const bin = process.env.TWINS_BIN || join(repo, 'build/twins');
  if (!existsSync(bin)) throw new Error(`twins binary not found at ${bin}; run make or set TWINS_BIN`);
  const dir = mkdtempSync(join(tmpdir(), 'twins-slack-'));
  const portFile = join(dir, 'port');
  server = spawn(bin, ['serve', '--port', '0', '--port-file', portFile, '--quiet'], {
    cwd: repo,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    if (existsSync(portFile)) {
      const port = readFileSync(portFile, 'utf8').trim();
      if (port) {
        rmSync(dir, { recursive: true, force: true });
        return `http://127.0.0.1:${port}`;
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('twins server did not start');
}

export async function stopServer() {
  if (server) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    server = null;
  }
}

export async function control() {
  if (!controlUrl) controlUrl = await startServer();
  return controlUrl;
}

export function client(ctx, token) {
  return new WebClient(token, { slackApiUrl: ctx.env.SLACK_API_URL, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

// A fresh run with the Slack twin: { run, base, env, adminUrl, bot, user, botToken, userToken }.
export async function newRun(extra = {}) {
  const url = await control();
  const res = await fetch(`${url}/twin-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ twins: ['slack'], ...extra }),
  });
  const run = await res.json();
  assert.ok(res.status < 300, `run creation failed: ${res.status} ${JSON.stringify(run)}`);
  const twin = run.twins.slack;
  const ctx = { run, base: twin.base_url, env: twin.env_vars, adminUrl: twin.admin_url, controlUrl: url,
    proxyToken: run.proxy_token };
  ctx.botToken = ctx.env.SLACK_BOT_TOKEN;
  ctx.userToken = ctx.env.SLACK_USER_TOKEN;
  ctx.bot = client(ctx, ctx.botToken);
  ctx.user = client(ctx, ctx.userToken);
  return ctx;
}

// Admin call on the run's Slack twin.
export async function admin(ctx, method, path, body) {
  const u = new URL(ctx.adminUrl + '/admin' + path);
  if (ctx.proxyToken) u.searchParams.set('token', ctx.proxyToken);
  const res = await fetch(u, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

// Raw Web API call (form-encoded) for what the SDK hides.
export async function api(ctx, method, params = {}, { token, headers = {} } = {}) {
  const h = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  const res = await fetch(`${ctx.base}/api/${method}`, { method: 'POST', headers: h, body: new URLSearchParams(params).toString() });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

// Asserts body is valid for the method's success response in Slack's official description.
export function assertSchema(method, body) {
  const template = `/api/${method}`;
  const op = hasOperation('slack', 'POST', template) ? 'POST' : 'GET';
  if (!hasOperation('slack', op, template)) return;
  const r = validateStub('slack', op, template, body);
  // Extra properties are allowed (Slack's description is frozen around 2020); nothing is stripped.
  if (!r.valid) r.errors = (r.errors || []).filter((e) => e.keyword !== 'additionalProperties');
  if (!r.valid && r.errors.length === 0) r.valid = true;
  assert.ok(r.valid, `${method} does not match Slack's schema: ${JSON.stringify(r.errors?.slice(0, 5))}`);
}

export async function rejects(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail');
}
