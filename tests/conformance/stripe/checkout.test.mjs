// Stripe twin: checkout sessions and payment links through the official SDK,
// and completing a session by posting the hosted page's form (what a browser
// does), with events and a signed checkout.session.completed webhook.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, raw, rejects, stopServer, assertSchema, webhookReceiver } from './helpers.mjs';

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

async function priceOf(amount, extra = {}) {
  const product = await t.stripe.products.create({ name: `Item ${amount}` });
  return t.stripe.prices.create({ product: product.id, unit_amount: amount, currency: 'usd', ...extra });
}

async function paymentSession(extra = {}) {
  const price = await priceOf(2000);
  return t.stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: price.id, quantity: 2 }],
    success_url: 'https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://shop.example/cancel',
    ...extra,
  });
}

// Posts the hosted checkout form like a browser, without following redirects.
async function payForm(session, card, email = 'buyer@example.com') {
  const body = new URLSearchParams({ email, cardnumber: card, cardexpiry: '12 / 34', cardcvc: '123', name: 'Buyer' });
  const res = await fetch(new URL(`/c/pay/${session.id}/confirm`, t.base), {
    method: 'POST',
    body,
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

test('create a payment session: cs_test_ id, url on the twin, amounts from line items, schema-valid', async () => {
  const cs = await paymentSession({ metadata: { order: '42' } });
  assert.match(cs.id, /^cs_test_/);
  assert.equal(cs.object, 'checkout.session');
  assert.equal(cs.status, 'open');
  assert.equal(cs.payment_status, 'unpaid');
  assert.equal(cs.amount_subtotal, 4000);
  assert.equal(cs.amount_total, 4000);
  assert.equal(cs.currency, 'usd');
  assert.equal(cs.payment_intent, null);
  assert.deepEqual(cs.metadata, { order: '42' });
  assert.equal(cs.url, `${new URL(t.base).origin}/c/pay/${cs.id}`);
  assertSchema('POST', '/v1/checkout/sessions', cs);
  const got = await t.stripe.checkout.sessions.retrieve(cs.id);
  assert.equal(got.id, cs.id);
  assertSchema('GET', '/v1/checkout/sessions/{session}', got);
});

test('price_data with product_data creates the price inline; expand line_items', async () => {
  const cs = await t.stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price_data: { currency: 'usd', unit_amount: 1250, product_data: { name: 'Sticker' } }, quantity: 3 }],
    success_url: 'https://shop.example/ok',
    expand: ['line_items'],
  });
  assert.equal(cs.amount_total, 3750);
  assert.equal(cs.line_items.data.length, 1);
  assert.equal(cs.line_items.data[0].description, 'Sticker');
  assert.equal(cs.line_items.data[0].price.unit_amount, 1250);
  const items = await t.stripe.checkout.sessions.listLineItems(cs.id);
  assert.equal(items.object, 'list');
  assert.equal(items.data[0].quantity, 3);
  assert.equal(items.data[0].amount_total, 3750);
  assert.match(items.data[0].id, /^li_/);
  assertSchema('GET', '/v1/checkout/sessions/{session}/line_items', items);
});

test('parameter errors: missing mode, missing line_items, unknown price, missing customer', async () => {
  let err = await rejects(() => t.stripe.checkout.sessions.create({ success_url: 'https://x.example' }));
  assert.equal(err.statusCode, 400);
  assert.equal(err.param, 'mode');
  err = await rejects(() => t.stripe.checkout.sessions.create({ mode: 'payment', success_url: 'https://x.example' }));
  assert.equal(err.param, 'line_items');
  err = await rejects(() =>
    t.stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_missing', quantity: 1 }] }));
  assert.equal(err.code, 'resource_missing');
  assert.equal(err.param, 'line_items[0][price]');
  const price = await priceOf(500);
  err = await rejects(() =>
    t.stripe.checkout.sessions.create({ mode: 'payment', customer: 'cus_missing', line_items: [{ price: price.id, quantity: 1 }] }));
  assert.equal(err.statusCode, 404);
  assert.equal(err.param, 'customer');
  const monthly = await priceOf(900, { recurring: { interval: 'month' } });
  err = await rejects(() =>
    t.stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: monthly.id, quantity: 1 }] }));
  assert.equal(err.statusCode, 400);
});

test('list sessions (newest first, filter by status), expire one', async () => {
  const a = await paymentSession();
  const b = await paymentSession();
  const list = await t.stripe.checkout.sessions.list({ limit: 2 });
  assert.deepEqual(list.data.map((s) => s.id), [b.id, a.id]);
  assertSchema('GET', '/v1/checkout/sessions', list);
  const expired = await t.stripe.checkout.sessions.expire(a.id);
  assert.equal(expired.status, 'expired');
  assert.equal(expired.url, null);
  assertSchema('POST', '/v1/checkout/sessions/{session}/expire', expired);
  const err = await rejects(() => t.stripe.checkout.sessions.expire(a.id));
  assert.equal(err.statusCode, 400);
  const onlyExpired = await t.stripe.checkout.sessions.list({ status: 'expired' });
  assert.ok(onlyExpired.data.every((s) => s.status === 'expired'));
  assert.ok(onlyExpired.data.some((s) => s.id === a.id));
  const page = await raw(t, 'GET', `/c/pay/${a.id}`, { auth: false });
  assert.equal(page.status, 410);
  const missing = await rejects(() => t.stripe.checkout.sessions.retrieve('cs_test_missing'));
  assert.equal(missing.statusCode, 404);
});

test('the hosted page is public HTML with line items, total and card fields', async () => {
  const cs = await paymentSession();
  const res = await fetch(cs.url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const html = await res.text();
  assert.match(html, /\$40\.00/);
  assert.match(html, /Item 2000/);
  for (const name of ['email', 'cardnumber', 'cardexpiry', 'cardcvc']) assert.match(html, new RegExp(`name="${name}"`));
  assert.match(html, /href="https:\/\/shop\.example\/cancel"/);
  const notFound = await fetch(new URL('/c/pay/cs_test_nope', t.base));
  assert.equal(notFound.status, 404);
});

test('paying with 4242: session complete and paid, pi succeeded with a charge, customer from email, redirect', async () => {
  const cs = await paymentSession({ customer_creation: 'always' });
  const r = await payForm(cs, '4242 4242 4242 4242', 'payer@example.com');
  assert.equal(r.status, 303);
  assert.equal(r.location, `https://shop.example/ok?session_id=${cs.id}`);
  const done = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['payment_intent'] });
  assert.equal(done.status, 'complete');
  assert.equal(done.payment_status, 'paid');
  assert.equal(done.url, null);
  assert.equal(done.payment_intent.status, 'succeeded');
  assert.equal(done.payment_intent.amount, 4000);
  assert.equal(done.payment_intent.amount_received, 4000);
  assert.match(done.payment_intent.latest_charge, /^ch_/);
  assert.match(done.customer, /^cus_/);
  assert.equal(done.customer_details.email, 'payer@example.com');
  assertSchema('GET', '/v1/checkout/sessions/{session}', done);
  const customer = await t.stripe.customers.retrieve(done.customer);
  assert.equal(customer.email, 'payer@example.com');
  const charge = await t.stripe.charges.retrieve(done.payment_intent.latest_charge);
  assert.equal(charge.status, 'succeeded');
  assert.equal(charge.amount, 4000);
  assert.equal(charge.payment_method_details.card.last4, '4242');
  const byPi = await t.stripe.checkout.sessions.list({ payment_intent: done.payment_intent.id });
  assert.deepEqual(byPi.data.map((s) => s.id), [cs.id]);
  const again = await payForm(cs, '4242424242424242');
  assert.equal(again.status, 303);   // a completed session's page sends the buyer on
});

test('a declined card shows the message and keeps the session open; a retry with 4242 succeeds', async () => {
  const cs = await paymentSession();
  const r = await payForm(cs, '4000 0000 0000 0002');
  assert.equal(r.status, 402);
  assert.match(r.html, /Your card was declined\./);
  let s = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['payment_intent'] });
  assert.equal(s.status, 'open');
  assert.equal(s.payment_status, 'unpaid');
  assert.equal(s.payment_intent.status, 'requires_payment_method');
  assert.equal(s.payment_intent.last_payment_error.decline_code, 'generic_decline');
  const firstIntent = s.payment_intent.id;
  const bad = await payForm(cs, '4242 4242 4242 4241');
  assert.match(bad.html, /Your card number is invalid\./);
  const ok = await payForm(cs, '4242424242424242');
  assert.equal(ok.status, 303);
  s = await t.stripe.checkout.sessions.retrieve(cs.id);
  assert.equal(s.status, 'complete');
  assert.equal(s.payment_intent, firstIntent);   // the same intent across attempts
});

test('3-D Secure card: challenge page, complete -> paid; fail -> back to the form', async () => {
  const cs = await paymentSession();
  const r = await payForm(cs, '4000 0025 0000 3155');
  assert.equal(r.status, 303);
  assert.equal(r.location, `/c/pay/${cs.id}/3ds`);
  let s = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['payment_intent'] });
  assert.equal(s.payment_intent.status, 'requires_action');
  assert.equal(s.payment_intent.next_action.type, 'redirect_to_url');
  const challenge = await (await fetch(new URL(r.location, t.base))).text();
  assert.match(challenge, /Complete authentication/);
  assert.match(challenge, /Fail authentication/);
  const fail = await fetch(new URL(r.location, t.base), { method: 'POST', body: new URLSearchParams({ action: 'fail' }) });
  assert.equal(fail.status, 402);
  assert.match(await fail.text(), /unable to authenticate/);
  s = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['payment_intent'] });
  assert.equal(s.status, 'open');
  assert.equal(s.payment_intent.last_payment_error.code, 'payment_intent_authentication_failure');
  const r2 = await payForm(cs, '4000000000003220');
  assert.equal(r2.location, `/c/pay/${cs.id}/3ds`);
  const ok = await fetch(new URL(r2.location, t.base), {
    method: 'POST', body: new URLSearchParams({ action: 'complete' }), redirect: 'manual',
  });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), `https://shop.example/ok?session_id=${cs.id}`);
  s = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['payment_intent'] });
  assert.equal(s.status, 'complete');
  assert.equal(s.payment_intent.status, 'succeeded');
});

test('completion emits checkout.session.completed, payment_intent.succeeded, charge.succeeded; webhook is signed', async () => {
  const run = await newRun();
  const res = await fetch(`${run.adminUrl}/admin/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-twins-token': run.run.proxy_token },
    body: JSON.stringify({ webhook_url: hookUrl('/checkout') }),
  });
  assert.equal(res.status, 200);
  const price = await run.stripe.prices.create({ unit_amount: 1500, currency: 'usd', product_data: { name: 'Hook item' } });
  const cs = await run.stripe.checkout.sessions.create({
    mode: 'payment', line_items: [{ price: price.id, quantity: 1 }], success_url: 'https://shop.example/ok',
    customer_creation: 'always',
  });
  const form = new URLSearchParams({ email: 'hook@example.com', cardnumber: '4242424242424242', cardexpiry: '1234', cardcvc: '123' });
  const paid = await fetch(new URL(`/c/pay/${cs.id}/confirm`, run.base), { method: 'POST', body: form, redirect: 'manual' });
  assert.equal(paid.status, 303);
  const hit = await waitFor((h) => h.url === '/checkout' && JSON.parse(h.body).type === 'checkout.session.completed');
  const event = run.stripe.webhooks.constructEvent(hit.raw, hit.headers['stripe-signature'], run.env.STRIPE_WEBHOOK_SECRET);
  assert.equal(event.data.object.id, cs.id);
  assert.equal(event.data.object.status, 'complete');
  assert.equal(event.data.object.payment_status, 'paid');
  const events = await run.stripe.events.list({ limit: 20 });
  const types = events.data.map((e) => e.type);
  for (const type of ['checkout.session.completed', 'payment_intent.succeeded', 'charge.succeeded', 'customer.created'])
    assert.ok(types.includes(type), `missing ${type} in ${types}`);
  assert.ok(types.indexOf('checkout.session.completed') < types.indexOf('payment_intent.succeeded'));
  const completed = await run.stripe.events.list({ type: 'checkout.session.completed' });
  assertSchema('GET', '/v1/events', completed);
});

test('customer sessions: an existing customer pays without an email field', async () => {
  const customer = await t.stripe.customers.create({ email: 'known@example.com' });
  const cs = await paymentSession({ customer: customer.id });
  const page = await (await fetch(cs.url)).text();
  assert.match(page, /known@example\.com/);
  const r = await payForm(cs, '4242424242424242', '');
  assert.equal(r.status, 303);
  const s = await t.stripe.checkout.sessions.retrieve(cs.id);
  assert.equal(s.customer, customer.id);
  const list = await t.stripe.checkout.sessions.list({ customer: customer.id });
  assert.deepEqual(list.data.map((x) => x.id), [cs.id]);
});

test('setup mode saves a card and completes with no_payment_required', async () => {
  const customer = await t.stripe.customers.create({ email: 'setup@example.com' });
  const cs = await t.stripe.checkout.sessions.create({
    mode: 'setup', currency: 'usd', customer: customer.id, success_url: 'https://shop.example/saved',
  });
  assert.equal(cs.payment_status, 'no_payment_required');
  const r = await payForm(cs, '4242424242424242', '');
  assert.equal(r.status, 303);
  const s = await t.stripe.checkout.sessions.retrieve(cs.id);
  assert.equal(s.status, 'complete');
  assert.equal(s.payment_intent, null);
  const pms = await t.stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
  assert.equal(pms.data.length, 1);
});

test('payment links: create, retrieve, list, update, line items; visiting opens a session', async () => {
  const price = await priceOf(3000);
  const link = await t.stripe.paymentLinks.create({
    line_items: [{ price: price.id, quantity: 1 }],
    metadata: { campaign: 'spring' },
    after_completion: { type: 'redirect', redirect: { url: 'https://shop.example/thanks?cs={CHECKOUT_SESSION_ID}' } },
  });
  assert.match(link.id, /^plink_/);
  assert.equal(link.active, true);
  assert.equal(link.url, `${new URL(t.base).origin}/pl/${link.id}`);
  assertSchema('POST', '/v1/payment_links', link);
  assertSchema('GET', '/v1/payment_links/{payment_link}', await t.stripe.paymentLinks.retrieve(link.id));
  const items = await t.stripe.paymentLinks.listLineItems(link.id);
  assert.equal(items.data[0].price.id, price.id);
  assertSchema('GET', '/v1/payment_links/{payment_link}/line_items', items);
  const list = await t.stripe.paymentLinks.list({ limit: 3 });
  assert.equal(list.data[0].id, link.id);
  assertSchema('GET', '/v1/payment_links', list);

  const visit = await fetch(link.url, { redirect: 'manual' });
  assert.equal(visit.status, 303);
  const sessionUrl = new URL(visit.headers.get('location'));
  const csId = sessionUrl.pathname.split('/').pop();
  const cs = await t.stripe.checkout.sessions.retrieve(csId);
  assert.equal(cs.payment_link, link.id);
  assert.equal(cs.amount_total, 3000);
  assert.deepEqual(cs.metadata, { campaign: 'spring' });
  const r = await payForm(cs, '4242424242424242');
  assert.equal(r.location, `https://shop.example/thanks?cs=${cs.id}`);
  const byLink = await t.stripe.checkout.sessions.list({ payment_link: link.id });
  assert.deepEqual(byLink.data.map((s) => s.id), [cs.id]);

  const off = await t.stripe.paymentLinks.update(link.id, { active: false });
  assert.equal(off.active, false);
  assertSchema('POST', '/v1/payment_links/{payment_link}', off);
  const inactive = await fetch(link.url, { redirect: 'manual' });
  assert.equal(inactive.status, 410);
  const err = await rejects(() => t.stripe.paymentLinks.create({ line_items: [] }));
  assert.equal(err.statusCode, 400);
});

test('subscription mode: completing the page creates an active subscription whose first invoice the card paid', async () => {
  const monthly = await priceOf(1000, { recurring: { interval: 'month' } });
  const cs = await t.stripe.checkout.sessions.create({
    mode: 'subscription', line_items: [{ price: monthly.id, quantity: 1 }], success_url: 'https://shop.example/sub',
  });
  assert.equal(cs.mode, 'subscription');
  assert.equal(cs.amount_total, 1000);
  const r = await payForm(cs, '4242424242424242', 'subscriber@example.com');
  assert.equal(r.status, 303);
  const s = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['subscription', 'invoice'] });
  assert.equal(s.status, 'complete');
  assert.equal(s.payment_status, 'paid');
  assert.equal(s.payment_intent, null);
  assertSchema('GET', '/v1/checkout/sessions/{session}', s);
  assert.match(s.customer, /^cus_/);
  assert.equal(s.subscription.status, 'active');
  assert.equal(s.subscription.customer, s.customer);
  assert.equal(s.subscription.items.data[0].price.id, monthly.id);
  assert.match(s.subscription.default_payment_method, /^pm_/);
  assert.equal(s.invoice.id, s.subscription.latest_invoice);
  assert.equal(s.invoice.status, 'paid');
  assert.equal(s.invoice.amount_paid, 1000);
  assert.match(s.invoice.charge, /^ch_/);
  const customer = await t.stripe.customers.retrieve(s.customer);
  assert.equal(customer.email, 'subscriber@example.com');
  const pms = await t.stripe.paymentMethods.list({ customer: s.customer, type: 'card' });
  assert.equal(pms.data[0].id, s.subscription.default_payment_method);
});

test('subscription mode with subscription_data[trial_period_days]: trialing, nothing charged', async () => {
  const monthly = await priceOf(1500, { recurring: { interval: 'month' } });
  const cs = await t.stripe.checkout.sessions.create({
    mode: 'subscription', line_items: [{ price: monthly.id, quantity: 1 }], success_url: 'https://shop.example/sub',
    subscription_data: { trial_period_days: 7, metadata: { source: 'checkout' } },
  });
  const r = await payForm(cs, '4242424242424242', 'trial@example.com');
  assert.equal(r.status, 303);
  const s = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['subscription', 'invoice'] });
  assert.equal(s.status, 'complete');
  assert.equal(s.payment_status, 'no_payment_required');
  assert.equal(s.subscription.status, 'trialing');
  assert.equal(s.subscription.trial_end - s.subscription.trial_start, 7 * 86400);
  assert.equal(s.subscription.metadata.source, 'checkout');
  assert.equal(s.invoice.amount_paid, 0);
  assert.equal(s.invoice.status, 'paid');
  const err = await rejects(() => t.stripe.checkout.sessions.create({
    mode: 'payment', line_items: [{ price: (s.subscription.items.data[0].price.id), quantity: 1 }],
    subscription_data: { trial_period_days: 7 },
  }));
  assert.equal(err.statusCode, 400);
});

test('subscription mode: a 3-D Secure card completes through the challenge page; a declined card creates nothing', async () => {
  const monthly = await priceOf(2000, { recurring: { interval: 'month' } });
  const declined = await t.stripe.checkout.sessions.create({
    mode: 'subscription', line_items: [{ price: monthly.id, quantity: 1 }], success_url: 'https://shop.example/sub',
  });
  const bad = await payForm(declined, '4000000000000002', 'nope@example.com');
  assert.equal(bad.status, 402);
  assert.match(bad.html, /declined/);
  const still = await t.stripe.checkout.sessions.retrieve(declined.id);
  assert.equal(still.status, 'open');
  assert.equal(still.subscription, null);

  const cs = await t.stripe.checkout.sessions.create({
    mode: 'subscription', line_items: [{ price: monthly.id, quantity: 1 }], success_url: 'https://shop.example/sub',
  });
  const r = await payForm(cs, '4000002500003155', 'secure@example.com');
  assert.equal(r.status, 303);
  assert.equal(r.location, `/c/pay/${cs.id}/3ds`);
  const pending = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['subscription'] });
  assert.equal(pending.status, 'open');
  assert.equal(pending.subscription.status, 'incomplete');
  const done = await fetch(new URL(`/c/pay/${cs.id}/3ds`, t.base), {
    method: 'POST', body: new URLSearchParams({ action: 'complete' }), redirect: 'manual',
  });
  assert.equal(done.status, 303);
  assert.equal(done.headers.get('location'), 'https://shop.example/sub');
  const s = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['subscription', 'invoice'] });
  assert.equal(s.status, 'complete');
  assert.equal(s.subscription.status, 'active');
  assert.equal(s.invoice.status, 'paid');
});

test('customer_creation: payment mode creates no customer by default (if_required), one with always', async () => {
  const cs = await paymentSession();
  assert.equal(cs.customer_creation, 'if_required');
  const r = await payForm(cs, '4242424242424242', 'guest@example.com');
  assert.equal(r.status, 303);
  const s = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['payment_intent'] });
  assert.equal(s.status, 'complete');
  assert.equal(s.customer, null);
  assert.equal(s.customer_details.email, 'guest@example.com');
  assert.equal(s.payment_intent.customer, null);
  const always = await paymentSession({ customer_creation: 'always' });
  assert.equal(always.customer_creation, 'always');
  await payForm(always, '4242424242424242', 'kept@example.com');
  const kept = await t.stripe.checkout.sessions.retrieve(always.id);
  assert.match(kept.customer, /^cus_/);
  const bad = await rejects(() => t.stripe.checkout.sessions.create({
    mode: 'payment', line_items: [{ price: 'price_x', quantity: 1 }], customer_creation: 'sometimes',
  }));
  assert.equal(bad.statusCode, 400);
});

test('setup mode: a succeeded SetupIntent with the card attached; session.setup_intent set', async () => {
  const customer = await t.stripe.customers.create({ email: 'saver@example.com' });
  const cs = await t.stripe.checkout.sessions.create({
    mode: 'setup', currency: 'usd', customer: customer.id, success_url: 'https://shop.example/saved',
  });
  const r = await payForm(cs, '4242424242424242');
  assert.equal(r.status, 303);
  const s = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['setup_intent'] });
  assert.equal(s.status, 'complete');
  assert.equal(s.payment_status, 'no_payment_required');
  assert.match(s.setup_intent.id, /^seti_/);
  assert.equal(s.setup_intent.status, 'succeeded');
  assert.equal(s.setup_intent.customer, customer.id);
  assert.equal(s.setup_intent.usage, 'off_session');
  const pm = await t.stripe.paymentMethods.retrieve(s.setup_intent.payment_method);
  assert.equal(pm.customer, customer.id);
  assert.equal(pm.card.last4, '4242');
});

test('dashboard pages are public HTML showing live state', async () => {
  for (const path of ['/dashboard', '/dashboard/payments', '/dashboard/customers', '/dashboard/products',
    '/dashboard/balances', '/dashboard/subscriptions', '/dashboard/invoices']) {
    const res = await fetch(new URL(path, t.base));
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type'), /^text\/html/);
  }
  const payments = await (await fetch(new URL('/dashboard/payments', t.base))).text();
  assert.match(payments, /\$40\.00/);
  assert.match(payments, /succeeded/);
  const customers = await (await fetch(new URL('/dashboard/customers', t.base))).text();
  assert.match(customers, /payer@example\.com/);
  const empty = await newRun();
  const subs = await (await fetch(new URL('/dashboard/subscriptions', empty.base))).text();
  assert.match(subs, /No subscriptions yet/);
});
