// Stripe twin, billing rules found in review: a rejected request leaves no
// trace, quantities and amounts are checked, and the status machines follow
// Stripe's (trial cancellation, test clock events, credit notes).  State is
// read back through later calls; every answer is validated against Stripe's
// own schema.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, rejects, stopServer, assertSchema } from './helpers.mjs';

let t;
before(async () => { t = await newRun(); });
after(stopServer);

const DAY = 86400;

async function monthlyPrice(amount = 1500, recurring = { interval: 'month' }) {
  const product = await t.stripe.products.create({ name: `Plan ${amount}` });
  return t.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount, recurring });
}

async function payingCustomer(extra = {}) {
  const cus = await t.stripe.customers.create({ email: 'rules@example.com', ...extra });
  const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await t.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  return cus;
}

async function eventTypes(objectId) {
  const events = await t.stripe.events.list({ limit: 100 });
  return events.data.filter((e) => e.data.object.id === objectId).map((e) => e.type).reverse();
}

test('subscription item: a 400 on create stores no item and changes no subscription', async () => {
  const price = await monthlyPrice(400);
  const other = await monthlyPrice(600);
  const cus = await payingCustomer();
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
  const bad = await rejects(() => t.stripe.subscriptionItems.create({ subscription: sub.id, price: other.id, quantity: -1 }));
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.raw.param, 'quantity');
  assert.equal(bad.raw.code, 'parameter_invalid_integer');
  const noRate = await rejects(() => t.stripe.subscriptionItems.create({ subscription: sub.id, price: other.id, tax_rates: ['txr_nope'] }));
  assert.equal(noRate.statusCode, 404);
  const items = await t.stripe.subscriptionItems.list({ subscription: sub.id });
  assertSchema('GET', '/v1/subscription_items', items);
  assert.deepEqual(items.data.map((i) => i.price.id), [price.id]);
  const after = await t.stripe.subscriptions.retrieve(sub.id);
  assertSchema('GET', '/v1/subscriptions/{subscription_exposed_id}', after);
  assert.equal(after.items.data.length, 1);
});

test('subscription update: a bad later item leaves earlier items (and deletions) undone', async () => {
  const a = await monthlyPrice(100);
  const b = await monthlyPrice(200);
  const cus = await payingCustomer();
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: a.id }, { price: b.id }] });
  const [first, second] = sub.items.data;
  const err = await rejects(() => t.stripe.subscriptions.update(sub.id, {
    items: [{ id: first.id, deleted: true }, { id: second.id, quantity: 3 }, { price: 'price_missing' }],
  }));
  assert.equal(err.statusCode, 404);
  assert.equal(err.raw.code, 'resource_missing');
  assert.equal(err.raw.param, 'items[2][price]');
  const same = await t.stripe.subscriptions.retrieve(sub.id);
  assert.deepEqual(same.items.data.map((i) => [i.id, i.quantity]), [[first.id, 1], [second.id, 1]]);
  const allGone = await rejects(() => t.stripe.subscriptions.update(sub.id, {
    items: [{ id: first.id, deleted: true }, { id: second.id, deleted: true }],
  }));
  assert.equal(allGone.statusCode, 400);
  assert.equal((await t.stripe.subscriptionItems.list({ subscription: sub.id })).data.length, 2);
  const ok = await t.stripe.subscriptions.update(sub.id, { items: [{ id: first.id, deleted: true }, { id: second.id, quantity: 3 }] });
  assertSchema('POST', '/v1/subscriptions/{subscription_exposed_id}', ok);
  assert.deepEqual(ok.items.data.map((i) => [i.id, i.quantity]), [[second.id, 3]]);
});

test('subscription quantities: whole numbers >= 0; unit x quantity past the cap -> amount_too_large', async () => {
  const price = await monthlyPrice(1000);
  const cus = await payingCustomer();
  const word = await rejects(() => t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id, quantity: 'two' }] }));
  assert.equal(word.statusCode, 400);
  assert.equal(word.raw.code, 'parameter_invalid_integer');
  assert.equal(word.raw.param, 'items[0][quantity]');
  const negative = await rejects(() => t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id, quantity: -2 }] }));
  assert.equal(negative.statusCode, 400);
  assert.equal(negative.raw.param, 'items[0][quantity]');
  const huge = await rejects(() => t.stripe.subscriptions.create({
    customer: cus.id, items: [{ price: price.id, quantity: '9223372036854775' }],
  }));
  assert.equal(huge.statusCode, 400);
  assert.equal(huge.raw.code, 'amount_too_large');
  const none = await t.stripe.subscriptions.list({ customer: cus.id, status: 'all' });
  assert.equal(none.data.length, 0, 'no subscription was created by the rejected calls');
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id, quantity: 3 }] });
  assertSchema('POST', '/v1/subscriptions', sub);
  const inv = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(inv.amount_paid, 3000);
  const upd = await rejects(() => t.stripe.subscriptionItems.update(sub.items.data[0].id, { quantity: '9223372036854775' }));
  assert.equal(upd.raw.code, 'amount_too_large');
  assert.equal((await t.stripe.subscriptionItems.retrieve(sub.items.data[0].id)).quantity, 3);
});

test('invoice items and credit note lines: malformed or overflowing amounts -> 400, nothing stored', async () => {
  const cus = await t.stripe.customers.create({ name: 'Amounts' });
  const negQty = await rejects(() => t.stripe.invoiceItems.create({ customer: cus.id, unit_amount: 100, quantity: -3, currency: 'usd' }));
  assert.equal(negQty.statusCode, 400);
  assert.equal(negQty.raw.param, 'quantity');
  const huge = await rejects(() => t.stripe.invoiceItems.create({
    customer: cus.id, unit_amount: 4611686018427387904, quantity: 4, currency: 'usd',
  }));
  assert.equal(huge.statusCode, 400);
  assert.equal(huge.raw.code, 'amount_too_large');
  assert.equal((await t.stripe.invoiceItems.list({ customer: cus.id })).data.length, 0);
  const credit = await t.stripe.invoiceItems.create({ customer: cus.id, amount: -250, currency: 'usd' });
  assertSchema('POST', '/v1/invoiceitems', credit);
  assert.equal(credit.amount, -250);
  const ii = await t.stripe.invoiceItems.create({ customer: cus.id, unit_amount: 1000, quantity: 3, currency: 'usd' });
  assert.equal(ii.amount, 3000);
  const inv = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include', collection_method: 'send_invoice', days_until_due: 10 });
  assert.equal(inv.subtotal, 2750);
  const open = await t.stripe.invoices.finalizeInvoice(inv.id);
  const line = open.lines.data.find((l) => l.invoice_item === ii.id);
  const word = await rejects(() => t.stripe.creditNotes.create({
    invoice: inv.id, lines: [{ type: 'invoice_line_item', invoice_line_item: line.id, quantity: 'one' }],
  }));
  assert.equal(word.statusCode, 400);
  assert.equal(word.raw.code, 'parameter_invalid_integer');
  assert.equal(word.raw.param, 'lines[0][quantity]');
  const big = await rejects(() => t.stripe.creditNotes.create({
    invoice: inv.id, lines: [{ type: 'custom_line_item', unit_amount: 4611686018427387904, quantity: 2, description: 'x' }],
  }));
  assert.equal(big.raw.code, 'amount_too_large');
  assert.equal((await t.stripe.creditNotes.list({ invoice: inv.id })).data.length, 0);
  const cn = await t.stripe.creditNotes.create({
    invoice: inv.id, lines: [{ type: 'invoice_line_item', invoice_line_item: line.id, quantity: 1 }],
  });
  assertSchema('POST', '/v1/credit_notes', cn);
  assert.equal(cn.amount, 1000);
});

test('test clock: trial_will_end three days ahead; cancel_at_period_end in a trial cancels at trial_end, no invoice', async () => {
  const frozen = Date.UTC(2024, 3, 1) / 1000;
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozen });
  const cus = await payingCustomer({ test_clock: clock.id });
  const price = await monthlyPrice(900);
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], trial_period_days: 14 });
  assert.equal(sub.status, 'trialing');
  const flagged = await t.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
  assertSchema('POST', '/v1/subscriptions/{subscription_exposed_id}', flagged);
  assert.equal(flagged.cancel_at, frozen + 14 * DAY);

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 10 * DAY });
  assert.ok(!(await eventTypes(sub.id)).includes('customer.subscription.trial_will_end'), 'not yet: 4 days left');
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 12 * DAY });
  const warned = (await eventTypes(sub.id)).filter((e) => e === 'customer.subscription.trial_will_end');
  assert.equal(warned.length, 1);
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).status, 'trialing');

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 15 * DAY });
  const ended = await t.stripe.subscriptions.retrieve(sub.id);
  assertSchema('GET', '/v1/subscriptions/{subscription_exposed_id}', ended);
  assert.equal(ended.status, 'canceled');
  assert.equal(ended.ended_at, frozen + 14 * DAY);
  assert.equal(ended.cancellation_details.reason, 'cancellation_requested');
  const invoices = await t.stripe.invoices.list({ subscription: sub.id });
  assertSchema('GET', '/v1/invoices', invoices);
  assert.deepEqual(invoices.data.map((i) => i.billing_reason), ['subscription_create'], 'only the $0 trial invoice');
  const types = await eventTypes(sub.id);
  assert.equal(types.filter((e) => e === 'customer.subscription.trial_will_end').length, 1);
  assert.equal(types.at(-1), 'customer.subscription.deleted');
});

test('credit note before payment: the invoice payment intent asks for the lowered amount, and paying charges it', async () => {
  const cus = await payingCustomer();
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 2000, currency: 'usd' });
  const draft = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
  const open = await t.stripe.invoices.finalizeInvoice(draft.id);
  assert.equal(open.amount_due, 2000);
  const cn = await t.stripe.creditNotes.create({ invoice: open.id, amount: 500 });
  assertSchema('POST', '/v1/credit_notes', cn);
  assert.equal(cn.type, 'pre_payment');
  const pi = await t.stripe.paymentIntents.retrieve(open.payment_intent);
  assertSchema('GET', '/v1/payment_intents/{intent}', pi);
  assert.equal(pi.amount, 1500);
  const paid = await t.stripe.invoices.pay(open.id);
  assertSchema('POST', '/v1/invoices/{invoice}/pay', paid);
  assert.equal(paid.status, 'paid');
  assert.equal(paid.amount_paid, 1500);
  const charge = await t.stripe.charges.retrieve(paid.charge);
  assert.equal(charge.amount, 1500, 'the charge matches what the invoice says was paid');
});
