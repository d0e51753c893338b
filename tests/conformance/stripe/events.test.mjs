// Stripe twin: events, webhook endpoints, signed deliveries verified by the
// SDK's own constructEvent, the run's default endpoint, and seeding.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, raw, rejects, stopServer, assertSchema, control, webhookReceiver } from './helpers.mjs';
import { admin } from '../../lib/fixture.mjs';

let t;
let hooks;

before(async () => {
  t = await newRun();
  hooks = await webhookReceiver();
});
after(async () => {
  await hooks.close();
  await stopServer();
});

const hookUrl = (path) => hooks.urlFor(path);
const waitFor = (pred, ms) => hooks.waitFor(pred, ms);

test('state changes create events, listable by type and retrievable, schema-valid', async () => {
  const run = await newRun();
  const c = await run.stripe.customers.create({ name: 'Evented' });
  await run.stripe.customers.update(c.id, { name: 'Renamed' });
  await run.stripe.customers.del(c.id);
  const all = await run.stripe.events.list();
  assert.deepEqual(all.data.map((e) => e.type), ['customer.deleted', 'customer.updated', 'customer.created']);
  assertSchema('GET', '/v1/events', all);
  const updated = await run.stripe.events.list({ type: 'customer.updated' });
  assert.equal(updated.data.length, 1);
  const ev = await run.stripe.events.retrieve(updated.data[0].id);
  assert.equal(ev.data.object.name, 'Renamed');
  assert.equal(ev.data.previous_attributes.name, 'Evented');
  assertSchema('GET', '/v1/events/{id}', ev);
  const wild = await run.stripe.events.list({ type: 'customer.*' });
  assert.equal(wild.data.length, 3);
});

test('payment flows emit payment_intent / charge events', async () => {
  const run = await newRun();
  const pi = await run.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
  await run.stripe.refunds.create({ payment_intent: pi.id });
  await rejects(() => run.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true }));
  const types = (await run.stripe.events.list({ limit: 100 })).data.map((e) => e.type);
  for (const ty of ['payment_intent.created', 'payment_intent.succeeded', 'charge.succeeded', 'charge.refunded', 'charge.failed', 'payment_intent.payment_failed']) {
    assert.ok(types.includes(ty), `missing ${ty} in ${types}`);
  }
  const refunded = (await run.stripe.events.list({ type: 'charge.refunded' })).data[0];
  assert.equal(refunded.data.previous_attributes.refunded, false);
});

test('webhook endpoints: CRUD; the secret is shown on create only', async () => {
  const we = await t.stripe.webhookEndpoints.create({ url: hookUrl('/crud'), enabled_events: ['product.created'] });
  assert.match(we.id, /^we_/);
  assert.match(we.secret, /^whsec_/);
  assertSchema('POST', '/v1/webhook_endpoints', we);
  const got = await t.stripe.webhookEndpoints.retrieve(we.id);
  assert.equal(got.secret, undefined);
  assertSchema('GET', '/v1/webhook_endpoints/{webhook_endpoint}', got);
  const up = await t.stripe.webhookEndpoints.update(we.id, { disabled: true });
  assert.equal(up.status, 'disabled');
  const list = await t.stripe.webhookEndpoints.list();
  assert.ok(list.data.some((x) => x.id === we.id));
  const del = await t.stripe.webhookEndpoints.del(we.id);
  assert.equal(del.deleted, true);
  const err = await rejects(() => t.stripe.webhookEndpoints.retrieve(we.id));
  assert.equal(err.statusCode, 404);
});

test('deliveries are signed so stripe.webhooks.constructEvent accepts them', async () => {
  const we = await t.stripe.webhookEndpoints.create({ url: hookUrl('/signed'), enabled_events: ['customer.created'] });
  const c = await t.stripe.customers.create({ email: 'hook@example.com' });
  const hit = await waitFor((r) => r.url === '/signed' && r.body.includes(c.id));
  assert.match(hit.headers['stripe-signature'], /^t=\d+,v1=[0-9a-f]{64}$/);
  const event = t.stripe.webhooks.constructEvent(hit.raw, hit.headers['stripe-signature'], we.secret);
  assert.equal(event.type, 'customer.created');
  assert.equal(event.data.object.id, c.id);
  assert.throws(() => t.stripe.webhooks.constructEvent(hit.raw, hit.headers['stripe-signature'], 'whsec_wrong'));
});

test('endpoints only get their enabled_events ("*" gets everything)', async () => {
  await t.stripe.webhookEndpoints.create({ url: hookUrl('/star'), enabled_events: ['*'] });
  await t.stripe.webhookEndpoints.create({ url: hookUrl('/only-prices'), enabled_events: ['price.created'] });
  const p = await t.stripe.products.create({ name: 'Filtered' });
  await waitFor((r) => r.url === '/star' && r.body.includes(p.id));
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!hooks.deliveries.some((r) => r.url === '/only-prices' && r.body.includes(p.id)));
});

test('one request emitting several events: each enabled endpoint gets exactly its events, disabled ones nothing', async () => {
  const run = await newRun();
  const mk = (path, events) => run.stripe.webhookEndpoints.create({ url: hookUrl(path), enabled_events: events });
  const star = await mk('/multi-star', ['*']);
  const charges = await mk('/multi-charge', ['charge.succeeded', 'payment_intent.succeeded']);
  const off = await mk('/multi-off', ['*']);
  await run.stripe.webhookEndpoints.update(off.id, { disabled: true });
  const other = await mk('/multi-other', ['customer.created']);
  const pi = await run.stripe.paymentIntents.create({ amount: 1500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
  const events = (await run.stripe.events.list({ limit: 100 })).data.filter((e) => e.data.object.id === pi.id || e.data.object.payment_intent === pi.id);
  const types = events.map((e) => e.type).sort();
  assert.ok(types.length >= 3, `one request, several events: ${types}`);
  const wanted = { [star.id]: types, [charges.id]: types.filter((ty) => ty === 'charge.succeeded' || ty === 'payment_intent.succeeded'),
    [off.id]: [], [other.id]: [] };
  assert.equal(wanted[charges.id].length, 2);
  for (const e of events) assert.equal(e.pending_webhooks, 1 + (wanted[charges.id].includes(e.type) ? 1 : 0), e.type);
  const ids = new Set(events.map((e) => e.id));
  const log = (await admin(run, 'GET', '/admin/webhooks/deliveries')).json.deliveries.filter((d) => ids.has(d.event_id));
  for (const [endpoint, expected] of Object.entries(wanted))
    assert.deepEqual(log.filter((d) => d.endpoint_id === endpoint).map((d) => d.event_type).sort(), [...expected].sort(), endpoint);
  // Endpoint changes take effect from the next request on: re-enabled gets events, deleted gets none.
  await run.stripe.webhookEndpoints.update(off.id, { disabled: false });
  await run.stripe.webhookEndpoints.del(star.id);
  const c = await run.stripe.customers.create({ name: 'After changes' });
  const created = (await run.stripe.events.list({ type: 'customer.created' })).data.find((e) => e.data.object.id === c.id);
  const later = (await admin(run, 'GET', '/admin/webhooks/deliveries')).json.deliveries.filter((d) => d.event_id === created.id);
  assert.deepEqual(later.map((d) => d.endpoint_id).sort(), [off.id, other.id].sort());
  assert.equal(created.pending_webhooks, 2);
});

test('default endpoint from the admin config, signed with STRIPE_WEBHOOK_SECRET', async () => {
  const run = await newRun();
  const res = await fetch(`${run.adminUrl}/admin/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-twins-token': run.run.proxy_token },
    body: JSON.stringify({ webhook_url: hookUrl('/default') }),
  });
  assert.equal(res.status, 200);
  const c = await run.stripe.customers.create({ name: 'Default hook' });
  const hit = await waitFor((r) => r.url === '/default' && r.body.includes(c.id));
  const event = run.stripe.webhooks.constructEvent(hit.raw, hit.headers['stripe-signature'], run.env.STRIPE_WEBHOOK_SECRET);
  assert.equal(event.type, 'customer.created');
});

test('a failed delivery is retried with backoff and signed afresh; the log shows each attempt; the admin API re-delivers', async () => {
  // Its own receiver: the first answer is a 500, every later one a 200.
  const flaky = await webhookReceiver({ statuses: [500] });
  try {
    const we = await t.stripe.webhookEndpoints.create({ url: flaky.urlFor('/flaky'), enabled_events: ['customer.created'] });
    const c = await t.stripe.customers.create({ email: 'retry@example.com' });
    const [first, second] = await flaky.waitFor(2, 5000);
    assert.equal(first.body, second.body, 'a retry carries the same event');
    for (const hit of [first, second]) {
      const event = t.stripe.webhooks.constructEvent(hit.raw, hit.headers['stripe-signature'], we.secret);
      assert.equal(event.data.object.id, c.id);
    }
    const log = await admin(t, 'GET', '/admin/webhooks/deliveries');
    assert.equal(log.status, 200);
    const mine = log.json.deliveries.find((d) => d.url.endsWith('/flaky'));
    assert.ok(mine, 'the delivery is in the log');
    assert.equal(mine.status, 'succeeded');
    assert.deepEqual(mine.attempts.map((a) => a.status_code), [500, 200]);
    const retried = await admin(t, 'POST', `/admin/webhooks/deliveries/${mine.id}/retry`);
    assert.ok(retried.status >= 200 && retried.status < 300, `retry answered ${retried.status} ${retried.text}`);
    const third = (await flaky.waitFor(3, 5000))[2];
    assert.equal(third.body, first.body);
    t.stripe.webhooks.constructEvent(third.raw, third.headers['stripe-signature'], we.secret);
  } finally {
    await flaky.close();
  }
});

test('seeding from seed_config.stripe gives deterministic ids and counts', async (tt) => {
  const url = await control();
  const seed = {
    stripe: {
      customers: [{ email: 'seed1@example.com', name: 'Seed One', metadata: { vip: 'yes' } }, { email: 'seed2@example.com', name: 'Seed Two' }],
      products: [{ name: 'Pro', description: 'Pro plan', prices: [{ currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' } }, { currency: 'usd', unit_amount: 20000 }] }],
    },
  };
  const sres = await fetch(`${url}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `stripe-seed-${Date.now()}`, twins: ['stripe'], seed_config: seed }) });
  if (sres.status >= 300) {
    tt.skip(`scenarios endpoint not available (${sres.status})`);
    return;
  }
  const scenario = await sres.json();
  const a = await newRun({ scenario_id: scenario.id });
  const b = await newRun({ scenario_id: scenario.id });
  assert.equal(a.run.seed_results.stripe.status, 'seeded');
  assert.equal(a.run.seed_results.stripe.customers, 2);
  assert.equal(a.run.seed_results.stripe.products, 1);
  assert.equal(a.run.seed_results.stripe.prices, 2);
  const ca = await a.stripe.customers.list();
  const cb = await b.stripe.customers.list();
  assert.deepEqual(ca.data.map((c) => c.id), cb.data.map((c) => c.id));
  assert.deepEqual(ca.data.map((c) => c.email).sort(), ['seed1@example.com', 'seed2@example.com']);
  const vip = await a.stripe.customers.search({ query: "metadata['vip']:'yes'" });
  assert.equal(vip.data.length, 1);
  const prices = await a.stripe.prices.list({ expand: ['data.product'] });
  assert.equal(prices.data.length, 2);
  assert.equal(prices.data[0].product.name, 'Pro');
  assert.equal((await a.stripe.events.list()).data.length, 0);
});

async function adminState(r) {
  const res = await fetch(`${r.adminUrl.replace(/\/$/, '')}/admin/state`, { headers: { 'x-twins-token': r.run.proxy_token } });
  assert.equal(res.status, 200);
  return (await res.json()).state;
}

test('seeding coupons, tax rates, customers with cards and subscriptions: counts, billing state, determinism', async (tt) => {
  const url = await control();
  const seed = {
    stripe: {
      coupons: [{ id: 'WELCOME20', percent_off: 20, duration: 'forever', name: 'Welcome' }, { amount_off: 500, currency: 'usd', duration: 'once' }],
      tax_rates: [{ display_name: 'VAT', percentage: 20, inclusive: false, country: 'GB' }],
      products: [{ name: 'Team', prices: [{ currency: 'usd', unit_amount: 3000, recurring: { interval: 'month' }, lookup_key: 'team_monthly' }] }],
      customers: [
        { email: 'card@example.com', name: 'Has Card', payment_method: 'pm_card_visa' },
        { email: 'nocard@example.com', name: 'No Card' },
      ],
      subscriptions: [
        { customer: 'card@example.com', price: 'team_monthly', quantity: 2, coupon: 'WELCOME20' },
        { customer: 'nocard@example.com', price: 'team_monthly', trial_period_days: 10 },
      ],
    },
  };
  const sres = await fetch(`${url}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `stripe-billing-seed-${Date.now()}`, twins: ['stripe'], seed_config: seed }) });
  if (sres.status >= 300) {
    tt.skip(`scenarios endpoint not available (${sres.status})`);
    return;
  }
  const scenario = await sres.json();
  const a = await newRun({ scenario_id: scenario.id });
  const b = await newRun({ scenario_id: scenario.id });
  const r = a.run.seed_results.stripe;
  assert.equal(r.status, 'seeded', JSON.stringify(r));
  assert.deepEqual({ customers: r.customers, products: r.products, prices: r.prices, coupons: r.coupons, tax_rates: r.tax_rates, subscriptions: r.subscriptions, payment_methods: r.payment_methods },
    { customers: 2, products: 1, prices: 1, coupons: 2, tax_rates: 1, subscriptions: 2, payment_methods: 1 });
  assert.deepEqual(await adminState(a), await adminState(b));
  const coupon = await a.stripe.coupons.retrieve('WELCOME20');
  assert.equal(coupon.percent_off, 20);
  assert.equal(coupon.times_redeemed, 1);
  const rates = await a.stripe.taxRates.list();
  assert.equal(rates.data[0].display_name, 'VAT');
  const [card] = (await a.stripe.customers.list({ email: 'card@example.com' })).data;
  assert.match(card.invoice_settings.default_payment_method, /^pm_/);
  const subs = await a.stripe.subscriptions.list({ customer: card.id, expand: ['data.latest_invoice'] });
  const sub = subs.data[0];
  assertSchema('GET', '/v1/subscriptions', subs);
  assert.equal(sub.status, 'active');
  assert.equal(sub.items.data[0].quantity, 2);
  assert.equal(sub.discount.coupon.id, 'WELCOME20');
  assert.equal(sub.latest_invoice.status, 'paid');
  assert.equal(sub.latest_invoice.amount_paid, 4800);
  assert.match(sub.latest_invoice.charge, /^ch_/);
  const [nocard] = (await a.stripe.customers.list({ email: 'nocard@example.com' })).data;
  const trial = (await a.stripe.subscriptions.list({ customer: nocard.id })).data[0];
  assert.equal(trial.status, 'trialing');
  assert.equal(trial.trial_end - trial.trial_start, 10 * 86400);
  assert.equal((await a.stripe.events.list()).data.length, 0);
  const bad = await fetch(`${url}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `stripe-bad-${Date.now()}`, twins: ['stripe'], seed_config: { stripe: { coupon: [] } } }) });
  assert.equal(bad.status, 400);
});

test('every preset with Stripe seeds fully, and two runs of a preset have identical state', async () => {
  const url = await control();
  const presets = [
    ['preset-ecommerce-checkout', { customers: 4, products: 4, prices: 4, subscriptions: 0 }],
    ['preset-saas-billing', { customers: 4, products: 3, prices: 5, subscriptions: 4 }],
    ['preset-customer-support', { customers: 3, products: 2, prices: 2, subscriptions: 2 }],
    ['preset-payment-fraud', { customers: 5, products: 5, prices: 5, subscriptions: 0 }],
    ['preset-i18n-unicode', { customers: 5, products: 4, prices: 4, subscriptions: 0 }],
  ];
  const listed = await (await fetch(`${url}/scenarios`)).json().catch(() => null);
  const ids = JSON.stringify(listed ?? '');
  for (const [id, counts] of presets) {
    if (listed && !ids.includes(id)) continue;
    const a = await newRun({ scenario_id: id });
    const b = await newRun({ scenario_id: id });
    const r = a.run.seed_results.stripe;
    assert.equal(r.status, 'seeded', `${id}: ${JSON.stringify(r)}`);
    for (const [k, v] of Object.entries(counts)) assert.equal(r[k], v, `${id} ${k}`);
    assert.deepEqual(await adminState(a), await adminState(b), id);
  }
  const saas = await newRun({ scenario_id: 'preset-saas-billing' });
  const subs = await saas.stripe.subscriptions.list({ status: 'all', expand: ['data.customer'] });
  const byEmail = Object.fromEntries(subs.data.map((s) => [s.customer.email, s.status]));
  assert.deepEqual(byEmail, {
    'billing@northwind.example': 'active', 'ops@contoso.example': 'active',
    'finance@globex.example': 'past_due', 'hello@initech.example': 'trialing',
  });
});
