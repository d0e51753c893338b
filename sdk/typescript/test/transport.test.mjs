// Transport behaviour that needs fault injection: always uses a local fake or
// a one-off server, even when TWINS_URL is set.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { sdk, startFakeServer } from './helpers.mjs';

const { Client, Arga, ApiError, TimeoutError, ConnectionError, RunNotReadyError, VERSION, parseRetryAfter } = sdk;

let fake;
let client;

before(async () => {
  fake = await startFakeServer({ apiKey: 'k1', provisionDelayMs: 0 });
  client = new Client({ baseUrl: fake.url, apiKey: 'k1' });
});
after(() => fake.close());

const count = (method, path) => fake.requests.filter((r) => r.method === method && r.path === path).length;

/** A one-off server whose handler is `fn(req, res, n)` with n = 1, 2, ... */
async function oneOff(fn) {
  let n = 0;
  const server = createServer((req, res) => {
    n += 1;
    req.resume();
    req.on('end', () => fn(req, res, n));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get count() {
      return n;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

describe('headers and construction', () => {
  test('sends Authorization: Bearer, x-twins-sdk, accept, JSON content-type', async () => {
    await client.twinRuns.create({ twins: ['stripe'] });
    const req = fake.requests.at(-1);
    assert.equal(req.headers.authorization, 'Bearer k1');
    assert.equal(req.headers['x-twins-sdk'], `typescript/${VERSION}`);
    assert.match(req.headers['content-type'], /application\/json/);
    assert.match(req.headers.accept, /application\/json/);
  });

  test('no Authorization header without apiKey', async () => {
    const prev = process.env.TWINS_API_KEY;
    delete process.env.TWINS_API_KEY;
    try {
      const anon = new Client({ baseUrl: fake.url });
      await assert.rejects(anon.twins.list(), (e) => e instanceof ApiError && e.status === 401);
      assert.equal(fake.requests.at(-1).headers.authorization, undefined);
    } finally {
      if (prev !== undefined) process.env.TWINS_API_KEY = prev;
    }
  });

  test('Arga is an alias of Client; default export too; trailing slash in baseUrl ok', async () => {
    assert.equal(Arga, Client);
    assert.equal(sdk.default, Client);
    const c = new Arga({ baseUrl: `${fake.url}///`, apiKey: 'k1' });
    assert.equal(c.baseUrl, fake.url);
    assert.ok(Array.isArray(await c.twins.list()));
  });

  test('invalid construction', () => {
    const prev = process.env.TWINS_URL;
    delete process.env.TWINS_URL;
    try {
      assert.throws(() => new Client({}), TypeError);
      assert.throws(() => new Client({ baseUrl: 'not a url' }), TypeError);
      assert.throws(() => new Client({ baseUrl: 'ftp://x' }), TypeError);
      assert.throws(() => new Client({ baseUrl: 'http://x', maxRetries: -1 }), RangeError);
    } finally {
      if (prev !== undefined) process.env.TWINS_URL = prev;
    }
  });

  test('ApiError carries status, detail, body, requestId', async () => {
    const err = await client.twinRuns.create({ twins: ['foo'] }).catch((e) => e);
    assert.ok(err instanceof ApiError);
    assert.ok(err instanceof sdk.TwinsError);
    assert.equal(err.name, 'ApiError');
    assert.equal(err.status, 400);
    assert.equal(err.detail, 'unknown twin: foo');
    assert.deepEqual(err.body, { detail: 'unknown twin: foo' });
    assert.match(err.requestId, /^req_\d+$/);
  });

  test('non-JSON error body: detail falls back to the text', async () => {
    const s = await oneOff((req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('kaput');
    });
    try {
      const err = await new Client({ baseUrl: s.url }).twins.list().catch((e) => e);
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 500);
      assert.equal(err.detail, 'kaput');
      assert.equal(err.body, 'kaput');
      assert.equal(s.count, 1, '500 is not retried');
    } finally {
      await s.close();
    }
  });
});

describe('retries', () => {
  test('idempotent GET: 503 once with Retry-After: 0, then 200', async () => {
    const run = await client.twinRuns.create({ twins: ['stripe'] });
    const path = `/twin-runs/${run.runId}`;
    fake.addFault({ method: 'GET', path, status: 503, headers: { 'retry-after': '0' } });
    const before = count('GET', path);
    const started = Date.now();
    const got = await client.twinRuns.get(run.runId);
    assert.equal(got.runId, run.runId);
    assert.equal(count('GET', path) - before, 2);
    assert.ok(Date.now() - started < 1000, 'Retry-After: 0 honoured (no back-off wait)');
  });

  for (const status of [429, 502, 504]) {
    test(`${status} is retried for idempotent POSTs (extend)`, async () => {
      const run = await client.twinRuns.create({ twins: ['slack'] });
      const path = `/twin-runs/${run.runId}/extend`;
      fake.addFault({ method: 'POST', path, status, headers: { 'retry-after': '0' } });
      const res = await client.twinRuns.extend(run.runId, { ttlMinutes: 10 });
      assert.equal(res.status, 'extended');
      assert.equal(count('POST', path), 2);
    });
  }

  test('lock, teardown, reset, PUT and DELETE are retried', async () => {
    const run = await client.twinRuns.create({ twins: ['slack'] });
    for (const action of ['lock', 'reset', 'teardown']) {
      const path = `/twin-runs/${run.runId}/${action}`;
      fake.addFault({ method: 'POST', path, status: 503, headers: { 'retry-after': '0' } });
      await client.twinRuns[action](run.runId);
      assert.equal(count('POST', path), 2, action);
    }
    const s = await client.scenarios.create({ name: 'r' });
    fake.addFault({ method: 'PUT', path: `/scenarios/${s.id}`, status: 502, headers: { 'retry-after': '0' } });
    assert.equal((await client.scenarios.update(s.id, { name: 'r2' })).name, 'r2');
    assert.equal(count('PUT', `/scenarios/${s.id}`), 2);
    fake.addFault({ method: 'DELETE', path: `/scenarios/${s.id}`, status: 503, headers: { 'retry-after': '0' } });
    await client.scenarios.delete(s.id);
    assert.equal(count('DELETE', `/scenarios/${s.id}`), 2);
  });

  test('non-idempotent create/provision/scenario create are NOT retried', async () => {
    for (const [call, path] of [
      [() => client.twinRuns.create({ twins: ['stripe'] }), '/twin-runs'],
      [() => client.twins.provision({ twins: ['stripe'] }), '/validate/twins/provision'],
      [() => client.scenarios.create({ name: 'x' }), '/scenarios'],
    ]) {
      fake.addFault({ method: 'POST', path, status: 503, headers: { 'retry-after': '0' } });
      const before = count('POST', path);
      const err = await call().catch((e) => e);
      assert.ok(err instanceof ApiError, String(err));
      assert.equal(err.status, 503);
      assert.equal(count('POST', path) - before, 1, path);
    }
  });

  test('gives up after maxRetries (default 2 → 3 attempts) and throws the last ApiError', async () => {
    fake.addFault({ method: 'GET', path: '/validate/twins', status: 503, headers: { 'retry-after': '0' }, times: 5 });
    const before = count('GET', '/validate/twins');
    const err = await client.twins.list().catch((e) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 503);
    assert.equal(count('GET', '/validate/twins') - before, 3);
    fake.clearFaults();
    const c0 = new Client({ baseUrl: fake.url, apiKey: 'k1', maxRetries: 0 });
    fake.addFault({ method: 'GET', path: '/validate/twins', status: 503, headers: { 'retry-after': '0' } });
    await assert.rejects(c0.twins.list(), (e) => e.status === 503);
    assert.ok((await c0.twins.list()).length > 0);
  });

  test('per-call maxRetries override', async () => {
    fake.addFault({ method: 'GET', path: '/validate/twins', status: 503, headers: { 'retry-after': '0' }, times: 2 });
    const before = count('GET', '/validate/twins');
    await assert.rejects(client.twins.list({ maxRetries: 1 }), (e) => e.status === 503);
    assert.equal(count('GET', '/validate/twins') - before, 2);
  });

  test('Retry-After as an HTTP date is honoured', async () => {
    const s = await oneOff((req, res, n) => {
      if (n === 1) {
        res.writeHead(429, { 'retry-after': new Date(Date.now() + 1000).toUTCString(), 'content-type': 'application/json' });
        return res.end('{"detail":"slow down"}');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    try {
      const started = Date.now();
      assert.deepEqual(await new Client({ baseUrl: s.url }).twins.list(), []);
      assert.equal(s.count, 2);
      // HTTP dates have 1 s resolution: the wait is between 0 and ~1 s.
      assert.ok(Date.now() - started < 2500);
    } finally {
      await s.close();
    }
  });

  test('parseRetryAfter', () => {
    assert.equal(parseRetryAfter('0'), 0);
    assert.equal(parseRetryAfter('2'), 2000);
    assert.equal(parseRetryAfter('1.5'), 1500);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:03 GMT', now), 3000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now), 0);
  });

  test('connection errors are retried for idempotent calls, not for create', async () => {
    const s = await oneOff((req, res, n) => {
      if (n === 1) return req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[{"name":"stripe","label":"Stripe","kind":"frontend","show_in_ui":true,"hosts":[]}]');
    });
    try {
      const c = new Client({ baseUrl: s.url, maxRetries: 1 });
      const list = await c.twins.list();
      assert.equal(list[0].showInUi, true);
      assert.equal(s.count, 2);
    } finally {
      await s.close();
    }
    const s2 = await oneOff((req) => req.socket.destroy());
    try {
      const err = await new Client({ baseUrl: s2.url }).twinRuns.create({ twins: ['stripe'] }).catch((e) => e);
      assert.ok(err instanceof ConnectionError, String(err));
      assert.equal(s2.count, 1);
    } finally {
      await s2.close();
    }
  });

  test('connection refused → ConnectionError after retries', async () => {
    const s = await oneOff(() => {});
    const url = s.url;
    await s.close();
    const err = await new Client({ baseUrl: url, maxRetries: 1 }).twins.list().catch((e) => e);
    assert.ok(err instanceof ConnectionError, String(err));
    assert.ok(err.cause);
  });
});

describe('timeouts and aborts', () => {
  test('timeoutMs per attempt → TimeoutError', async () => {
    fake.addFault({ method: 'GET', path: '/validate/twins', delayMs: 500 });
    const c = new Client({ baseUrl: fake.url, apiKey: 'k1', timeoutMs: 100 });
    const started = Date.now();
    const err = await c.twins.list().catch((e) => e);
    assert.ok(err instanceof TimeoutError, String(err));
    assert.equal(err.timeoutMs, 100);
    assert.ok(Date.now() - started < 450);
  });

  test('per-call timeoutMs overrides the client default; a slow answer within it succeeds', async () => {
    fake.addFault({ method: 'GET', path: '/validate/twins', delayMs: 150 });
    const c = new Client({ baseUrl: fake.url, apiKey: 'k1', timeoutMs: 50 });
    assert.ok((await c.twins.list({ timeoutMs: 2000 })).length > 0);
  });

  test('AbortSignal aborts an in-flight call with an AbortError', async () => {
    fake.addFault({ method: 'GET', path: '/validate/twins', delayMs: 500 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await client.twins.list({ signal: ac.signal }).catch((e) => e);
    assert.equal(err.name, 'AbortError');
    assert.ok(!(err instanceof TimeoutError));
  });

  test('an already-aborted signal rejects without a request; a custom reason is rethrown', async () => {
    const before = fake.requests.length;
    const reason = new Error('stop');
    await assert.rejects(client.scenarios.list({}, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
    assert.equal(fake.requests.length, before);
  });

  test('abort during a retry back-off wait', async () => {
    fake.addFault({ method: 'GET', path: '/validate/twins', status: 503, headers: { 'retry-after': '30' } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    const err = await client.twins.list({ signal: ac.signal }).catch((e) => e);
    assert.equal(err.name, 'AbortError');
    assert.ok(Date.now() - started < 2000);
  });
});

describe('waitUntilReady (fake-controlled statuses)', () => {
  let slow;
  let c;
  before(async () => {
    slow = await startFakeServer({ provisionDelayMs: 300 });
    c = new Client({ baseUrl: slow.url });
  });
  after(() => slow.close());

  test('polls until ready', async () => {
    const run = await c.twinRuns.create({ twins: ['stripe'] });
    assert.equal(run.status, 'provisioning');
    const before = slow.requests.length;
    const ready = await c.twinRuns.waitUntilReady(run.runId, { intervalMs: 50, timeoutMs: 5000 });
    assert.equal(ready.status, 'ready');
    assert.ok(slow.requests.length - before >= 3, 'polled several times');
  });

  for (const status of ['failed', 'expired', 'cancelled']) {
    test(`throws RunNotReadyError on ${status}`, async () => {
      const run = await c.twinRuns.create({ twins: ['stripe'] });
      setTimeout(() => slow.setRunStatus(run.runId, status), 60);
      const err = await c.twinRuns.waitUntilReady(run.runId, { intervalMs: 20, timeoutMs: 5000 }).catch((e) => e);
      assert.ok(err instanceof RunNotReadyError, String(err));
      assert.equal(err.status, status);
      assert.equal(err.run.runId, run.runId);
    });
  }

  test('throws TimeoutError when not ready in time', async () => {
    const run = await c.twinRuns.create({ twins: ['stripe'] });
    slow.setRunStatus(run.runId, 'provisioning');
    const err = await c.twinRuns.waitUntilReady(run.runId, { intervalMs: 20, timeoutMs: 150 }).catch((e) => e);
    assert.ok(err instanceof TimeoutError, String(err));
    assert.match(err.message, /provisioning/);
  });

  test('abort via signal', async () => {
    const run = await c.twinRuns.create({ twins: ['stripe'] });
    slow.setRunStatus(run.runId, 'queued');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 80);
    const err = await c.twinRuns.waitUntilReady(run.runId, { intervalMs: 20, timeoutMs: 5000, signal: ac.signal }).catch((e) => e);
    assert.equal(err.name, 'AbortError');
  });

  test('404 for an unknown run surfaces as ApiError', async () => {
    await assert.rejects(
      c.twinRuns.waitUntilReady('00000000-0000-4000-8000-000000000000', { intervalMs: 20, timeoutMs: 1000 }),
      (e) => e instanceof ApiError && e.status === 404,
    );
  });
});

describe('custom fetch', () => {
  test('is used for every request and sees snake_case bodies', async () => {
    const calls = [];
    const fetchStub = async (url, init) => {
      calls.push({ url, init });
      return new Response(
        JSON.stringify({ run_id: 'r1', status: 'queued', twins: {}, expires_at: 'x', proxy_token: 'p', ttl_minutes: 5 }),
        { status: 201, headers: { 'content-type': 'application/json' } },
      );
    };
    const c = new Client({ baseUrl: 'http://example.invalid/api', apiKey: 'k', fetch: fetchStub });
    const run = await c.twinRuns.create({ twins: ['google_drive'], ttlMinutes: 5, scenarioPrompt: 'p', public: true });
    assert.equal(run.runId, 'r1');
    assert.equal(run.proxyToken, 'p');
    assert.equal(calls[0].url, 'http://example.invalid/api/twin-runs');
    assert.deepEqual(JSON.parse(calls[0].init.body), { twins: ['google_drive'], ttl_minutes: 5, scenario_prompt: 'p', public: true });
  });
});
