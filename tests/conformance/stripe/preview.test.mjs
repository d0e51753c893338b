// Stripe twin: invoice previews (invoices.createPreview), prorations with
// discounts and billing-interval changes, invoice line paging, and the error
// codes of invoices with nothing to invoice or nothing to charge.  Amounts are
// checked end to end through the SDK; previews are checked to leave no trace.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  newRun, rejects, stopServer, assertSchema, raw,
  recurringPrice, clockedCustomer as helperClockedCustomer,
} from './helpers.mjs';

let t;
before(async () => { t = await newRun(); });
after(stopServer);

const DAY = 86400;
const JAN_2025 = Date.UTC(2025, 0, 1) / 1000;
const FEB_2025 = Date.UTC(2025, 1, 1) / 1000;

const price = (amount, recurring) => recurringPrice(t.stripe, amount, recurring);
// A customer on a test clock frozen at JAN_2025, paying with a good card.
const clockedCustomer = () => helperClockedCustomer(t.stripe, 'preview@example.com', JAN_2025);

// What a preview must not change: the invoices, pending items, events and the subscription.
async function snapshot(cus, subId) {
  const [invoices, items, events] = await Promise.all([
    t.stripe.invoices.list({ customer: cus.id, limit: 100 }),
    t.stripe.invoiceItems.list({ customer: cus.id, limit: 100 }),
    t.stripe.events.list({ limit: 1 }),
  ]);
  const sub = subId ? await t.stripe.subscriptions.retrieve(subId) : null;
  return {
    invoices: invoices.data.map((i) => i.id),
    items: items.data.map((i) => [i.id, i.invoice]),
    lastEvent: events.data[0]?.id,
    sub: sub && { items: sub.items.data.map((i) => [i.id, i.price.id, i.quantity]), period: [sub.current_period_start, sub.current_period_end], latest: sub.latest_invoice, discount: sub.discount?.id ?? null },
  };
}

function assertPreviewShape(preview) {
  assert.equal(preview.object, 'invoice');
  assert.match(preview.id, /^upcoming_in_/);
  assert.equal(preview.status, 'draft');
  assert.equal(preview.billing_reason, 'upcoming');
  // The 2023-08-16 description this twin follows documents previews as GET /v1/invoices/upcoming.
  assertSchema('GET', '/v1/invoices/upcoming', preview);
}

test('createPreview: the next renewal of a subscription, written nowhere, and the renewal bills what it showed', async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(2000);
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: basic.id, quantity: 2 }] });
  const before = await snapshot(cus, sub.id);

  const preview = await t.stripe.invoices.createPreview({ customer: cus.id, subscription: sub.id });
  assertPreviewShape(preview);
  assert.equal(preview.subscription, sub.id);
  assert.equal(preview.customer, cus.id);
  assert.equal(preview.created, FEB_2025);
  assert.deepEqual([preview.period_start, preview.period_end], [JAN_2025, FEB_2025]);
  assert.equal(preview.lines.data.length, 1);
  const line = preview.lines.data[0];
  assert.equal(line.amount, 4000);
  assert.equal(line.quantity, 2);
  assert.equal(line.type, 'subscription');
  assert.deepEqual(line.period, { start: FEB_2025, end: Date.UTC(2025, 2, 1) / 1000 });
  assert.equal(preview.total, 4000);
  assert.equal(preview.amount_due, 4000);
  assert.deepEqual(await snapshot(cus, sub.id), before, 'a preview stores nothing and announces nothing');
  const missing = await rejects(() => t.stripe.invoices.retrieve(preview.id));
  assert.equal(missing.statusCode, 404);

  // The customer alone previews its subscription too; the legacy GET answers the same invoice.
  const byCustomer = await t.stripe.invoices.createPreview({ customer: cus.id });
  assert.equal(byCustomer.subscription, sub.id);
  assert.equal(byCustomer.total, 4000);
  const legacy = await raw(t, 'GET', `/v1/invoices/upcoming?customer=${cus.id}`);
  assert.equal(legacy.status, 200);
  assert.equal(legacy.json.total, 4000);

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_2025 + 3600 });
  const renewed = await t.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
  assert.equal(renewed.latest_invoice.total, preview.total);
  assert.deepEqual(renewed.latest_invoice.lines.data.map((l) => [l.amount, l.period.start]), preview.lines.data.map((l) => [l.amount, l.period.start]));
});

test('createPreview with subscription_details: the prorations of a price change, exactly as the update then makes them', async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(3000);
  const pro = await price(6000);
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: basic.id }] });
  const itemId = sub.items.data[0].id;
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_2025 + 5 * DAY });
  const prorationDate = JAN_2025 + 10 * DAY;
  const before = await snapshot(cus, sub.id);

  const preview = await t.stripe.invoices.createPreview({
    customer: cus.id,
    subscription: sub.id,
    subscription_details: { items: [{ id: itemId, price: pro.id }], proration_date: prorationDate },
  });
  assertPreviewShape(preview);
  assert.equal(preview.subscription_proration_date, prorationDate);
  const prorations = preview.lines.data.filter((l) => l.proration);
  const credit = -Math.round(3000 * 21 / 31), debit = Math.round(6000 * 21 / 31);
  assert.deepEqual(prorations.map((l) => l.amount).sort((a, b) => a - b), [credit, debit]);
  assert.ok(prorations.every((l) => l.period.start === prorationDate && l.period.end === FEB_2025));
  const renewal = preview.lines.data.filter((l) => !l.proration);
  assert.deepEqual(renewal.map((l) => [l.amount, l.price.id, l.period.start]), [[6000, pro.id, FEB_2025]]);
  assert.equal(preview.total, 6000 + credit + debit);
  assert.deepEqual(await snapshot(cus, sub.id), before, 'the change was only previewed');

  // A bad item in the details is a 400 and still changes nothing.
  const bad = await rejects(() => t.stripe.invoices.createPreview({ subscription: sub.id, subscription_details: { items: [{ id: itemId, price: 'price_nope' }] } }));
  assert.equal(bad.statusCode, 404);
  assert.equal(bad.code, 'resource_missing');
  assert.equal(bad.param, 'subscription_details[items][0][price]');
  const badBehavior = await rejects(() => t.stripe.invoices.createPreview({ subscription: sub.id, subscription_details: { proration_behavior: 'sometimes' } }));
  assert.equal(badBehavior.statusCode, 400);
  assert.equal(badBehavior.param, 'subscription_details[proration_behavior]');

  // always_invoice previews the invoice the change would issue at once.
  const now = await t.stripe.invoices.createPreview({
    subscription: sub.id,
    subscription_details: { items: [{ id: itemId, price: pro.id }], proration_date: prorationDate, proration_behavior: 'always_invoice' },
  });
  assert.deepEqual(now.lines.data.map((l) => l.amount).sort((a, b) => a - b), [credit, debit]);
  assert.equal(now.total, credit + debit);
  assert.deepEqual(await snapshot(cus, sub.id), before);

  await t.stripe.subscriptions.update(sub.id, { items: [{ id: itemId, price: pro.id }], proration_date: prorationDate });
  const pending = await t.stripe.invoiceItems.list({ customer: cus.id, pending: true });
  assert.deepEqual(pending.data.map((i) => i.amount).sort((a, b) => a - b), [credit, debit]);
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_2025 + 3600 });
  const renewed = await t.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
  assert.equal(renewed.latest_invoice.total, preview.total, 'the renewal bills what the preview showed');
});

test('createPreview: a customer with pending items only; nothing to preview -> 404 invoice_upcoming_none; bad params', async () => {
  const cus = await t.stripe.customers.create({ email: 'pending@example.com' });
  const none = await rejects(() => t.stripe.invoices.createPreview({ customer: cus.id }));
  assert.equal(none.statusCode, 404);
  assert.equal(none.code, 'invoice_upcoming_none');
  assert.equal(none.type, 'StripeInvalidRequestError');

  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 1200, currency: 'usd', description: 'Setup' });
  const preview = await t.stripe.invoices.createPreview({ customer: cus.id });
  assertPreviewShape(preview);
  assert.equal(preview.subscription, null);
  assert.deepEqual(preview.lines.data.map((l) => [l.amount, l.description]), [[1200, 'Setup']]);
  assert.equal(preview.amount_due, 1200);
  const pending = await t.stripe.invoiceItems.list({ customer: cus.id, pending: true });
  assert.equal(pending.data.length, 1, 'the item is still pending');

  const missing = await rejects(() => t.stripe.invoices.createPreview({}));
  assert.equal(missing.statusCode, 400);
  assert.equal(missing.code, 'parameter_missing');
  const noSub = await rejects(() => t.stripe.invoices.createPreview({ subscription: 'sub_nope' }));
  assert.equal(noSub.statusCode, 404);
  assert.equal(noSub.param, 'subscription');
  const noCus = await rejects(() => t.stripe.invoices.createPreview({ customer: 'cus_nope' }));
  assert.equal(noCus.statusCode, 404);
  assert.equal(noCus.param, 'customer');
});

test('a price change to another billing interval restarts the period now and invoices it at once', async () => {
  const { clock, cus } = await clockedCustomer();
  const monthly = await price(1000);
  const yearly = await price(10000, { interval: 'year' });
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: monthly.id }] });
  const itemId = sub.items.data[0].id;
  const now = JAN_2025 + 10 * DAY;
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: now });
  const credit = -Math.round(1000 * 21 / 31);

  const preview = await t.stripe.invoices.createPreview({ subscription: sub.id, subscription_details: { items: [{ id: itemId, price: yearly.id }] } });
  assert.deepEqual(preview.lines.data.map((l) => l.amount).sort((a, b) => a - b), [credit, 10000]);
  assert.equal(preview.total, 10000 + credit);

  const upd = await t.stripe.subscriptions.update(sub.id, { items: [{ id: itemId, price: yearly.id }], expand: ['latest_invoice'] });
  assertSchema('POST', '/v1/subscriptions/{subscription_exposed_id}', upd);
  assert.equal(upd.billing_cycle_anchor, now);
  assert.equal(upd.current_period_start, now);
  assert.equal(upd.current_period_end, Date.UTC(2026, 0, 11) / 1000);
  const inv = upd.latest_invoice;
  assert.notEqual(inv.id, sub.latest_invoice);
  assert.equal(inv.billing_reason, 'subscription_update');
  assert.equal(inv.status, 'paid');
  const full = inv.lines.data.find((l) => !l.proration);
  assert.deepEqual([full.amount, full.price.id, full.period.start, full.period.end], [10000, yearly.id, now, upd.current_period_end]);
  const unused = inv.lines.data.find((l) => l.proration);
  assert.equal(unused.amount, credit);
  assert.match(unused.description, /^Unused time on 1 × Plan 1000 after 11 Jan 2025$/);
  assert.equal(inv.lines.data.length, 2, 'the new price is billed in full, not prorated');
  assert.equal(inv.amount_paid, preview.total);
  assert.equal((await t.stripe.invoiceItems.list({ customer: cus.id, pending: true })).data.length, 0);

  // With proration_behavior=none the period still restarts, with no credit.
  const monthlyAgain = await t.stripe.subscriptions.update(sub.id, { items: [{ id: itemId, price: monthly.id }], proration_behavior: 'none', expand: ['latest_invoice'] });
  assert.equal(monthlyAgain.current_period_end, Date.UTC(2025, 1, 11) / 1000);
  assert.deepEqual(monthlyAgain.latest_invoice.lines.data.map((l) => l.amount), [1000]);
  // The same interval keeps the cycle: only prorations, nothing billed now.
  const other = await price(2000);
  const same = await t.stripe.subscriptions.update(sub.id, { items: [{ id: itemId, price: other.id }] });
  assert.equal(same.current_period_start, now);
  assert.equal(same.latest_invoice, monthlyAgain.latest_invoice.id);
});

test('prorations carry the subscription discount: percent_off and amount_off in discount_amounts and totals', async () => {
  const half = (sub) => sub.current_period_start + (sub.current_period_end - sub.current_period_start) / 2;
  const seat = await price(1000);

  const { cus } = await clockedCustomer();
  const quarter = await t.stripe.coupons.create({ percent_off: 25, duration: 'forever' });
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: seat.id }], coupon: quarter.id });
  const itemId = sub.items.data[0].id;
  const preview = await t.stripe.invoices.createPreview({
    subscription: sub.id,
    subscription_details: { items: [{ id: itemId, quantity: 3 }], proration_date: half(sub), proration_behavior: 'always_invoice' },
  });
  assert.equal(preview.total, 750);
  const upd = await t.stripe.subscriptions.update(sub.id, {
    items: [{ id: itemId, quantity: 3 }], proration_behavior: 'always_invoice', proration_date: half(sub), expand: ['latest_invoice'],
  });
  const inv = upd.latest_invoice;
  assertSchema('POST', '/v1/subscriptions/{subscription_exposed_id}', upd);
  const byAmount = Object.fromEntries(inv.lines.data.map((l) => [l.amount, l.discount_amounts.map((d) => d.amount)]));
  assert.deepEqual(byAmount, { '-500': [-125], 1500: [375] }, 'the credit gives back only what the discounted price cost');
  assert.ok(inv.lines.data.every((l) => l.discountable && l.discount_amounts[0].discount === sub.discount.id));
  assert.equal(inv.subtotal, 1000);
  assert.deepEqual(inv.total_discount_amounts.map((d) => d.amount), [250]);
  assert.equal(inv.total, 750);
  assert.equal(inv.amount_paid, 750);
  assert.equal(inv.total, preview.total);
  assert.equal((await t.stripe.charges.retrieve(inv.charge)).amount, 750);

  const other = await clockedCustomer();
  const flat = await t.stripe.coupons.create({ amount_off: 300, currency: 'usd', duration: 'forever' });
  const sub2 = await t.stripe.subscriptions.create({ customer: other.cus.id, items: [{ price: seat.id }], coupon: flat.id });
  assert.equal((await t.stripe.invoices.retrieve(sub2.latest_invoice)).total, 700);
  const upd2 = await t.stripe.subscriptions.update(sub2.id, {
    items: [{ id: sub2.items.data[0].id, quantity: 3 }], proration_behavior: 'always_invoice', proration_date: half(sub2), expand: ['latest_invoice'],
  });
  const inv2 = upd2.latest_invoice;
  const offs = Object.fromEntries(inv2.lines.data.map((l) => [l.amount, l.discount_amounts.map((d) => d.amount)]));
  assert.deepEqual(offs, { '-500': [], 1500: [300] }, 'amount_off comes off the net, from the charges');
  assert.equal(inv2.total, 700);
  assert.equal(inv2.amount_paid, 700);
});

test('invoice lines page by limit, starting_after and ending_before', async () => {
  const cus = await t.stripe.customers.create({ email: 'lines@example.com' });
  const inv = await t.stripe.invoices.create({ customer: cus.id });
  for (const amount of [100, 200, 300]) await t.stripe.invoiceItems.create({ customer: cus.id, amount, currency: 'usd', invoice: inv.id });
  const first = await t.stripe.invoices.listLineItems(inv.id, { limit: 2 });
  assertSchema('GET', '/v1/invoices/{invoice}/lines', first);
  assert.deepEqual(first.data.map((l) => l.amount), [100, 200]);
  assert.equal(first.has_more, true);
  assert.equal(first.url, `/v1/invoices/${inv.id}/lines`);
  const rest = await t.stripe.invoices.listLineItems(inv.id, { limit: 2, starting_after: first.data[1].id });
  assert.deepEqual(rest.data.map((l) => l.amount), [300]);
  assert.equal(rest.has_more, false);
  const back = await t.stripe.invoices.listLineItems(inv.id, { limit: 1, ending_before: rest.data[0].id });
  assert.deepEqual(back.data.map((l) => l.amount), [200]);
  assert.equal(back.has_more, true);
  const all = await t.stripe.invoices.listLineItems(inv.id, { limit: 1 }).autoPagingToArray({ limit: 10 });
  assert.deepEqual(all.map((l) => l.amount), [100, 200, 300]);
  const badCursor = await rejects(() => t.stripe.invoices.listLineItems(inv.id, { starting_after: 'il_nope' }));
  assert.equal(badCursor.statusCode, 404);
  assert.equal(badCursor.param, 'starting_after');
  const badLimit = await rejects(() => t.stripe.invoices.listLineItems(inv.id, { limit: 0 }));
  assert.equal(badLimit.statusCode, 400);
  assert.equal(badLimit.param, 'limit');
});

test('nothing to invoice -> invoice_no_customer_line_items; nothing to charge -> resource_missing; an empty invoice finalizes paid', async () => {
  const cus = await t.stripe.customers.create({ email: 'empty@example.com' });
  const err = await rejects(() => t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include_and_require' }));
  assert.equal(err.statusCode, 400);
  assert.equal(err.code, 'invoice_no_customer_line_items');
  assert.equal(err.param, 'customer');
  assert.equal((await t.stripe.invoices.list({ customer: cus.id })).data.length, 0, 'no invoice was made');

  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 900, currency: 'usd' });
  const inv = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include_and_require' });
  assert.equal(inv.amount_due, 900);
  const noCard = await rejects(() => t.stripe.invoices.pay(inv.id));
  assert.equal(noCard.statusCode, 400);
  assert.equal(noCard.code, 'resource_missing');
  assert.match(noCard.message, /no attached payment source or default payment method/);
  assert.equal((await t.stripe.invoices.retrieve(inv.id)).status, 'draft', 'the failed pay changed nothing');

  const empty = await t.stripe.invoices.create({ customer: cus.id });
  const done = await t.stripe.invoices.finalizeInvoice(empty.id);
  assert.equal(done.status, 'paid');
  assert.equal(done.amount_due, 0);
});

test('a customer coupon discounts its subscription, prorations and manual invoices that have none of their own', async () => {
  const seat = await price(1000);
  const { cus } = await clockedCustomer();
  const halfOff = await t.stripe.coupons.create({ percent_off: 50, duration: 'forever' });
  const withCoupon = await t.stripe.customers.update(cus.id, { coupon: halfOff.id });
  assertSchema('POST', '/v1/customers/{customer}', withCoupon);
  assert.equal(withCoupon.discount.coupon.id, halfOff.id);
  assert.equal((await t.stripe.coupons.retrieve(halfOff.id)).times_redeemed, 1);

  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: seat.id }], expand: ['latest_invoice'] });
  assert.equal(sub.latest_invoice.subtotal, 1000);
  assert.equal(sub.latest_invoice.total, 500);
  assert.equal(sub.latest_invoice.discount.id, withCoupon.discount.id);

  const half = sub.current_period_start + (sub.current_period_end - sub.current_period_start) / 2;
  const upd = await t.stripe.subscriptions.update(sub.id, {
    items: [{ id: sub.items.data[0].id, quantity: 2 }], proration_behavior: 'always_invoice', proration_date: half, expand: ['latest_invoice'],
  });
  const inv = upd.latest_invoice;
  assert.deepEqual(inv.lines.data.map((l) => [l.amount, l.discount_amounts[0]?.amount]).sort((a, b) => a[0] - b[0]), [[-500, -250], [1000, 500]]);
  assert.equal(inv.total, 250);
  assert.equal(inv.amount_paid, 250);

  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 800, currency: 'usd' });
  const manual = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
  assert.equal(manual.total, 400);
  const own = await t.stripe.coupons.create({ amount_off: 100, currency: 'usd', duration: 'once' });
  const overridden = await t.stripe.invoices.update(manual.id, { discounts: [{ coupon: own.id }] });
  assert.equal(overridden.total, 700, "the invoice's own discount replaces the customer's");

  const bad = await rejects(() => t.stripe.customers.update(cus.id, { coupon: 'nope' }));
  assert.equal(bad.statusCode, 404);
  assert.equal(bad.param, 'coupon');
});

test('createPreview without subscription: subscription_details[items] previews the first invoice of a new subscription', async () => {
  const { cus } = await clockedCustomer();
  const seat = await price(1500);
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 250, currency: 'usd', description: 'Onboarding' });
  const before = await snapshot(cus);
  const preview = await t.stripe.invoices.createPreview({ customer: cus.id, subscription_details: { items: [{ price: seat.id, quantity: 3 }] } });
  assertPreviewShape(preview);
  assert.equal(preview.subscription, null);
  const line = preview.lines.data.find((l) => l.type === 'subscription');
  assert.deepEqual([line.amount, line.quantity, line.price.id], [4500, 3, seat.id]);
  assert.deepEqual(line.period, { start: JAN_2025, end: FEB_2025 });
  assert.deepEqual(preview.lines.data.filter((l) => l.type === 'invoiceitem').map((l) => l.amount), [250]);
  assert.equal(preview.total, 4750);
  assert.deepEqual(await snapshot(cus), before);
  assert.equal((await t.stripe.subscriptions.list({ customer: cus.id })).data.length, 0);

  // The first invoice of the real subscription bills what was previewed.
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: seat.id, quantity: 3 }], expand: ['latest_invoice'] });
  assert.equal(sub.latest_invoice.total, preview.total);

  const bad = await rejects(() => t.stripe.invoices.createPreview({ customer: cus.id, subscription_details: { items: [{ price: 'price_nope' }] } }));
  assert.equal(bad.statusCode, 404);
  assert.equal(bad.param, 'subscription_details[items][0][price]');
});

test("a customer's duration=once coupon is spent by its first charged invoice", async () => {
  const cus = await t.stripe.customers.create({ email: 'once@example.com' });
  const once = await t.stripe.coupons.create({ percent_off: 50, duration: 'once' });
  const created = await t.stripe.customers.update(cus.id, { coupon: once.id });
  assert.equal(created.discount.coupon.duration, 'once');
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 1000, currency: 'usd' });
  const first = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include', collection_method: 'send_invoice', days_until_due: 7 });
  const open = await t.stripe.invoices.finalizeInvoice(first.id);
  assert.equal(open.total, 500);
  assert.equal((await t.stripe.customers.retrieve(cus.id)).discount, null, 'spent');
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 1000, currency: 'usd' });
  const second = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
  assert.equal(second.total, 1000);
  assert.equal(second.discount, null);
});

test('prices of one subscription share a billing cycle; a lone item changing interval moves the subscription', async () => {
  const { clock, cus } = await clockedCustomer();
  const monthly = await price(1000);
  const addon = await price(400);
  const yearly = await price(9000, { interval: 'year' });
  const mixed = await rejects(() => t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: monthly.id }, { price: yearly.id }] }));
  assert.equal(mixed.statusCode, 400);
  assert.equal(mixed.param, 'items[1][price]');
  assert.match(mixed.message, /^All prices on a subscription must have the same `recurring.interval`/);
  assert.equal((await t.stripe.subscriptions.list({ customer: cus.id })).data.length, 0);

  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: monthly.id }, { price: addon.id }] });
  const [base, extra] = sub.items.data;
  const addYearly = await rejects(() => t.stripe.subscriptionItems.create({ subscription: sub.id, price: yearly.id }));
  assert.equal(addYearly.statusCode, 400);
  assert.equal(addYearly.param, 'price');
  const half = await rejects(() => t.stripe.subscriptions.update(sub.id, { items: [{ id: base.id, price: yearly.id }] }));
  assert.equal(half.statusCode, 400);
  const alone = await rejects(() => t.stripe.subscriptionItems.update(base.id, { price: yearly.id }));
  assert.equal(alone.statusCode, 400);
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).items.data.length, 2, 'nothing changed');

  await t.stripe.subscriptionItems.del(extra.id, { proration_behavior: 'none' });
  const now = JAN_2025 + 15 * DAY;
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: now });
  const moved = await t.stripe.subscriptionItems.update(base.id, { price: yearly.id });
  assert.equal(moved.price.id, yearly.id);
  const after = await t.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
  assert.deepEqual([after.billing_cycle_anchor, after.current_period_start, after.current_period_end], [now, now, Date.UTC(2026, 0, 16) / 1000]);
  assert.deepEqual(after.latest_invoice.lines.data.map((l) => l.amount).sort((a, b) => a - b), [-Math.round(1000 * 16 / 31), 9000]);
  assert.equal(after.latest_invoice.status, 'paid');
});

test('GET /v1/invoices/upcoming takes the older subscription_items / subscription_proration_date; an ended subscription has no upcoming invoice', async () => {
  const { cus } = await clockedCustomer();
  const seat = await price(1000);
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: seat.id }] });
  const half = sub.current_period_start + (sub.current_period_end - sub.current_period_start) / 2;
  const q = new URLSearchParams({
    subscription: sub.id,
    'subscription_items[0][id]': sub.items.data[0].id,
    'subscription_items[0][quantity]': '3',
    subscription_proration_date: String(half),
  });
  const legacy = await raw(t, 'GET', `/v1/invoices/upcoming?${q}`);
  assert.equal(legacy.status, 200);
  assertSchema('GET', '/v1/invoices/upcoming', legacy.json);
  assert.equal(legacy.json.subscription_proration_date, half);
  assert.deepEqual(legacy.json.lines.data.map((l) => l.amount).sort((a, b) => a - b), [-500, 1500, 3000]);
  const preview = await t.stripe.invoices.createPreview({ subscription: sub.id, subscription_details: { items: [{ id: sub.items.data[0].id, quantity: 3 }], proration_date: half } });
  assert.equal(preview.total, legacy.json.total);
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).items.data[0].quantity, 1);

  await t.stripe.subscriptions.cancel(sub.id);
  const ended = await rejects(() => t.stripe.invoices.createPreview({ subscription: sub.id }));
  assert.equal(ended.statusCode, 404);
  assert.equal(ended.code, 'invoice_upcoming_none');
  assert.equal(ended.message, `No upcoming invoices for customer: ${cus.id}`);
});
