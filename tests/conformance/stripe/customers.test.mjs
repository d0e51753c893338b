// Stripe twin: customers, products, prices — CRUD, metadata, lists, search, expand, schemas.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, raw, rejects, stopServer, assertSchema } from './helpers.mjs';

let t;
before(async () => { t = await newRun(); });
after(stopServer);

test('customer create / retrieve / update match Stripe schema', async () => {
  const c = await t.stripe.customers.create({ email: 'ada@example.com', name: 'Ada', metadata: { tier: 'gold' } });
  assert.match(c.id, /^cus_/);
  assert.equal(c.object, 'customer');
  assertSchema('POST', '/v1/customers', c);
  const got = await t.stripe.customers.retrieve(c.id);
  assert.equal(got.email, 'ada@example.com');
  assertSchema('GET', '/v1/customers/{customer}', got);
  const up = await t.stripe.customers.update(c.id, { name: 'Ada L.' });
  assert.equal(up.name, 'Ada L.');
  assertSchema('POST', '/v1/customers/{customer}', up);
});

test('metadata: set, update, unset one key with "", clear all with metadata=""', async () => {
  const c = await t.stripe.customers.create({ metadata: { a: '1', b: '2' } });
  const u1 = await t.stripe.customers.update(c.id, { metadata: { a: '', c: '3' } });
  assert.deepEqual(u1.metadata, { b: '2', c: '3' });
  const u2 = await t.stripe.customers.update(c.id, { metadata: '' });
  assert.deepEqual(u2.metadata, {});
});

test('a NUL byte inside a value is kept, not the end of it', async () => {
  const c = await t.stripe.customers.create({ name: 'a\u0000b', metadata: { k: 'x\u0000y' } });
  assert.equal(c.name, 'a\u0000b');
  assert.deepEqual(c.metadata, { k: 'x\u0000y' });
  const got = await t.stripe.customers.retrieve(c.id);
  assert.equal(got.name, 'a\u0000b');
  assert.deepEqual(got.metadata, { k: 'x\u0000y' });
});

test('customer delete returns deleted stub; retrieve shows deleted; update is 404', async () => {
  const c = await t.stripe.customers.create({ name: 'Gone' });
  const d = await t.stripe.customers.del(c.id);
  assert.deepEqual({ id: d.id, object: d.object, deleted: d.deleted }, { id: c.id, object: 'customer', deleted: true });
  assertSchema('DELETE', '/v1/customers/{customer}', d);
  const again = await t.stripe.customers.retrieve(c.id);
  assert.equal(again.deleted, true);
  const err = await rejects(() => t.stripe.customers.update(c.id, { name: 'x' }));
  assert.equal(err.statusCode, 404);
});

test('list filters by email and is a list object', async () => {
  await t.stripe.customers.create({ email: 'filter@example.com' });
  const r = await raw(t, 'GET', '/v1/customers?email=filter@example.com');
  assert.equal(r.json.object, 'list');
  assert.equal(r.json.url, '/v1/customers');
  assert.equal(r.json.has_more, false);
  assert.equal(r.json.data.length, 1);
  assertSchema('GET', '/v1/customers', r.json);
});

test('autoPagingToArray walks 25 customers in pages of 10, newest first', async () => {
  const run = await newRun();
  const made = [];
  for (let i = 0; i < 25; i++) made.push((await run.stripe.customers.create({ name: `P${i}` })).id);
  const first = await run.stripe.customers.list({ limit: 10 });
  assert.equal(first.data.length, 10);
  assert.equal(first.has_more, true);
  assert.equal(first.data[0].id, made[24]);
  const all = await run.stripe.customers.list({ limit: 10 }).autoPagingToArray({ limit: 100 });
  assert.deepEqual(all.map((c) => c.id), [...made].reverse());
  const before = await run.stripe.customers.list({ limit: 5, ending_before: made[10] });
  assert.deepEqual(before.data.map((c) => c.id), made.slice(11, 16).reverse());
});

test('limit outside 1..100 is a 400; unknown cursor is a 404', async () => {
  for (const limit of [0, 101]) {
    const err = await rejects(() => t.stripe.customers.list({ limit }));
    assert.equal(err.statusCode, 400);
    assert.equal(err.param, 'limit');
  }
  const err = await rejects(() => t.stripe.customers.list({ starting_after: 'cus_nothere' }));
  assert.equal(err.statusCode, 404);
  assert.equal(err.code, 'resource_missing');
  assert.equal(err.param, 'starting_after');
});

test('search by email, name, metadata, with AND / OR', async () => {
  const run = await newRun();
  await run.stripe.customers.create({ email: 'jane@example.com', name: 'Jane', metadata: { plan: 'pro' } });
  await run.stripe.customers.create({ email: 'john@example.com', name: 'John', metadata: { plan: 'free' } });
  const byEmail = await run.stripe.customers.search({ query: "email:'jane@example.com'" });
  assert.equal(byEmail.object, 'search_result');
  assert.equal(byEmail.data.length, 1);
  assert.equal(byEmail.data[0].name, 'Jane');
  assert.equal(byEmail.url, '/v1/customers/search');
  const byMeta = await run.stripe.customers.search({ query: "metadata['plan']:'free'" });
  assert.deepEqual(byMeta.data.map((c) => c.name), ['John']);
  const both = await run.stripe.customers.search({ query: "name:'Jane' OR name:'John'" });
  assert.equal(both.data.length, 2);
  const none = await run.stripe.customers.search({ query: "name:'Jane' AND metadata['plan']:'free'" });
  assert.equal(none.data.length, 0);
  const paged = await run.stripe.customers.search({ query: "name:'Jane' OR name:'John'", limit: 1 });
  assert.equal(paged.has_more, true);
  assert.ok(paged.next_page);
  const page2 = await run.stripe.customers.search({ query: "name:'Jane' OR name:'John'", limit: 1, page: paged.next_page });
  assert.notEqual(page2.data[0].id, paged.data[0].id);
  assertSchema('GET', '/v1/customers/search', byEmail);
});

test('search with an unparsable query is a 400 on param query', async () => {
  const err = await rejects(() => t.stripe.customers.search({ query: 'email = x' }));
  assert.equal(err.statusCode, 400);
  assert.equal(err.param, 'query');
});

test('products: create / retrieve / update / list / delete', async () => {
  const p = await t.stripe.products.create({ name: 'Widget', description: 'A widget', metadata: { sku: 'w1' } });
  assert.match(p.id, /^prod_/);
  assertSchema('POST', '/v1/products', p);
  assertSchema('GET', '/v1/products/{id}', await t.stripe.products.retrieve(p.id));
  const u = await t.stripe.products.update(p.id, { active: false });
  assert.equal(u.active, false);
  const inactive = await t.stripe.products.list({ active: false });
  assert.ok(inactive.data.some((x) => x.id === p.id));
  assertSchema('GET', '/v1/products', inactive);
  const d = await t.stripe.products.del(p.id);
  assert.equal(d.deleted, true);
});

test('product without a name: parameter_missing', async () => {
  const err = await rejects(() => t.stripe.products.create({}));
  assert.equal(err.code, 'parameter_missing');
  assert.equal(err.param, 'name');
});

test('prices: one-off and recurring, schema-valid', async () => {
  const p = await t.stripe.products.create({ name: 'Plan' });
  const once = await t.stripe.prices.create({ product: p.id, currency: 'usd', unit_amount: 1500 });
  assert.equal(once.type, 'one_time');
  assert.equal(once.unit_amount, 1500);
  assertSchema('POST', '/v1/prices', once);
  const monthly = await t.stripe.prices.create({ product: p.id, currency: 'eur', unit_amount: 900, recurring: { interval: 'month' } });
  assert.equal(monthly.type, 'recurring');
  assert.equal(monthly.recurring.interval, 'month');
  assert.equal(monthly.recurring.interval_count, 1);
  assertSchema('GET', '/v1/prices/{price}', await t.stripe.prices.retrieve(monthly.id));
  const err = await rejects(() => t.stripe.products.del(p.id));
  assert.equal(err.statusCode, 400);
});

test('price for a missing product is 404 on param product; bad interval is 400', async () => {
  const err = await rejects(() => t.stripe.prices.create({ product: 'prod_missing', currency: 'usd', unit_amount: 100 }));
  assert.equal(err.statusCode, 404);
  assert.equal(err.param, 'product');
  const p = await t.stripe.products.create({ name: 'Bad interval' });
  const e2 = await rejects(() => t.stripe.prices.create({ product: p.id, currency: 'usd', unit_amount: 1, recurring: { interval: 'fortnight' } }));
  assert.equal(e2.statusCode, 400);
  assert.equal(e2.param, 'recurring[interval]');
});

test('list prices by product and active; expand data.product', async () => {
  const p = await t.stripe.products.create({ name: 'Listed' });
  const a = await t.stripe.prices.create({ product: p.id, currency: 'usd', unit_amount: 100 });
  const b = await t.stripe.prices.create({ product: p.id, currency: 'usd', unit_amount: 200 });
  await t.stripe.prices.update(a.id, { active: false });
  const active = await t.stripe.prices.list({ product: p.id, active: true, expand: ['data.product'] });
  assert.deepEqual(active.data.map((x) => x.id), [b.id]);
  assert.equal(active.data[0].product.id, p.id);
  assertSchema('GET', '/v1/prices', active);
});

test('product with default_price_data creates its price', async () => {
  const p = await t.stripe.products.create({ name: 'Bundle', default_price_data: { currency: 'usd', unit_amount: 4200 }, expand: ['default_price'] });
  assert.equal(p.default_price.unit_amount, 4200);
  assert.equal(p.default_price.product, p.id);
});

test('expand of a non-expandable field is a 400', async () => {
  const c = await t.stripe.customers.create({});
  const err = await rejects(() => t.stripe.customers.retrieve(c.id, { expand: ['email'] }));
  assert.equal(err.statusCode, 400);
  assert.match(err.message, /cannot be expanded/);
});

test('customers.create with payment_method attaches it; invoice_settings[default_payment_method] may name it', async () => {
  const c = await t.stripe.customers.create({
    email: 'withcard@example.com', payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  assertSchema('POST', '/v1/customers', c);
  const pms = await t.stripe.paymentMethods.list({ customer: c.id, type: 'card' });
  assert.equal(pms.data.length, 1);
  assert.equal(pms.data[0].customer, c.id);
  assert.equal(pms.data[0].card.last4, '4242');
  assert.equal(c.invoice_settings.default_payment_method, pms.data[0].id);
  const pm = await t.stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_mastercard' } });
  const d = await t.stripe.customers.create({ payment_method: pm.id, invoice_settings: { default_payment_method: pm.id } });
  assert.equal(d.invoice_settings.default_payment_method, pm.id);
  assert.equal((await t.stripe.paymentMethods.retrieve(pm.id)).customer, d.id);
  const taken = await rejects(() => t.stripe.customers.create({ payment_method: pm.id }));
  assert.equal(taken.statusCode, 400);
  const missing = await rejects(() => t.stripe.customers.create({ payment_method: 'pm_missing' }));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.param, 'payment_method');
});
