// Stripe twin, billing: coupons, promotion codes, tax rates, subscriptions
// and their items, invoices and invoice items, credit notes, setup intents and
// test clocks — state checked through later calls, errors as the SDK sees
// them, every answer validated against Stripe's own schema.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, rejects, stopServer, assertSchema, webhookReceiver } from './helpers.mjs';
import { admin } from '../../lib/fixture.mjs';

let t;
before(async () => { t = await newRun(); });
after(stopServer);

const DAY = 86400;

async function monthlyPrice(amount = 1500, recurring = { interval: 'month' }) {
  const product = await t.stripe.products.create({ name: `Plan ${amount}` });
  return t.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount, recurring });
}

// A customer whose default payment method is the given test card.
async function payingCustomer(pm = 'pm_card_visa', extra = {}) {
  const cus = await t.stripe.customers.create({ email: 'billing@example.com', ...extra });
  const attached = await t.stripe.paymentMethods.attach(pm, { customer: cus.id });
  await t.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: attached.id } });
  return { cus, pm: attached };
}

async function eventTypes(objectId) {
  const events = await t.stripe.events.list({ limit: 100 });
  return events.data.filter((e) => e.data.object.id === objectId).map((e) => e.type).reverse();
}

// ---- coupons and promotion codes ----

test('coupon: percent_off repeating, retrieve, update name, list, delete', async () => {
  const c = await t.stripe.coupons.create({ percent_off: 25, duration: 'repeating', duration_in_months: 3, max_redemptions: 5, name: 'Quarter' });
  assert.equal(c.object, 'coupon');
  assert.equal(c.percent_off, 25);
  assert.equal(c.duration_in_months, 3);
  assert.equal(c.valid, true);
  assert.equal(c.times_redeemed, 0);
  assertSchema('POST', '/v1/coupons', c);
  const upd = await t.stripe.coupons.update(c.id, { name: 'Quarter off', metadata: { k: 'v' } });
  assert.equal(upd.name, 'Quarter off');
  assertSchema('POST', '/v1/coupons/{coupon}', upd);
  const got = await t.stripe.coupons.retrieve(c.id);
  assert.deepEqual(got.metadata, { k: 'v' });
  assertSchema('GET', '/v1/coupons/{coupon}', got);
  const list = await t.stripe.coupons.list();
  assert.ok(list.data.some((x) => x.id === c.id));
  assertSchema('GET', '/v1/coupons', list);
  const del = await t.stripe.coupons.del(c.id);
  assert.equal(del.deleted, true);
  assertSchema('DELETE', '/v1/coupons/{coupon}', del);
  const err = await rejects(() => t.stripe.coupons.retrieve(c.id));
  assert.equal(err.statusCode, 404);
  assert.equal(err.code, 'resource_missing');
  assert.deepEqual(await eventTypes(c.id), ['coupon.created', 'coupon.updated', 'coupon.deleted']);
});

test('coupon: custom id, amount_off needs currency, repeating needs months', async () => {
  const c = await t.stripe.coupons.create({ id: 'FIVEOFF', amount_off: 500, currency: 'usd', duration: 'forever' });
  assert.equal(c.id, 'FIVEOFF');
  assert.equal(c.amount_off, 500);
  const dup = await rejects(() => t.stripe.coupons.create({ id: 'FIVEOFF', amount_off: 500, currency: 'usd' }));
  assert.equal(dup.statusCode, 400);
  const noCur = await rejects(() => t.stripe.coupons.create({ amount_off: 500 }));
  assert.equal(noCur.type, 'StripeInvalidRequestError');
  assert.equal(noCur.param, 'currency');
  const noMonths = await rejects(() => t.stripe.coupons.create({ percent_off: 10, duration: 'repeating' }));
  assert.equal(noMonths.param, 'duration_in_months');
  const neither = await rejects(() => t.stripe.coupons.create({ duration: 'once' }));
  assert.equal(neither.statusCode, 400);
});

test('promotion codes: create for a coupon, filter by code and coupon, deactivate', async () => {
  const c = await t.stripe.coupons.create({ percent_off: 10 });
  const p = await t.stripe.promotionCodes.create({ coupon: c.id, code: 'SPRING10', max_redemptions: 2 });
  assert.equal(p.code, 'SPRING10');
  assert.equal(p.coupon.id, c.id);
  assert.equal(p.active, true);
  assert.equal(p.restrictions.first_time_transaction, false);
  assertSchema('POST', '/v1/promotion_codes', p);
  const dup = await rejects(() => t.stripe.promotionCodes.create({ coupon: c.id, code: 'SPRING10' }));
  assert.equal(dup.statusCode, 400);
  const auto = await t.stripe.promotionCodes.create({ coupon: c.id });
  assert.match(auto.code, /^[A-Z0-9]{8}$/);
  const byCode = await t.stripe.promotionCodes.list({ code: 'SPRING10' });
  assert.deepEqual(byCode.data.map((x) => x.id), [p.id]);
  assertSchema('GET', '/v1/promotion_codes', byCode);
  const byCoupon = await t.stripe.promotionCodes.list({ coupon: c.id });
  assert.equal(byCoupon.data.length, 2);
  const off = await t.stripe.promotionCodes.update(p.id, { active: false });
  assert.equal(off.active, false);
  assertSchema('POST', '/v1/promotion_codes/{promotion_code}', off);
  const got = await t.stripe.promotionCodes.retrieve(p.id);
  assert.equal(got.active, false);
  assertSchema('GET', '/v1/promotion_codes/{promotion_code}', got);
  const missing = await rejects(() => t.stripe.promotionCodes.create({ coupon: 'nope' }));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.param, 'coupon');
});

// ---- tax rates ----

test('tax rates: create, retrieve, update, list by active; no delete', async () => {
  const r = await t.stripe.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: false, jurisdiction: 'GB', country: 'GB' });
  assert.match(r.id, /^txr_/);
  assert.equal(r.percentage, 20);
  assert.equal(r.inclusive, false);
  assert.equal(r.active, true);
  assertSchema('POST', '/v1/tax_rates', r);
  const upd = await t.stripe.taxRates.update(r.id, { active: false, description: 'archived' });
  assert.equal(upd.active, false);
  assertSchema('POST', '/v1/tax_rates/{tax_rate}', upd);
  const got = await t.stripe.taxRates.retrieve(r.id);
  assert.equal(got.description, 'archived');
  assertSchema('GET', '/v1/tax_rates/{tax_rate}', got);
  const active = await t.stripe.taxRates.list({ active: true });
  assert.ok(!active.data.some((x) => x.id === r.id));
  const inactive = await t.stripe.taxRates.list({ active: false });
  assert.ok(inactive.data.some((x) => x.id === r.id));
  assertSchema('GET', '/v1/tax_rates', inactive);
  const err = await rejects(() => t.stripe.taxRates.create({ display_name: 'X', inclusive: false }));
  assert.equal(err.param, 'percentage');
});

// ---- subscriptions ----

test('subscription items[][tax_rates] tax their lines; an update replaces or clears them', async () => {
  const price = await monthlyPrice(4000);
  const { cus } = await payingCustomer();
  const rate = await t.stripe.taxRates.create({ display_name: 'VAT', percentage: 25, inclusive: false });
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id, tax_rates: [rate.id] }] });
  assert.deepEqual(sub.items.data[0].tax_rates.map((r) => r.id), [rate.id]);
  assertSchema('POST', '/v1/subscriptions', sub);
  const inv = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(inv.tax, 1000);
  assert.equal(inv.total, 5000);
  const upd = await t.stripe.subscriptions.update(sub.id, {
    items: [{ id: sub.items.data[0].id, tax_rates: '' }], proration_behavior: 'none' });
  assert.deepEqual(upd.items.data[0].tax_rates, []);
  const bad = await rejects(() => t.stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0].id, tax_rates: ['txr_nope'] }] }));
  assert.equal(bad.statusCode, 404);
  assert.equal(bad.param, 'items[0][tax_rates][0]');
  const badCreate = await rejects(() => t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id, tax_rates: ['txr_nope'] }] }));
  assert.equal(badCreate.param, 'items[0][tax_rates][0]');
});

test('subscription: charge_automatically with a default card -> active, paid first invoice, charge', async () => {
  const price = await monthlyPrice(2000);
  const { cus, pm } = await payingCustomer();
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id, quantity: 2 }], metadata: { plan: 'pro' } });
  assert.match(sub.id, /^sub_/);
  assert.equal(sub.status, 'active');
  assert.equal(sub.items.object, 'list');
  assert.equal(sub.items.data.length, 1);
  assert.equal(sub.items.data[0].quantity, 2);
  assert.equal(sub.items.data[0].price.id, price.id);
  assert.equal(sub.currency, 'usd');
  assert.ok(sub.current_period_end > sub.current_period_start);
  assertSchema('POST', '/v1/subscriptions', sub);
  const got = await t.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice.payment_intent'] });
  assertSchema('GET', '/v1/subscriptions/{subscription_exposed_id}', got);
  const inv = got.latest_invoice;
  assert.equal(inv.status, 'paid');
  assert.equal(inv.billing_reason, 'subscription_create');
  assert.equal(inv.amount_due, 4000);
  assert.equal(inv.amount_paid, 4000);
  assert.equal(inv.amount_remaining, 0);
  assert.equal(inv.subscription, sub.id);
  assert.match(inv.number, /^[A-Z0-9X]{8}-0001$/);
  assert.equal(inv.payment_intent.status, 'succeeded');
  assert.equal(inv.payment_intent.payment_method, pm.id);
  const charge = await t.stripe.charges.retrieve(inv.charge);
  assert.equal(charge.amount, 4000);
  assert.equal(charge.invoice, inv.id);
  assert.equal(charge.customer, cus.id);
  // As Stripe: created while the first invoice is unpaid, updated once it is paid.
  const types = await eventTypes(sub.id);
  assert.deepEqual(types, ['customer.subscription.created', 'customer.subscription.updated']);
  const subEvents = (await t.stripe.events.list({ limit: 100 })).data.filter((e) => e.data.object.id === sub.id).reverse();
  assert.equal(subEvents[0].data.object.status, 'incomplete');
  assert.equal(subEvents[0].data.object.latest_invoice, inv.id);
  assert.equal(subEvents[1].data.object.status, 'active');
  assert.equal(subEvents[1].data.previous_attributes.status, 'incomplete');
  assert.deepEqual(await eventTypes(inv.id), ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']);
});

test('subscription: trial -> trialing with a $0 paid invoice; period ends at trial_end', async () => {
  const price = await monthlyPrice(1000);
  const cus = await t.stripe.customers.create({ name: 'Trial' });
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], trial_period_days: 14 });
  assert.equal(sub.status, 'trialing');
  assert.equal(sub.trial_end - sub.trial_start, 14 * DAY);
  assert.equal(sub.current_period_end, sub.trial_end);
  const inv = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(inv.amount_due, 0);
  assert.equal(inv.status, 'paid');
  assert.equal(inv.lines.data[0].amount, 0);
  assertSchema('GET', '/v1/invoices/{invoice}', inv);
});

test('subscription: declining card -> incomplete, open invoice, payment_failed; pay later with a good card', async () => {
  const price = await monthlyPrice(1200);
  const { cus } = await payingCustomer('pm_card_chargeCustomerFail');
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], expand: ['latest_invoice'] });
  assert.equal(sub.status, 'incomplete');
  assert.equal(sub.latest_invoice.status, 'open');
  assert.equal(sub.latest_invoice.attempt_count, 1);
  assert.deepEqual((await eventTypes(sub.latest_invoice.id)).slice(-1), ['invoice.payment_failed']);
  const paid = await t.stripe.invoices.pay(sub.latest_invoice.id, { payment_method: 'pm_card_visa' });
  assert.equal(paid.status, 'paid');
  assertSchema('POST', '/v1/invoices/{invoice}/pay', paid);
  const after = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(after.status, 'active');
});

test('subscription: nonexistent price -> 404 resource_missing on items[0][price]; one-time price refused', async () => {
  const cus = await t.stripe.customers.create({});
  const err = await rejects(() => t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: 'price_nope' }] }));
  assert.equal(err.statusCode, 404);
  assert.equal(err.code, 'resource_missing');
  assert.equal(err.param, 'items[0][price]');
  const product = await t.stripe.products.create({ name: 'One-off' });
  const once = await t.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100 });
  const err2 = await rejects(() => t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: once.id }] }));
  assert.equal(err2.statusCode, 400);
  const err3 = await rejects(() => t.stripe.subscriptions.create({ customer: 'cus_nope', items: [{ price: once.id }] }));
  assert.equal(err3.statusCode, 404);
  assert.equal(err3.param, 'customer');
});

test('subscription: no payment method -> 400; send_invoice -> active with open invoice due later', async () => {
  const price = await monthlyPrice(900);
  const cus = await t.stripe.customers.create({ email: 'nopm@example.com' });
  const err = await rejects(() => t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] }));
  assert.equal(err.statusCode, 400);
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], collection_method: 'send_invoice', days_until_due: 30 });
  assert.equal(sub.status, 'active');
  assert.equal(sub.collection_method, 'send_invoice');
  assert.equal(sub.days_until_due, 30);
  const inv = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(inv.status, 'open');
  assert.equal(inv.due_date, inv.created + 30 * DAY);
  assert.ok(inv.hosted_invoice_url);
});

test('subscription: coupon and default tax rate apply to the first invoice', async () => {
  const price = await monthlyPrice(10000);
  const { cus } = await payingCustomer();
  const coupon = await t.stripe.coupons.create({ percent_off: 10, duration: 'once' });
  const rate = await t.stripe.taxRates.create({ display_name: 'Sales tax', percentage: 8.5, inclusive: false });
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], coupon: coupon.id, default_tax_rates: [rate.id] });
  assert.equal(sub.discount.coupon.id, coupon.id);
  assert.equal(sub.default_tax_rates[0].id, rate.id);
  const inv = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(inv.subtotal, 10000);
  assert.equal(inv.total_discount_amounts[0].amount, 1000);
  assert.equal(inv.total_tax_amounts[0].amount, 765);
  assert.equal(inv.total, 9765);
  assert.equal(inv.amount_paid, 9765);
  assertSchema('GET', '/v1/invoices/{invoice}', inv);
  const c = await t.stripe.coupons.retrieve(coupon.id);
  assert.equal(c.times_redeemed, 1);
  assert.equal(inv.discount.coupon.id, coupon.id);
});

test('subscription: promotion code redeems its coupon', async () => {
  const price = await monthlyPrice(3000);
  const { cus } = await payingCustomer();
  const coupon = await t.stripe.coupons.create({ amount_off: 1000, currency: 'usd', duration: 'forever' });
  const promo = await t.stripe.promotionCodes.create({ coupon: coupon.id, code: 'TENOFF' });
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], promotion_code: promo.id, expand: ['latest_invoice'] });
  assert.equal(sub.discount.promotion_code, promo.id);
  assert.equal(sub.latest_invoice.total, 2000);
  const p = await t.stripe.promotionCodes.retrieve(promo.id);
  assert.equal(p.times_redeemed, 1);
});

test('subscription update: quantity, add an item, cancel_at_period_end, event with previous_attributes', async () => {
  const price = await monthlyPrice(500);
  const extra = await monthlyPrice(700);
  const { cus } = await payingCustomer();
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
  const itemId = sub.items.data[0].id;
  const upd = await t.stripe.subscriptions.update(sub.id, {
    items: [{ id: itemId, quantity: 3 }, { price: extra.id }],
    proration_behavior: 'none',
    cancel_at_period_end: true,
  });
  assert.equal(upd.items.data.length, 2);
  assert.equal(upd.items.data.find((i) => i.id === itemId).quantity, 3);
  assert.equal(upd.cancel_at_period_end, true);
  assert.equal(upd.cancel_at, upd.current_period_end);
  assert.ok(upd.canceled_at);
  assert.equal(upd.status, 'active');
  assertSchema('POST', '/v1/subscriptions/{subscription_exposed_id}', upd);
  const ev = (await t.stripe.events.list({ type: 'customer.subscription.updated' })).data.find((e) => e.data.object.id === sub.id);
  assert.equal(ev.data.previous_attributes.cancel_at_period_end, false);
  const items = await t.stripe.subscriptionItems.list({ subscription: sub.id });
  assert.equal(items.data.length, 2);
  assertSchema('GET', '/v1/subscription_items', items);
});

test('subscription cancel: DELETE -> canceled with canceled_at/ended_at; list filters by status', async () => {
  const price = await monthlyPrice(800);
  const { cus } = await payingCustomer();
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
  const canceled = await t.stripe.subscriptions.cancel(sub.id);
  assert.equal(canceled.status, 'canceled');
  assert.ok(canceled.canceled_at);
  assert.ok(canceled.ended_at);
  assert.equal(canceled.cancellation_details.reason, 'cancellation_requested');
  assertSchema('DELETE', '/v1/subscriptions/{subscription_exposed_id}', canceled);
  const dflt = await t.stripe.subscriptions.list({ customer: cus.id });
  assert.equal(dflt.data.length, 0, 'canceled subscriptions are hidden by default');
  const all = await t.stripe.subscriptions.list({ customer: cus.id, status: 'all' });
  assert.deepEqual(all.data.map((s) => s.id), [sub.id]);
  assertSchema('GET', '/v1/subscriptions', all);
  const byPrice = await t.stripe.subscriptions.list({ price: price.id, status: 'canceled' });
  assert.deepEqual(byPrice.data.map((s) => s.id), [sub.id]);
  const again = await rejects(() => t.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true }));
  assert.equal(again.statusCode, 400);
  assert.ok((await eventTypes(sub.id)).includes('customer.subscription.deleted'));
});

test('subscription items: create, update quantity, retrieve, delete; last item cannot go', async () => {
  const price = await monthlyPrice(400);
  const other = await monthlyPrice(600);
  const { cus } = await payingCustomer();
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
  const si = await t.stripe.subscriptionItems.create({ subscription: sub.id, price: other.id, quantity: 2 });
  assert.match(si.id, /^si_/);
  assertSchema('POST', '/v1/subscription_items', si);
  const upd = await t.stripe.subscriptionItems.update(si.id, { quantity: 5 });
  assert.equal(upd.quantity, 5);
  assertSchema('POST', '/v1/subscription_items/{item}', upd);
  const got = await t.stripe.subscriptionItems.retrieve(si.id);
  assertSchema('GET', '/v1/subscription_items/{item}', got);
  const subNow = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(subNow.items.data.length, 2);
  const del = await t.stripe.subscriptionItems.del(si.id);
  assert.equal(del.deleted, true);
  assertSchema('DELETE', '/v1/subscription_items/{item}', del);
  const last = await rejects(() => t.stripe.subscriptionItems.del(sub.items.data[0].id));
  assert.equal(last.statusCode, 400);
});

// ---- invoices and invoice items ----

test('invoice items stay pending until an invoice includes them; finalize numbers it', async () => {
  const cus = await t.stripe.customers.create({ name: 'Invoiced' });
  const ii1 = await t.stripe.invoiceItems.create({ customer: cus.id, amount: 2500, currency: 'usd', description: 'Setup fee' });
  const product = await t.stripe.products.create({ name: 'Widget' });
  const once = await t.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 300 });
  const ii2 = await t.stripe.invoiceItems.create({ customer: cus.id, price: once.id, quantity: 3 });
  assert.equal(ii1.invoice, null);
  assert.equal(ii2.amount, 900);
  assertSchema('POST', '/v1/invoiceitems', ii2);
  const pending = await t.stripe.invoiceItems.list({ customer: cus.id, pending: true });
  assert.equal(pending.data.length, 2);
  assertSchema('GET', '/v1/invoiceitems', pending);
  const inv = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
  assert.equal(inv.status, 'draft');
  assert.equal(inv.number, null);
  assert.equal(inv.lines.data.length, 2);
  assert.equal(inv.subtotal, 3400);
  assert.equal(inv.amount_due, 3400);
  assertSchema('POST', '/v1/invoices', inv);
  const ii = await t.stripe.invoiceItems.retrieve(ii1.id);
  assert.equal(ii.invoice, inv.id);
  assertSchema('GET', '/v1/invoiceitems/{invoiceitem}', ii);
  const lines = await t.stripe.invoices.listLineItems(inv.id);
  assert.equal(lines.data.length, 2);
  assertSchema('GET', '/v1/invoices/{invoice}/lines', lines);
  const fin = await t.stripe.invoices.finalizeInvoice(inv.id);
  assert.equal(fin.status, 'open');
  assert.match(fin.number, /-0001$/);
  assert.match(fin.payment_intent, /^pi_/);
  assertSchema('POST', '/v1/invoices/{invoice}/finalize', fin);
  const again = await rejects(() => t.stripe.invoices.finalizeInvoice(inv.id));
  assert.equal(again.statusCode, 400);
  const frozen = await rejects(() => t.stripe.invoiceItems.update(ii1.id, { amount: 1 }));
  assert.equal(frozen.statusCode, 400);
});

test('invoice pay: charges the customer card; paid_out_of_band; pay on a void invoice -> 400', async () => {
  const { cus } = await payingCustomer();
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 5000, currency: 'usd' });
  const inv = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
  const paid = await t.stripe.invoices.pay(inv.id);
  assert.equal(paid.status, 'paid');
  assert.equal(paid.paid, true);
  assert.equal(paid.amount_paid, 5000);
  assert.match(paid.charge, /^ch_/);
  const pi = await t.stripe.paymentIntents.retrieve(paid.payment_intent);
  assert.equal(pi.status, 'succeeded');
  assert.equal(pi.invoice, inv.id);
  const twice = await rejects(() => t.stripe.invoices.pay(inv.id));
  assert.equal(twice.statusCode, 400);

  const inv2 = await t.stripe.invoices.create({ customer: cus.id });
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 700, currency: 'usd', invoice: inv2.id });
  const oob = await t.stripe.invoices.pay(inv2.id, { paid_out_of_band: true });
  assert.equal(oob.status, 'paid');
  assert.equal(oob.paid_out_of_band, true);
  assert.equal(oob.charge, null);

  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 800, currency: 'usd' });
  const inv3 = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include', collection_method: 'send_invoice', days_until_due: 7 });
  await t.stripe.invoices.finalizeInvoice(inv3.id);
  const voided = await t.stripe.invoices.voidInvoice(inv3.id);
  assert.equal(voided.status, 'void');
  assert.ok(voided.status_transitions.voided_at);
  assertSchema('POST', '/v1/invoices/{invoice}/void', voided);
  const err = await rejects(() => t.stripe.invoices.pay(inv3.id));
  assert.equal(err.statusCode, 400);
  assert.equal(err.type, 'StripeInvalidRequestError');
  assert.deepEqual(await eventTypes(inv3.id), ['invoice.created', 'invoice.finalized', 'invoice.voided']);
});

test('invoice: declined card -> 402 card_error, invoice stays open; mark_uncollectible; delete only drafts', async () => {
  const { cus } = await payingCustomer('pm_card_chargeCustomerFail');
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 1500, currency: 'usd' });
  const inv = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
  const err = await rejects(() => t.stripe.invoices.pay(inv.id));
  assert.equal(err.statusCode, 402);
  assert.equal(err.type, 'StripeCardError');
  assert.equal(err.code, 'card_declined');
  const open = await t.stripe.invoices.retrieve(inv.id);
  assert.equal(open.status, 'open');
  assert.equal(open.attempted, true);
  assert.ok((await eventTypes(inv.id)).includes('invoice.payment_failed'));
  const unc = await t.stripe.invoices.markUncollectible(inv.id);
  assert.equal(unc.status, 'uncollectible');
  assertSchema('POST', '/v1/invoices/{invoice}/mark_uncollectible', unc);
  const del = await rejects(() => t.stripe.invoices.del(inv.id));
  assert.equal(del.statusCode, 400);
  const draft = await t.stripe.invoices.create({ customer: cus.id });
  const gone = await t.stripe.invoices.del(draft.id);
  assert.equal(gone.deleted, true);
  assertSchema('DELETE', '/v1/invoices/{invoice}', gone);
  const list = await t.stripe.invoices.list({ customer: cus.id, status: 'uncollectible' });
  assert.deepEqual(list.data.map((i) => i.id), [inv.id]);
  assertSchema('GET', '/v1/invoices', list);
});

test('invoice: inclusive tax rate and amount coupon on a manual invoice', async () => {
  const cus = await t.stripe.customers.create({});
  const rate = await t.stripe.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: true });
  const coupon = await t.stripe.coupons.create({ amount_off: 200, currency: 'usd' });
  const inv = await t.stripe.invoices.create({ customer: cus.id, default_tax_rates: [rate.id], discounts: [{ coupon: coupon.id }] });
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 1200, currency: 'usd', invoice: inv.id });
  const got = await t.stripe.invoices.retrieve(inv.id);
  assert.equal(got.subtotal, 1200);
  assert.equal(got.total_discount_amounts[0].amount, 200);
  assert.equal(got.total, 1000, 'inclusive tax does not add to the total');
  assert.equal(got.total_tax_amounts[0].amount, 167);
  assert.equal(got.total_tax_amounts[0].inclusive, true);
  assert.equal(got.total_excluding_tax, 833);
  assertSchema('GET', '/v1/invoices/{invoice}', got);
  const upd = await t.stripe.invoices.update(inv.id, { description: 'Hello', metadata: { a: '1' } });
  assert.equal(upd.description, 'Hello');
  assertSchema('POST', '/v1/invoices/{invoice}', upd);
});

// ---- credit notes ----

test('credit notes: pre-payment lowers amount_due; void restores; list by invoice', async () => {
  const cus = await t.stripe.customers.create({});
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 4000, currency: 'usd' });
  const inv = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include', collection_method: 'send_invoice', days_until_due: 10 });
  const fin = await t.stripe.invoices.finalizeInvoice(inv.id);
  const cn = await t.stripe.creditNotes.create({ invoice: inv.id, amount: 1000, reason: 'order_change', memo: 'sorry' });
  assert.match(cn.id, /^cn_/);
  assert.equal(cn.type, 'pre_payment');
  assert.equal(cn.status, 'issued');
  assert.equal(cn.number, `${fin.number}-CN-01`);
  assertSchema('POST', '/v1/credit_notes', cn);
  const after = await t.stripe.invoices.retrieve(inv.id);
  assert.equal(after.amount_due, 3000);
  assert.equal(after.pre_payment_credit_notes_amount, 1000);
  const line = fin.lines.data[0].id;
  const cn2 = await t.stripe.creditNotes.create({ invoice: inv.id, lines: [{ type: 'invoice_line_item', invoice_line_item: line, amount: 500 }] });
  assert.equal(cn2.amount, 500);
  assert.equal(cn2.lines.data[0].invoice_line_item, line);
  const listed = await t.stripe.creditNotes.list({ invoice: inv.id });
  assert.equal(listed.data.length, 2);
  assertSchema('GET', '/v1/credit_notes', listed);
  const voided = await t.stripe.creditNotes.voidCreditNote(cn.id);
  assert.equal(voided.status, 'void');
  assertSchema('POST', '/v1/credit_notes/{id}/void', voided);
  assert.equal((await t.stripe.invoices.retrieve(inv.id)).amount_due, 3500);
  const tooMuch = await rejects(() => t.stripe.creditNotes.create({ invoice: inv.id, amount: 999999 }));
  assert.equal(tooMuch.statusCode, 400);
  const got = await t.stripe.creditNotes.retrieve(cn2.id);
  assertSchema('GET', '/v1/credit_notes/{id}', got);
  assert.ok((await eventTypes(cn.id)).includes('credit_note.created'));
});

// ---- setup intents ----

test('setup intent: confirm attaches the card; 3DS card requires_action; cancel; list', async () => {
  const cus = await t.stripe.customers.create({});
  const si = await t.stripe.setupIntents.create({ customer: cus.id, payment_method: 'pm_card_visa', usage: 'off_session' });
  assert.match(si.id, /^seti_/);
  assert.equal(si.status, 'requires_confirmation');
  assert.match(si.client_secret, new RegExp(`^${si.id}_secret_`));
  assertSchema('POST', '/v1/setup_intents', si);
  const done = await t.stripe.setupIntents.confirm(si.id);
  assert.equal(done.status, 'succeeded');
  assertSchema('POST', '/v1/setup_intents/{intent}/confirm', done);
  const pm = await t.stripe.paymentMethods.retrieve(done.payment_method);
  assert.equal(pm.customer, cus.id);
  assert.ok((await eventTypes(si.id)).includes('setup_intent.succeeded'));

  const tds = await t.stripe.setupIntents.create({ customer: cus.id, payment_method: 'pm_card_authenticationRequired', confirm: true });
  assert.equal(tds.status, 'requires_action');
  assert.equal(tds.next_action.type, 'redirect_to_url');
  const completed = await t.stripe.setupIntents.confirm(tds.id);
  assert.equal(completed.status, 'succeeded');

  const declined = await t.stripe.setupIntents.create({ customer: cus.id, payment_method: 'pm_card_chargeDeclined' });
  const err = await rejects(() => t.stripe.setupIntents.confirm(declined.id));
  assert.equal(err.statusCode, 402);
  assert.equal(err.code, 'card_declined');

  const c = await t.stripe.setupIntents.create({ customer: cus.id });
  assert.equal(c.status, 'requires_payment_method');
  const canceled = await t.stripe.setupIntents.cancel(c.id, { cancellation_reason: 'abandoned' });
  assert.equal(canceled.status, 'canceled');
  assertSchema('POST', '/v1/setup_intents/{intent}/cancel', canceled);
  const noConfirm = await rejects(() => t.stripe.setupIntents.confirm(c.id));
  assert.equal(noConfirm.statusCode, 400);
  const list = await t.stripe.setupIntents.list({ customer: cus.id });
  assert.equal(list.data.length, 4);
  assertSchema('GET', '/v1/setup_intents', list);
  assertSchema('GET', '/v1/setup_intents/{intent}', await t.stripe.setupIntents.retrieve(si.id));
});

// ---- test clocks ----

test('test clock: create, retrieve, list, advance -> ready, delete', async () => {
  const frozen = 1_700_000_000;
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozen, name: 'Clock A' });
  assert.match(clock.id, /^clock_/);
  assert.equal(clock.status, 'ready');
  assert.equal(clock.frozen_time, frozen);
  assertSchema('POST', '/v1/test_helpers/test_clocks', clock);
  const adv = await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + DAY });
  assert.equal(adv.status, 'advancing');
  assertSchema('POST', '/v1/test_helpers/test_clocks/{test_clock}/advance', adv);
  const got = await t.stripe.testHelpers.testClocks.retrieve(clock.id);
  assert.equal(got.status, 'ready');
  assert.equal(got.frozen_time, frozen + DAY);
  assertSchema('GET', '/v1/test_helpers/test_clocks/{test_clock}', got);
  const back = await rejects(() => t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen }));
  assert.equal(back.statusCode, 400);
  const list = await t.stripe.testHelpers.testClocks.list();
  assert.ok(list.data.some((c) => c.id === clock.id));
  assertSchema('GET', '/v1/test_helpers/test_clocks', list);
  const del = await t.stripe.testHelpers.testClocks.del(clock.id);
  assert.equal(del.deleted, true);
  assertSchema('DELETE', '/v1/test_helpers/test_clocks/{test_clock}', del);
  assert.ok((await eventTypes(clock.id)).includes('test_helpers.test_clock.ready'));
});

test('test clock: advancing past period end renews: new invoice paid, period rolls forward, events', async () => {
  const frozen = Date.UTC(2024, 0, 31) / 1000;
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozen });
  const { cus } = await payingCustomer('pm_card_visa', { test_clock: clock.id });
  assert.equal(cus.test_clock, clock.id);
  const price = await monthlyPrice(2500);
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
  assert.equal(sub.status, 'active');
  assert.equal(sub.test_clock, clock.id);
  assert.equal(sub.current_period_start, frozen);
  assert.equal(sub.current_period_end, Date.UTC(2024, 1, 29) / 1000, 'Jan 31 + 1 month clamps to Feb 29');
  const firstInvoice = sub.latest_invoice;

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: sub.current_period_end + 3600 });
  const renewed = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(renewed.status, 'active');
  assert.equal(renewed.current_period_start, sub.current_period_end);
  assert.equal(renewed.current_period_end, Date.UTC(2024, 2, 29) / 1000);
  assert.notEqual(renewed.latest_invoice, firstInvoice);
  const inv = await t.stripe.invoices.retrieve(renewed.latest_invoice);
  assert.equal(inv.billing_reason, 'subscription_cycle');
  assert.equal(inv.status, 'paid');
  assert.equal(inv.amount_paid, 2500);
  assert.match(inv.number, /-0002$/);
  assert.equal(inv.lines.data[0].period.start, sub.current_period_end);
  const invoices = await t.stripe.invoices.list({ subscription: sub.id });
  assert.equal(invoices.data.length, 2);
  assert.deepEqual(await eventTypes(inv.id), ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']);
  const subEvents = await eventTypes(sub.id);
  // created (incomplete), updated (first invoice paid: active), updated (renewal).
  assert.deepEqual(subEvents, ['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.updated']);
  const charges = await t.stripe.charges.list({ customer: cus.id });
  assert.equal(charges.data.length, 2);
});

test('test clock: trial end turns trialing into active with its first paid invoice; cancel_at_period_end ends it', async () => {
  const frozen = Date.UTC(2024, 5, 1) / 1000;
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozen });
  const { cus } = await payingCustomer('pm_card_visa', { test_clock: clock.id });
  const price = await monthlyPrice(1000, { interval: 'week', interval_count: 2 });
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], trial_period_days: 7 });
  assert.equal(sub.status, 'trialing');
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 8 * DAY });
  const active = await t.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
  assert.equal(active.status, 'active');
  assert.equal(active.current_period_start, frozen + 7 * DAY);
  assert.equal(active.current_period_end, frozen + 21 * DAY);
  assert.equal(active.latest_invoice.amount_paid, 1000);
  assert.equal(active.latest_invoice.status, 'paid');

  await t.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 22 * DAY });
  const ended = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(ended.status, 'canceled');
  assert.equal(ended.ended_at, frozen + 21 * DAY);
  assert.ok((await eventTypes(sub.id)).includes('customer.subscription.deleted'));
});

test('test clock: a renewal that fails to charge makes the subscription past_due', async () => {
  const frozen = Date.UTC(2024, 2, 10) / 1000;
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozen });
  const { cus } = await payingCustomer('pm_card_visa', { test_clock: clock.id });
  const price = await monthlyPrice(1800);
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
  const bad = await t.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: cus.id });
  await t.stripe.subscriptions.update(sub.id, { default_payment_method: bad.id });
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: sub.current_period_end + 60 });
  const due = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(due.status, 'past_due');
  const inv = await t.stripe.invoices.retrieve(due.latest_invoice);
  assert.equal(inv.status, 'open');
  assert.ok((await eventTypes(inv.id)).includes('invoice.payment_failed'));

  // a card that works again: the next renewal is paid and the subscription is active again
  const good = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await t.stripe.subscriptions.update(sub.id, { default_payment_method: good.id });
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: due.current_period_end + 60 });
  const back = await t.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
  assert.equal(back.latest_invoice.status, 'paid');
  assert.equal(back.status, 'active');
});

test('webhook: a subscription created fires signed deliveries to an endpoint', async () => {
  const rx = await webhookReceiver();
  try {
    const we = await t.stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['customer.subscription.created', 'invoice.paid'] });
    const price = await monthlyPrice(100);
    const { cus } = await payingCustomer();
    const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    const got = await rx.waitFor(2);
    const events = got.map((g) => t.stripe.webhooks.constructEvent(g.raw, g.headers['stripe-signature'], we.secret));
    assert.deepEqual(events.map((e) => e.type).sort(), ['customer.subscription.created', 'invoice.paid']);
    assert.equal(events.find((e) => e.type === 'customer.subscription.created').data.object.id, sub.id);
  } finally {
    await rx.close();
  }
});

test('test clock: a duration=once coupon covers the first invoice only; forever keeps applying', async () => {
  const frozen = Date.UTC(2024, 3, 1) / 1000;
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozen });
  const { cus } = await payingCustomer('pm_card_visa', { test_clock: clock.id });
  const price = await monthlyPrice(4000);
  const once = await t.stripe.coupons.create({ percent_off: 50, duration: 'once' });
  const forever = await t.stripe.coupons.create({ amount_off: 100, currency: 'usd', duration: 'forever' });
  const a = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], coupon: once.id, expand: ['latest_invoice'] });
  const b = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], coupon: forever.id, expand: ['latest_invoice'] });
  assert.equal(a.latest_invoice.total, 2000);
  assert.equal(b.latest_invoice.total, 3900);
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: a.current_period_end + 10 });
  const a2 = await t.stripe.subscriptions.retrieve(a.id, { expand: ['latest_invoice'] });
  const b2 = await t.stripe.subscriptions.retrieve(b.id, { expand: ['latest_invoice'] });
  assert.equal(a2.discount, null);
  assert.equal(a2.latest_invoice.total, 4000);
  assert.equal(b2.discount.coupon.id, forever.id);
  assert.equal(b2.latest_invoice.total, 3900);
});

// ---- paying an invoice through its payment intent ----

test('confirming an invoice payment intent pays the invoice; an incomplete subscription becomes active', async () => {
  const price = await monthlyPrice(1800);
  const cus = await t.stripe.customers.create({ email: 'confirm@example.com' });
  const sub = await t.stripe.subscriptions.create({
    customer: cus.id, items: [{ price: price.id }], payment_behavior: 'default_incomplete',
    expand: ['latest_invoice.payment_intent'],
  });
  assert.equal(sub.status, 'incomplete');
  const inv = sub.latest_invoice;
  assert.equal(inv.status, 'open');
  assert.equal(inv.payment_intent.status, 'requires_payment_method');
  const pi = await t.stripe.paymentIntents.confirm(inv.payment_intent.id, { payment_method: 'pm_card_visa' });
  assert.equal(pi.status, 'succeeded');
  assertSchema('POST', '/v1/payment_intents/{intent}/confirm', pi);
  const paid = await t.stripe.invoices.retrieve(inv.id);
  assert.equal(paid.status, 'paid');
  assert.equal(paid.paid, true);
  assert.equal(paid.amount_paid, 1800);
  assert.equal(paid.amount_remaining, 0);
  assert.equal(paid.charge, pi.latest_charge);
  const charge = await t.stripe.charges.retrieve(pi.latest_charge);
  assert.equal(charge.invoice, inv.id);
  const active = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(active.status, 'active');
  const types = await eventTypes(sub.id);
  assert.deepEqual(types, ['customer.subscription.created', 'customer.subscription.updated']);
  assert.ok((await eventTypes(inv.id)).includes('invoice.paid'));
});

test('an invoice payment intent needing 3-D Secure is paid once the /3ds/authenticate page is completed', async () => {
  const price = await monthlyPrice(2100);
  const cus = await t.stripe.customers.create({ email: 'threeds@example.com' });
  const sub = await t.stripe.subscriptions.create({
    customer: cus.id, items: [{ price: price.id }], payment_behavior: 'default_incomplete',
    expand: ['latest_invoice'],
  });
  const piId = sub.latest_invoice.payment_intent;
  const pi = await t.stripe.paymentIntents.confirm(piId, {
    payment_method: 'pm_card_authenticationRequired', return_url: 'https://app.example/return',
  });
  assert.equal(pi.status, 'requires_action');
  const url = pi.next_action.redirect_to_url.url;
  assert.match(url, /\/3ds\/authenticate\/pi_/);
  assert.equal((await t.stripe.invoices.retrieve(sub.latest_invoice.id)).status, 'open');
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const done = await fetch(url.split('?')[0], {
    method: 'POST', redirect: 'manual',
    body: new URLSearchParams({ client_secret: pi.client_secret, action: 'complete' }),
  });
  assert.equal(done.status, 303);
  assert.match(done.headers.get('location'), /redirect_status=succeeded/);
  const paid = await t.stripe.invoices.retrieve(sub.latest_invoice.id);
  assert.equal(paid.status, 'paid');
  assert.equal(paid.amount_paid, 2100);
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).status, 'active');
});

test('a subscription whose first charge needs 3-D Secure: incomplete, then active after the authentication page', async () => {
  const price = await monthlyPrice(2200);
  const { cus } = await payingCustomer('pm_card_authenticationRequired', { email: 'sca@example.com' });
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], expand: ['latest_invoice.payment_intent'] });
  assert.equal(sub.status, 'incomplete');
  const pi = sub.latest_invoice.payment_intent;
  assert.equal(pi.status, 'requires_action');
  const url = pi.next_action.redirect_to_url.url;
  assert.match(url, /\/3ds\/authenticate\/pi_.*client_secret=/);
  const done = await fetch(url.split('?')[0], {
    method: 'POST', body: new URLSearchParams({ client_secret: pi.client_secret, action: 'complete' }),
  });
  assert.equal(done.status, 200);
  assert.equal((await t.stripe.invoices.retrieve(sub.latest_invoice.id)).status, 'paid');
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).status, 'active');
});

// ---- rules found in review: a rejected request leaves no trace; amounts are checked ----

test('subscription item: a 400 on create stores no item and changes no subscription', async () => {
  const price = await monthlyPrice(400);
  const other = await monthlyPrice(600);
  const { cus } = await payingCustomer();
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
  const { cus } = await payingCustomer();
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
  const { cus } = await payingCustomer();
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
  const { cus } = await payingCustomer('pm_card_visa', { test_clock: clock.id });
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
  const { cus } = await payingCustomer();
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

// ---- prorations ----

async function pendingItems(customer) {
  const list = await t.stripe.invoiceItems.list({ customer, pending: true });
  assertSchema('GET', '/v1/invoiceitems', list);
  return list.data.sort((a, b) => a.amount - b.amount);
}

test('proration: a price change mid-period credits unused time and charges the rest; the renewal bills both', async () => {
  const frozen = Date.UTC(2025, 0, 1) / 1000;
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozen });
  const { cus } = await payingCustomer('pm_card_visa', { test_clock: clock.id });
  const basic = await monthlyPrice(3000);
  const pro = await monthlyPrice(6000);
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: basic.id }] });
  const end = sub.current_period_end;
  assert.equal(end, Date.UTC(2025, 1, 1) / 1000);
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 10 * DAY });
  const itemId = sub.items.data[0].id;
  const upd = await t.stripe.subscriptions.update(sub.id, { items: [{ id: itemId, price: pro.id }] });
  assertSchema('POST', '/v1/subscriptions/{subscription_exposed_id}', upd);
  assert.equal(upd.latest_invoice, sub.latest_invoice, 'create_prorations leaves the items pending');

  const [credit, debit] = await pendingItems(cus.id);
  // 21 of the period's 31 days remain.
  assert.equal(credit.amount, -Math.round(3000 * 21 / 31));
  assert.equal(debit.amount, Math.round(6000 * 21 / 31));
  for (const ii of [credit, debit]) {
    assert.equal(ii.proration, true);
    assert.equal(ii.subscription, sub.id);
    assert.equal(ii.subscription_item, itemId);
    assert.deepEqual(ii.period, { start: frozen + 10 * DAY, end });
    assert.equal(ii.date, frozen + 10 * DAY, 'dated at the test clock time');
    assert.equal(ii.invoice, null);
  }
  assert.equal(credit.price.id, basic.id);
  assert.equal(debit.price.id, pro.id);
  assert.match(credit.description, /^Unused time on 1 × Plan 3000 after 11 Jan 2025$/);
  assert.match(debit.description, /^Remaining time on 1 × Plan 6000 after 11 Jan 2025$/);
  assert.ok((await eventTypes(debit.id)).includes('invoiceitem.created'));

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: end + 3600 });
  const renewed = await t.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
  const inv = renewed.latest_invoice;
  assertSchema('GET', '/v1/subscriptions/{subscription_exposed_id}', renewed);
  assert.equal(inv.billing_reason, 'subscription_cycle');
  assert.equal(inv.status, 'paid');
  assert.equal(inv.amount_paid, 6000 + debit.amount + credit.amount);
  const prorations = inv.lines.data.filter((l) => l.proration);
  assert.deepEqual(prorations.map((l) => l.invoice_item).sort(), [credit.id, debit.id].sort());
  assert.ok(prorations.every((l) => l.subscription_item === itemId));
  assert.deepEqual(await pendingItems(cus.id), []);
});

test('proration: always_invoice with proration_date bills a quantity change at once; none creates nothing', async () => {
  const price = await monthlyPrice(1000);
  const { cus } = await payingCustomer();
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
  const itemId = sub.items.data[0].id;
  const half = sub.current_period_start + (sub.current_period_end - sub.current_period_start) / 2;

  const quiet = await t.stripe.subscriptions.update(sub.id, { items: [{ id: itemId, quantity: 2 }], proration_behavior: 'none' });
  assert.equal(quiet.items.data[0].quantity, 2);
  assert.deepEqual(await pendingItems(cus.id), []);

  const upd = await t.stripe.subscriptions.update(sub.id, {
    items: [{ id: itemId, quantity: 4 }], proration_behavior: 'always_invoice', proration_date: half, expand: ['latest_invoice'],
  });
  assertSchema('POST', '/v1/subscriptions/{subscription_exposed_id}', upd);
  const inv = upd.latest_invoice;
  assert.notEqual(inv.id, sub.latest_invoice);
  assert.equal(inv.billing_reason, 'subscription_update');
  assert.equal(inv.subscription, sub.id);
  assert.equal(inv.status, 'paid');
  assert.deepEqual(inv.lines.data.map((l) => l.amount).sort((a, b) => a - b), [-1000, 2000]);
  assert.ok(inv.lines.data.every((l) => l.proration && l.period.start === half));
  assert.equal(inv.amount_paid, 1000);
  assert.match(inv.lines.data.find((l) => l.amount < 0).description, /^Unused time on 2 × /);
  assert.match(inv.lines.data.find((l) => l.amount > 0).description, /^Remaining time on 4 × /);
  assert.deepEqual(await pendingItems(cus.id), []);
  const charge = await t.stripe.charges.retrieve(inv.charge);
  assert.equal(charge.amount, 1000);

  const bad = await rejects(() => t.stripe.subscriptions.update(sub.id, { items: [{ id: itemId, quantity: 5 }], proration_behavior: 'sometimes' }));
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.param, 'proration_behavior');
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).items.data[0].quantity, 4, 'a 400 changes nothing');
});

test('proration: subscription items added and removed; a trial prorates nothing', async () => {
  const base = await monthlyPrice(500);
  const addon = await monthlyPrice(800);
  const { cus } = await payingCustomer();
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: base.id }] });
  const half = sub.current_period_start + (sub.current_period_end - sub.current_period_start) / 2;

  const si = await t.stripe.subscriptionItems.create({ subscription: sub.id, price: addon.id, quantity: 2, proration_date: half });
  assertSchema('POST', '/v1/subscription_items', si);
  const [debit] = await pendingItems(cus.id);
  assert.equal(debit.amount, 800);
  assert.equal(debit.subscription_item, si.id);
  assert.match(debit.description, /^Remaining time on 2 × Plan 800 after /);

  const upd = await t.stripe.subscriptionItems.update(si.id, { quantity: 2, proration_behavior: 'none' });
  assert.equal(upd.quantity, 2);
  assert.equal((await pendingItems(cus.id)).length, 1, 'an unchanged item prorates nothing');

  const del = await t.stripe.subscriptionItems.del(si.id, { proration_behavior: 'always_invoice', proration_date: half });
  assert.equal(del.deleted, true);
  const after = await t.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
  const inv = after.latest_invoice;
  assert.equal(inv.billing_reason, 'subscription_update');
  assert.deepEqual(inv.lines.data.map((l) => l.amount).sort((a, b) => a - b), [-800, 800]);
  assert.equal(inv.total, 0);
  assert.equal(inv.status, 'paid');
  assert.deepEqual(await pendingItems(cus.id), []);

  const trialCus = (await payingCustomer()).cus;
  const trial = await t.stripe.subscriptions.create({ customer: trialCus.id, items: [{ price: base.id }], trial_period_days: 7 });
  await t.stripe.subscriptions.update(trial.id, { items: [{ id: trial.items.data[0].id, price: addon.id }] });
  assert.deepEqual(await pendingItems(trialCus.id), []);
});

// ---- incomplete subscriptions expire ----

test('an incomplete subscription expires after 23 hours: incomplete_expired, invoice voided, events', async () => {
  const frozen = Date.UTC(2025, 3, 1) / 1000;
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozen });
  const { cus } = await payingCustomer('pm_card_chargeCustomerFail', { test_clock: clock.id });
  const price = await monthlyPrice(900);
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], expand: ['latest_invoice'] });
  assert.equal(sub.status, 'incomplete');
  const inv = sub.latest_invoice;

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 22 * 3600 });
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).status, 'incomplete');

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 2 * DAY });
  const expired = await t.stripe.subscriptions.retrieve(sub.id);
  assertSchema('GET', '/v1/subscriptions/{subscription_exposed_id}', expired);
  assert.equal(expired.status, 'incomplete_expired');
  assert.equal(expired.ended_at, frozen + 23 * 3600);
  const voided = await t.stripe.invoices.retrieve(inv.id);
  assert.equal(voided.status, 'void');
  assert.equal(voided.status_transitions.voided_at, frozen + 23 * 3600);
  const pi = await t.stripe.paymentIntents.retrieve(inv.payment_intent);
  assert.equal(pi.status, 'canceled');

  const types = await eventTypes(sub.id);
  assert.deepEqual(types.slice(-2), ['customer.subscription.updated', 'customer.subscription.deleted']);
  const updated = (await t.stripe.events.list({ type: 'customer.subscription.updated', limit: 100 })).data
    .find((e) => e.data.object.id === sub.id);
  assert.equal(updated.data.object.status, 'incomplete_expired');
  assert.equal(updated.data.previous_attributes.status, 'incomplete');
  assert.ok((await eventTypes(inv.id)).includes('invoice.voided'));

  const listed = await t.stripe.subscriptions.list({ customer: cus.id, status: 'incomplete_expired' });
  assert.deepEqual(listed.data.map((s) => s.id), [sub.id]);
  assert.deepEqual((await t.stripe.subscriptions.list({ customer: cus.id })).data, [], 'expired ones are hidden by default');
  const change = await rejects(() => t.stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0].id, quantity: 2 }] }));
  assert.equal(change.statusCode, 400);
  const pay = await rejects(() => t.stripe.invoices.pay(inv.id, { payment_method: 'pm_card_visa' }));
  assert.equal(pay.statusCode, 400);
});

// ---- credit notes settling an invoice; test clock time ----

test('a credit note for all that is owed marks the open invoice paid, cancels its payment intent, activates the subscription', async () => {
  const price = await monthlyPrice(2400);
  const { cus } = await payingCustomer('pm_card_chargeCustomerFail');
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], expand: ['latest_invoice'] });
  assert.equal(sub.status, 'incomplete');
  const inv = sub.latest_invoice;
  await t.stripe.creditNotes.create({ invoice: inv.id, amount: 400 });
  assert.equal((await t.stripe.invoices.retrieve(inv.id)).status, 'open');
  const cn = await t.stripe.creditNotes.create({ invoice: inv.id, amount: 2000 });
  assertSchema('POST', '/v1/credit_notes', cn);
  assert.equal(cn.type, 'pre_payment');

  const settled = await t.stripe.invoices.retrieve(inv.id);
  assertSchema('GET', '/v1/invoices/{invoice}', settled);
  assert.equal(settled.status, 'paid');
  assert.equal(settled.paid, true);
  assert.equal(settled.amount_due, 0);
  assert.equal(settled.amount_remaining, 0);
  assert.equal(settled.amount_paid, 0);
  assert.equal(settled.pre_payment_credit_notes_amount, 2400);
  assert.ok(settled.status_transitions.paid_at);
  const pi = await t.stripe.paymentIntents.retrieve(inv.payment_intent);
  assert.equal(pi.status, 'canceled');
  assert.ok((await eventTypes(inv.id)).includes('invoice.paid'));
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).status, 'active');

  const pay = await rejects(() => t.stripe.invoices.pay(inv.id));
  assert.equal(pay.code, 'invoice_already_paid');
  const more = await rejects(() => t.stripe.creditNotes.create({ invoice: inv.id, amount: 1 }));
  assert.equal(more.statusCode, 400);
  const undo = await rejects(() => t.stripe.creditNotes.voidCreditNote(cn.id));
  assert.equal(undo.statusCode, 400);
});

test('credit notes of a customer on a test clock are dated at the clock time', async () => {
  const frozen = Date.UTC(2024, 9, 15) / 1000;
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozen });
  const cus = await t.stripe.customers.create({ test_clock: clock.id });
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 3000, currency: 'usd' });
  const draft = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include', collection_method: 'send_invoice', days_until_due: 5 });
  const open = await t.stripe.invoices.finalizeInvoice(draft.id);
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 2 * DAY });
  const cn = await t.stripe.creditNotes.create({ invoice: open.id, amount: 1000 });
  assert.equal(cn.created, frozen + 2 * DAY);
  assert.equal(cn.effective_at, frozen + 2 * DAY);
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 3 * DAY });
  const voided = await t.stripe.creditNotes.voidCreditNote(cn.id);
  assertSchema('POST', '/v1/credit_notes/{id}/void', voided);
  assert.equal(voided.voided_at, frozen + 3 * DAY);
});

test('without a test clock, the run clock (<admin>/admin/clock) expires an incomplete subscription', async () => {
  const run = await newRun();
  const s = run.stripe;
  const cus = await s.customers.create({ email: 'late@example.com' });
  const pm = await s.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: cus.id });
  await s.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  const product = await s.products.create({ name: 'Real-time plan' });
  const price = await s.prices.create({ product: product.id, currency: 'usd', unit_amount: 700, recurring: { interval: 'month' } });
  const sub = await s.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
  assert.equal(sub.status, 'incomplete');

  assert.equal((await admin(run, 'POST', '/admin/clock', { advance_seconds: 22 * 3600 })).status, 200);
  assert.equal((await s.subscriptions.retrieve(sub.id)).status, 'incomplete');
  assert.equal((await admin(run, 'POST', '/admin/clock', { advance_seconds: 2 * 3600 })).status, 200);
  const expired = await s.subscriptions.retrieve(sub.id);
  assert.equal(expired.status, 'incomplete_expired');
  assert.equal(expired.ended_at, sub.created + 23 * 3600);
  // what the run's clock says is what new objects are stamped with
  const later = await s.customers.create({});
  assert.ok(Math.abs(later.created - (Date.now() / 1000 + 24 * 3600)) < 60);
});
