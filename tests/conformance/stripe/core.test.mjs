// Stripe twin: auth, error shapes, wire format, idempotency (official SDK + raw HTTP).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, raw, rejects, stopServer, assertSchema, Stripe } from './helpers.mjs';

let t;
before(async () => { t = await newRun(); });
after(stopServer);

test('missing API key: 401 in Stripe shape with Request-Id', async () => {
  const r = await raw(t, 'GET', '/v1/customers', { auth: false });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.type, 'invalid_request_error');
  assert.match(r.json.error.message, /^You did not provide an API key\./);
  assert.match(r.headers.get('request-id'), /^req_/);
});

test('malformed API key: StripeAuthenticationError with masked key', async () => {
  const bad = new Stripe('sk_nope_1234abcd', { host: new URL(t.base).hostname, port: Number(new URL(t.base).port), protocol: 'http', maxNetworkRetries: 0 });
  const err = await rejects(() => bad.customers.list());
  assert.equal(err.type, 'StripeAuthenticationError');
  assert.equal(err.statusCode, 401);
  assert.match(err.message, /^Invalid API Key provided: sk_nope_\*\*\*\*abcd$/);
  assert.match(err.requestId, /^req_/);
});

test('Basic auth with the key as user, and restricted keys, are accepted', async () => {
  const basic = Buffer.from(`${t.key}:`).toString('base64');
  const r = await raw(t, 'GET', '/v1/customers', { auth: false, headers: { authorization: `Basic ${basic}` } });
  assert.equal(r.status, 200);
  const rk = await raw(t, 'GET', '/v1/customers', { auth: false, headers: { authorization: 'Bearer rk_test_abc123' } });
  assert.equal(rk.status, 200);
});

test('Stripe-Version is accepted and echoed; Request-Id on errors and stubs', async () => {
  const r = await raw(t, 'GET', '/v1/customers', { headers: { 'stripe-version': '2023-08-16' } });
  assert.equal(r.headers.get('stripe-version'), '2023-08-16');
  assert.match(r.headers.get('request-id'), /^req_/);
  const stub = await raw(t, 'GET', '/v1/coupons');
  assert.match(stub.headers.get('request-id'), /^req_/);
  const unknown = await raw(t, 'GET', '/v1/definitely_not_a_route');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.type, 'invalid_request_error');
  assert.match(unknown.headers.get('request-id'), /^req_/);
});

test('404 resource_missing as the SDK sees it', async () => {
  const err = await rejects(() => t.stripe.customers.retrieve('cus_doesnotexist'));
  assert.equal(err.type, 'StripeInvalidRequestError');
  assert.equal(err.statusCode, 404);
  assert.equal(err.code, 'resource_missing');
  assert.equal(err.param, 'id');
  assert.equal(err.message, "No such customer: 'cus_doesnotexist'");
});

test('integer coercion: a non-integer amount is parameter_invalid_integer', async () => {
  const err = await rejects(() => t.stripe.customers.create({ balance: 'lots' }));
  assert.equal(err.statusCode, 400);
  assert.equal(err.code, 'parameter_invalid_integer');
  assert.equal(err.param, 'balance');
});

test('missing required param: parameter_missing', async () => {
  const err = await rejects(() => t.stripe.paymentIntents.create({ currency: 'usd' }));
  assert.equal(err.type, 'StripeInvalidRequestError');
  assert.equal(err.code, 'parameter_missing');
  assert.equal(err.param, 'amount');
});

test('booleans are coerced from "true"/"false" and rejected otherwise', async () => {
  const p = await t.stripe.products.create({ name: 'Bool', active: false });
  assert.equal(p.active, false);
  const r = await raw(t, 'POST', `/v1/products/${p.id}`, { body: { active: 'maybe' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.param, 'active');
});

test('objects have created in unix seconds and livemode false', async () => {
  const c = await t.stripe.customers.create({ name: 'Clock' });
  assert.equal(c.livemode, false);
  assert.ok(Math.abs(c.created - Date.now() / 1000) < 120);
  assert.ok(Number.isInteger(c.created));
});

test('idempotent replay: same key, same parameters -> same object, replay header, same bytes', async () => {
  const key = `idem-${Date.now()}`;
  const a = await raw(t, 'POST', '/v1/customers', { body: { email: 'idem@example.com' }, headers: { 'idempotency-key': key } });
  const b = await raw(t, 'POST', '/v1/customers', { body: { email: 'idem@example.com' }, headers: { 'idempotency-key': key } });
  assert.equal(a.status, 200);
  assert.equal(b.text, a.text);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  assert.equal(a.headers.get('idempotent-replayed'), null);
  const list = await t.stripe.customers.list({ email: 'idem@example.com' });
  assert.equal(list.data.length, 1);
});

test('idempotent replay through the SDK returns the same id', async () => {
  const key = `sdk-${Date.now()}`;
  const a = await t.stripe.customers.create({ name: 'Once' }, { idempotencyKey: key });
  const b = await t.stripe.customers.create({ name: 'Once' }, { idempotencyKey: key });
  assert.equal(a.id, b.id);
});

test('same key with different parameters: StripeIdempotencyError', async () => {
  const key = `conflict-${Date.now()}`;
  await t.stripe.customers.create({ name: 'First' }, { idempotencyKey: key });
  const err = await rejects(() => t.stripe.customers.create({ name: 'Second' }, { idempotencyKey: key }));
  assert.equal(err.type, 'StripeIdempotencyError');
  assert.equal(err.statusCode, 400);
  assert.match(err.message, /Keys for idempotent requests can only be used with the same parameters/);
});

test('card declines are replayed too (the endpoint ran)', async () => {
  const key = `decline-${Date.now()}`;
  const body = { amount: '1000', currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: 'true' };
  const a = await raw(t, 'POST', '/v1/payment_intents', { body, headers: { 'idempotency-key': key } });
  const b = await raw(t, 'POST', '/v1/payment_intents', { body, headers: { 'idempotency-key': key } });
  assert.equal(a.status, 402);
  assert.equal(b.status, 402);
  assert.equal(b.text, a.text);
});

test('keys are per run: the same key in another run creates a new object', async () => {
  const other = await newRun();
  const key = `per-run-${Date.now()}`;
  const a = await t.stripe.customers.create({ name: 'R1' }, { idempotencyKey: key });
  const b = await other.stripe.customers.create({ name: 'R1' }, { idempotencyKey: key });
  assertSchema('POST', '/v1/customers', b);
  assert.equal((await other.stripe.customers.list()).data.length, 1);
  assert.ok(a.id);
});

test('idempotency compares parameters, not bytes: the same parameters in another order replay', async () => {
  const key = `order-${Date.now()}`;
  const a = await raw(t, 'POST', '/v1/customers', {
    body: { email: 'order@example.com', name: 'Order', 'metadata[a]': '1', 'metadata[b]': '2' }, headers: { 'idempotency-key': key },
  });
  const b = await raw(t, 'POST', '/v1/customers', {
    body: { 'metadata[b]': '2', name: 'Order', 'metadata[a]': '1', email: 'order@example.com' }, headers: { 'idempotency-key': key },
  });
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  assert.equal(b.text, a.text);
  const c = await raw(t, 'POST', '/v1/customers', {
    body: { 'metadata[b]': '3', name: 'Order', 'metadata[a]': '1', email: 'order@example.com' }, headers: { 'idempotency-key': key },
  });
  assert.equal(c.status, 400);
  assert.equal(c.json.error.type, 'idempotency_error');
});
