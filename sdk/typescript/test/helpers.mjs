// Shared test helpers. Not a test file (node --test loads it and finds no tests).
//
// Target selection: when TWINS_URL is set (e.g. http://127.0.0.1:PORT), the
// contract tests talk to that server (with TWINS_API_KEY if set) and no fake
// is started. Otherwise each test file starts its own in-memory fake.
// Tests that need fault behaviour (delays, one-off 503s, forced statuses)
// always use `startFakeServer()` directly.

import { after, before } from 'node:test';
import { startFakeServer } from './fake-server.mjs';
import * as sdk from '../dist/esm/index.js';

export { sdk, startFakeServer };

export const REAL = Boolean(process.env.TWINS_URL);

/** Starts (or points at) the server under test. */
export async function target() {
  if (REAL) {
    return { url: process.env.TWINS_URL.replace(/\/+$/, ''), apiKey: process.env.TWINS_API_KEY || undefined, fake: null, close: async () => {} };
  }
  const fake = await startFakeServer({ apiKey: 'test-key' });
  return { url: fake.url, apiKey: 'test-key', fake, close: () => fake.close() };
}

/** A fetch that records every call (url, method, headers, parsed JSON body). */
export function recordingFetch(inner = globalThis.fetch) {
  const calls = [];
  const fn = async (url, init = {}) => {
    let body;
    if (typeof init.body === 'string' && init.body !== '') body = JSON.parse(init.body);
    calls.push({ url, method: init.method, headers: init.headers, body });
    return inner(url, init);
  };
  fn.calls = calls;
  return fn;
}

/** A client for `t` with test-friendly defaults. Tracks created runs for cleanup. */
export function clientFor(t, options = {}) {
  return new sdk.Client({ baseUrl: t.url, apiKey: t.apiKey, timeoutMs: 15_000, ...options });
}

/** Tears down runs (best effort) so a real server is left clean. */
export async function teardownAll(client, runIds) {
  for (const id of runIds) {
    try {
      await client.twinRuns.teardown(id);
    } catch {
      /* already gone */
    }
  }
}

/**
 * A test file's common set-up: registers before/after hooks that start (or point
 * at) the server under test with a client whose fetch records every call, and
 * afterwards tear down every run id pushed to `runIds`, then run `cleanup(client)`.
 * Returns { t, client, rec }, filled in by the before hook.
 */
export function useTarget(runIds, cleanup) {
  const ctx = { t: null, client: null, rec: null };
  before(async () => {
    ctx.t = await target();
    ctx.rec = recordingFetch();
    ctx.client = clientFor(ctx.t, { fetch: ctx.rec });
  });
  after(async () => {
    await teardownAll(ctx.client, runIds);
    if (cleanup) await cleanup(ctx.client);
    await ctx.t.close();
  });
  return ctx;
}

export const WAIT = { timeoutMs: 60_000, intervalMs: 50 };
