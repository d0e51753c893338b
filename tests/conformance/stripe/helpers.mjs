// Shared set-up for the Stripe conformance tests: one twins server (started
// here, or the one at TWINS_URL), one run per test file, the official
// `stripe` SDK pointed at the run's Stripe twin, and schema checks against
// Stripe's own OpenAPI description.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { validateStub } from '../stubs/validate.mjs';

const require = createRequire(import.meta.url);
export const Stripe = require('stripe');

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
let server = null;
let controlUrl = process.env.TWINS_URL || null;

async function startServer() {
  const bin = process.env.TWINS_BIN || join(repo, 'build/twins');
  if (!existsSync(bin)) throw new Error(`twins binary not found at ${bin}; run make or set TWINS_BIN`);
  const dir = mkdtempSync(join(tmpdir(), 'twins-stripe-'));
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

// A fresh run with the Stripe twin: { base, key, env, run, stripe, adminUrl }.
export async function newRun(extra = {}) {
  const url = await control();
  const res = await fetch(`${url}/twin-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ twins: ['stripe'], ...extra }),
  });
  const run = await res.json();
  assert.ok(res.status < 300, `run creation failed: ${res.status} ${JSON.stringify(run)}`);
  const twin = run.twins.stripe;
  const base = new URL(twin.base_url);
  const key = twin.env_vars.STRIPE_SECRET_KEY;
  const stripe = new Stripe(key, {
    host: base.hostname,
    port: Number(base.port),
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  });
  return { run, base: twin.base_url, key, env: twin.env_vars, stripe, adminUrl: twin.admin_url, controlUrl: url };
}

// Raw request to the twin (for headers and shapes the SDK hides).
export async function raw(ctx, method, path, { body, headers = {}, auth = true } = {}) {
  const h = { ...headers };
  if (auth) h.authorization = `Bearer ${ctx.key}`;
  let payload;
  if (body !== undefined) {
    h['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(body).toString();
  }
  const res = await fetch(ctx.base + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

// Asserts body is valid for the operation's success response in spec3.yaml.
export function assertSchema(method, template, body) {
  const plain = JSON.parse(JSON.stringify(body, (k, v) => (k === 'lastResponse' ? undefined : v)));
  const r = validateStub('stripe', method, template, plain);
  assert.ok(r.valid, `${method} ${template} does not match Stripe's schema: ${JSON.stringify(r.errors?.slice(0, 5))}`);
}

// Runs fn and returns the error it throws (fails if it does not throw).
export async function rejects(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail');
}

/** A local webhook receiver on 127.0.0.1: records each delivery's path, raw
 *  body and Stripe-Signature header, answers 200. */
export async function webhookReceiver() {
  const { createServer } = await import('node:http');
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ path: req.url, body, signature: req.headers['stripe-signature'] });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"received":true}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    received,
    url: (path) => `http://127.0.0.1:${server.address().port}${path}`,
    /** The first delivery matching pred, waiting up to ms for it. */
    async waitFor(pred, ms = 5000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const hit = received.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('webhook not delivered in time');
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
