// Shared test helpers. Not a test file (node --test loads it and finds no tests).
//
// Target selection: when TWINS_URL is set (e.g. http://127.0.0.1:PORT), the
// contract tests talk to that server (with TWINS_API_KEY if set) and no fake
// is started. Otherwise each test file starts its own in-memory fake.
// Tests that need fault behaviour (delays, one-off 503s, forced statuses)
// always use `startFakeServer()` directly.

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

export const WAIT = { timeoutMs: 60_000, intervalMs: 50 };
