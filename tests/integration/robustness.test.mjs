// Bad input never crashes a twin or loses state: seeded random requests
// (malformed forms, deep nesting, huge numbers, wrong types, junk JSON) at
// every stateful Stripe route and the admin endpoints.  Every answer must be
// a 4xx/2xx in the service's own shape, and earlier state must survive.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, createRun } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const WEIRD = ['', '0', '-1', '1e309', '99999999999999999999999', 'true', 'null', '[]', '{}', 'a'.repeat(5000),
  '%00', '\u0000', 'é✓😀', '../../etc/passwd', '<script>', "' OR 1=1 --", 'cus_', 'pm_card_visa', '4242424242424242'];
const KEYS = ['amount', 'currency', 'customer', 'email', 'metadata[k]', 'metadata[]', 'items[0][price]',
  'items[][quantity]', 'expand[]', 'expand[]=data.customer', 'limit', 'starting_after', 'a[b][c][d][e][f]',
  'line_items[0][price_data][unit_amount]', 'payment_method', 'capture_method', 'recurring[interval]', '[', ']', '=='];

function randomForm(r) {
  const parts = [];
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) {
    const k = KEYS[Math.floor(r() * KEYS.length)];
    const v = WEIRD[Math.floor(r() * WEIRD.length)];
    parts.push(`${encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(v)}`);
  }
  if (r() < 0.1) parts.push('%ZZ=%G1&&&=');
  return parts.join('&');
}

test('random bad input to Stripe routes: no 5xx, state survives', async () => {
  const run = await createRun(srv.url, ['stripe']);
  const base = run.twins.stripe.base_url;
  const auth = { authorization: `Bearer ${run.twins.stripe.env_vars.STRIPE_SECRET_KEY}` };
  const keep = await api(base, 'POST', '/v1/customers', 'email=keep%40example.com', {
    ...auth, 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(keep.status, 200);
  const ops = (await api(srv.url, 'GET', `/runs/${run.run_id}/twins/stripe/admin/openapi`, undefined,
    { 'x-twins-token': run.proxy_token })).body.operations.filter((o) => o.implementation === 'stateful');
  assert.ok(ops.length > 50);
  const r = rng(20261123);
  const failures = [];
  for (let i = 0; i < 600; i++) {
    const op = ops[Math.floor(r() * ops.length)];
    const method = op.method === '*' ? 'POST' : op.method;
    // A DELETE naming the kept customer would be a valid delete, not bad input.
    const ids = ['cus_x', 'pi_1', '%2F..', 'x'.repeat(300), method === 'DELETE' ? 'cus_gone' : keep.body.id];
    const path = op.path.replace(/\{[^}]+\}/g, () => ids[Math.floor(r() * 5)]);
    const form = randomForm(r);
    const res = method === 'GET' || method === 'DELETE'
      ? await api(base, method, `${path}?${form}`, undefined, auth)
      : await api(base, method, path, r() < 0.15 ? '{"not":"form"' : form,
        { ...auth, 'content-type': r() < 0.1 ? 'application/json' : 'application/x-www-form-urlencoded' });
    if (res.status >= 500) failures.push(`${method} ${path} ${form} -> ${res.status} ${res.text.slice(0, 200)}`);
    // Browser pages (checkout, links, 3-D Secure) answer HTML; the API answers Stripe's shape.
    else if (op.path.startsWith('/v1/') && res.status >= 400 && !(res.body && res.body.error && res.body.error.type))
      failures.push(`${method} ${path} -> ${res.status} not in Stripe's error shape: ${res.text.slice(0, 200)}`);
  }
  assert.deepEqual(failures, []);
  const again = await api(base, 'GET', `/v1/customers/${keep.body.id}`, undefined, auth);
  assert.equal(again.status, 200);
  assert.equal(again.body.email, 'keep@example.com');
  assert.equal((await api(srv.url, 'GET', '/health')).status, 200);
});

test('random bad input to admin and control endpoints: clear 4xx, never 5xx', async () => {
  const run = await createRun(srv.url, ['slack', 'github']);
  const r = rng(7);
  const bodies = ['', '{', '[]', 'null', '"x"', '{"route":5}', '{"status":"500"}', '{"latency_ms":-1}',
    '{"probability":"half","status":500}', '{"seed":{"customers":"nope"}}', '{"seed":[1]}', '{"twins":[1,2]}',
    '{"ttl_minutes":1e400,"twins":["slack"]}', '{"twins":["slack"],"public":"yes"}', 'x'.repeat(10000)];
  const targets = [
    ['POST', `/runs/${run.run_id}/twins/slack/admin/faults`], ['PUT', `/runs/${run.run_id}/twins/github/admin/config`],
    ['PATCH', `/runs/${run.run_id}/twins/slack/admin/config`], ['POST', `/runs/${run.run_id}/twins/slack/admin/tier`],
    ['POST', '/twin-runs'], ['POST', '/scenarios'], ['POST', `/twin-runs/${run.run_id}/extend`],
    ['DELETE', `/runs/${run.run_id}/twins/slack/admin/faults/flt_999`], ['GET', `/runs/${run.run_id}/twins/nope/admin/state`],
  ];
  const failures = [];
  for (let i = 0; i < 200; i++) {
    const [method, path] = targets[Math.floor(r() * targets.length)];
    const body = bodies[Math.floor(r() * bodies.length)];
    const res = await api(srv.url, method, path, method === 'GET' || method === 'DELETE' ? undefined : body,
      { 'x-twins-token': run.proxy_token, 'content-type': 'application/json' });
    if (res.status >= 500) failures.push(`${method} ${path} ${body.slice(0, 60)} -> ${res.status}`);
  }
  assert.deepEqual(failures, []);
  const st = await api(srv.url, 'GET', `/twin-runs/${run.run_id}`);
  assert.equal(st.body.status, 'ready');
});
