// Stripe twin: a rejected request changes nothing (the engine rolls a
// handler's writes back when it answers an error), except where Stripe itself
// keeps state behind an error: card declines record the failed attempt, and a
// saved idempotent result of an error is replayed.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, raw, rejects, stopServer, webhookReceiver } from './helpers.mjs';
import { admin } from '../../lib/fixture.mjs';

let t;
before(async () => { t = await newRun(); });
after(stopServer);

async function monthlyPrice(amount) {
  const product = await t.stripe.products.create({ name: `Plan ${amount}` });
  return t.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount, recurring: { interval: 'month' } });
}

async function subscribedCustomer(price) {
  const cus = await t.stripe.customers.create({ email: 'atomic@example.com' });
  const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await t.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  return t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
}

test('subscriptions.update: a valid first item and an invalid second one change nothing', async () => {
  const price = await monthlyPrice(500);
  const extra = await monthlyPrice(700);
  const sub = await subscribedCustomer(price);
  const itemId = sub.items.data[0].id;
  const eventsBefore = (await t.stripe.events.list({ limit: 100 })).data.length;

  const err = await rejects(() => t.stripe.subscriptions.update(sub.id, {
    items: [{ id: itemId, quantity: 4 }, { price: extra.id }, { price: 'price_does_not_exist' }],
    metadata: { touched: 'yes' },
    proration_behavior: 'none',
  }));
  assert.equal(err.type, 'StripeInvalidRequestError');
  assert.equal(err.statusCode, 404);
  assert.equal(err.code, 'resource_missing');
  assert.equal(err.param, 'items[2][price]');

  const again = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(again.items.data.length, 1);
  assert.equal(again.items.data[0].id, itemId);
  assert.equal(again.items.data[0].quantity, 1);
  assert.deepEqual(again.metadata, {});
  const items = await t.stripe.subscriptionItems.list({ subscription: sub.id });
  assert.deepEqual(items.data.map((i) => i.id), [itemId]);
  const eventsAfter = (await t.stripe.events.list({ limit: 100 })).data;
  assert.equal(eventsAfter.length, eventsBefore, 'no event for a rejected update');
});

test('products.create with a bad later parameter leaves no product behind', async () => {
  const before2 = (await t.stripe.products.list({ limit: 100 })).data.length;
  const err = await rejects(() => t.stripe.products.create({
    name: 'Half made', default_price_data: { currency: 'usd', unit_amount: 'not-a-number' },
  }));
  assert.equal(err.statusCode, 400);
  assert.equal(err.type, 'StripeInvalidRequestError');
  const after2 = (await t.stripe.products.list({ limit: 100 })).data;
  assert.equal(after2.length, before2);
  assert.ok(!after2.some((p) => p.name === 'Half made'));
});

test('prices.create: product_data with a bad recurring interval leaves no orphan product', async () => {
  const productsBefore = (await t.stripe.products.list({ limit: 100 })).data.map((p) => p.id);
  const err = await rejects(() => t.stripe.prices.create({
    currency: 'usd', unit_amount: 100, product_data: { name: 'Orphan plan' }, recurring: { interval: 'fortnight' },
  }));
  assert.equal(err.statusCode, 400);
  assert.equal(err.type, 'StripeInvalidRequestError');
  const products = (await t.stripe.products.list({ limit: 100 })).data;
  assert.deepEqual(products.map((p) => p.id), productsBefore);
  assert.ok(!products.some((p) => p.name === 'Orphan plan'));
  const created = await t.stripe.events.list({ type: 'product.created', limit: 100 });
  assert.ok(!created.data.some((e) => e.data.object.name === 'Orphan plan'), 'no product.created event either');
});

test('a rolled-back request delivers no webhook; the next good one does', async () => {
  const run = await newRun();
  const rx = await webhookReceiver();
  try {
    await run.stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['product.created'] });
    await rejects(() => run.stripe.prices.create({
      currency: 'usd', unit_amount: 100, product_data: { name: 'Never announced' }, recurring: { interval: 'fortnight' },
    }));
    await run.stripe.prices.create({ currency: 'usd', unit_amount: 100, product_data: { name: 'Announced' } });
    const hit = await rx.waitFor((d) => JSON.parse(d.body).data.object.name === 'Announced');
    assert.equal(JSON.parse(hit.body).type, 'product.created');
    await new Promise((r) => setTimeout(r, 300));   // a stray delivery would have arrived with the good one
    assert.deepEqual(rx.deliveries.map((d) => JSON.parse(d.body).data.object.name), ['Announced']);
    const log = await admin(run, 'GET', '/admin/webhooks/deliveries');
    assert.equal(log.status, 200);
    assert.equal(log.json.deliveries.length, 1, 'the rolled-back delivery left no log entry');
  } finally {
    await rx.close();
  }
});

test('a declined charge still records the failed charge and its charge.failed event', async () => {
  const err = await rejects(() => t.stripe.charges.create({ amount: 2500, currency: 'usd', source: 'tok_chargeDeclined' }));
  assert.equal(err.type, 'StripeCardError');
  assert.equal(err.statusCode, 402);
  assert.equal(err.code, 'card_declined');
  assert.match(err.raw.charge, /^ch_/);
  const ch = await t.stripe.charges.retrieve(err.raw.charge);
  assert.equal(ch.status, 'failed');
  assert.equal(ch.amount, 2500);
  const failed = await t.stripe.events.list({ type: 'charge.failed' });
  assert.ok(failed.data.some((e) => e.data.object.id === ch.id));
});

test('a declined confirm keeps the intent in requires_payment_method with last_payment_error and the event', async () => {
  const pi = await t.stripe.paymentIntents.create({
    amount: 1200, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: false,
  });
  const err = await rejects(() => t.stripe.paymentIntents.confirm(pi.id));
  assert.equal(err.statusCode, 402);
  assert.equal(err.decline_code, 'generic_decline');
  const again = await t.stripe.paymentIntents.retrieve(pi.id);
  assert.equal(again.status, 'requires_payment_method');
  assert.equal(again.last_payment_error.code, 'card_declined');
  assert.match(again.latest_charge, /^ch_/);
  const events = await t.stripe.events.list({ type: 'payment_intent.payment_failed' });
  assert.ok(events.data.some((e) => e.data.object.id === pi.id));
});

test('idempotency: a 404 is saved and replayed, a validation 400 is not saved', async () => {
  const post = (path, body, key) => raw(t, 'POST', path, { body, headers: { 'Idempotency-Key': key } });
  const key = `atomic-404-${Date.now()}`;
  const first = await post('/v1/customers/cus_missing', { name: 'x' }, key);
  assert.equal(first.status, 404);
  assert.equal(first.json.error.code, 'resource_missing');
  const second = await post('/v1/customers/cus_missing', { name: 'x' }, key);
  assert.equal(second.status, 404);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  assert.equal(second.text, first.text);

  const key400 = `atomic-400-${Date.now()}`;
  const bad = await post('/v1/customers', { email: 'a@example.com', balance: 'lots' }, key400);
  assert.equal(bad.status, 400);
  const retry = await post('/v1/customers', { email: 'a@example.com', balance: 'lots' }, key400);
  assert.equal(retry.status, 400);
  assert.equal(retry.headers.get('idempotent-replayed'), null);
});
