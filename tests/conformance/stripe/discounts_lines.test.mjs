// Stripe twin: removing a customer's or a subscription's discount
// (customers.deleteDiscount / subscriptions.deleteDiscount: the discount back
// with deleted: true, 404 when there is none) and paging embedded line lists:
// GET /v1/invoices/upcoming/lines and creditNotes.listLineItems.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, rejects, stopServer, assertSchema, raw, recurringPrice } from './helpers.mjs';

let t;
before(async () => { t = await newRun(); });
after(stopServer);

const price = (amount) => recurringPrice(t.stripe, amount);

async function payingCustomer(extra = {}) {
  const cus = await t.stripe.customers.create({ email: 'disc@example.com', ...extra });
  const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await t.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  return cus;
}

async function eventsOfType(type) {
  return (await t.stripe.events.list({ type, limit: 100 })).data;
}

test('customers.deleteDiscount: the discount comes back deleted, the customer has none, invoices stop taking it', async () => {
  const coupon = await t.stripe.coupons.create({ percent_off: 50, duration: 'forever' });
  const cus = await t.stripe.customers.create({ coupon: coupon.id });
  assert.equal(cus.discount.coupon.id, coupon.id);
  const gone = await t.stripe.customers.deleteDiscount(cus.id);
  assert.equal(gone.object, 'discount');
  assert.equal(gone.deleted, true);
  assert.equal(gone.id, cus.discount.id);
  assert.equal(gone.customer, cus.id);
  assert.equal(gone.coupon.id, coupon.id);
  assertSchema('DELETE', '/v1/customers/{customer}/discount', gone);
  assert.equal((await t.stripe.customers.retrieve(cus.id)).discount, null);
  const ev = (await eventsOfType('customer.discount.deleted')).find((e) => e.data.object.id === gone.id);
  assert.ok(ev, 'customer.discount.deleted is announced');
  // Without the discount the next invoice is charged in full.
  await t.stripe.invoiceItems.create({ customer: cus.id, amount: 1000, currency: 'usd' });
  const inv = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
  assert.equal(inv.total, 1000);
  assert.equal(inv.discount, null);
  // Nothing left to delete: 404 resource_missing.
  const again = await rejects(() => t.stripe.customers.deleteDiscount(cus.id));
  assert.equal(again.statusCode, 404);
  assert.equal(again.type, 'StripeInvalidRequestError');
  assert.equal(again.code, 'resource_missing');
  assert.match(again.message, new RegExp(`No active discount for customer: ${cus.id}`));
  const missing = await rejects(() => t.stripe.customers.deleteDiscount('cus_nope'));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.code, 'resource_missing');
  assert.equal(missing.param, 'customer');
});

test('subscriptions.deleteDiscount: the renewal after it is billed in full', async () => {
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: Date.UTC(2025, 0, 1) / 1000 });
  const cus = await payingCustomer({ test_clock: clock.id });
  const coupon = await t.stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'forever' });
  const p = await price(2000);
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: p.id }], coupon: coupon.id });
  assert.equal(sub.discount.coupon.id, coupon.id);
  const first = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(first.total, 1500);
  const gone = await t.stripe.subscriptions.deleteDiscount(sub.id);
  assert.equal(gone.deleted, true);
  assert.equal(gone.object, 'discount');
  assert.equal(gone.subscription, sub.id);
  assertSchema('DELETE', '/v1/subscriptions/{subscription_exposed_id}/discount', gone);
  const after = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(after.discount, null);
  const upd = (await eventsOfType('customer.subscription.updated')).find((e) => e.data.object.id === sub.id && e.data.previous_attributes.discount);
  assert.ok(upd, 'customer.subscription.updated carries the discount it lost');
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: sub.current_period_end + 60 });
  const renewed = await t.stripe.subscriptions.retrieve(sub.id);
  const renewal = await t.stripe.invoices.retrieve(renewed.latest_invoice);
  assert.equal(renewal.billing_reason, 'subscription_cycle');
  assert.equal(renewal.total, 2000);
  const again = await rejects(() => t.stripe.subscriptions.deleteDiscount(sub.id));
  assert.equal(again.statusCode, 404);
  assert.equal(again.code, 'resource_missing');
  assert.match(again.message, /No active discount for subscription/);
  const missing = await rejects(() => t.stripe.subscriptions.deleteDiscount('sub_nope'));
  assert.equal(missing.statusCode, 404);
});

test('GET /v1/invoices/upcoming/lines: the preview lines, paged with stable cursors', async () => {
  const cus = await payingCustomer();
  const prices = [await price(1000), await price(2000), await price(3000)];
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: prices.map((p) => ({ price: p.id })) });
  for (const amount of [11, 22]) await t.stripe.invoiceItems.create({ customer: cus.id, amount, currency: 'usd' });
  const all = await raw(t, 'GET', `/v1/invoices/upcoming/lines?customer=${cus.id}&limit=100`);
  assert.equal(all.status, 200);
  assert.equal(all.json.object, 'list');
  assert.equal(all.json.url, '/v1/invoices/upcoming/lines');
  assert.equal(all.json.data.length, 5);
  assert.equal(all.json.has_more, false);
  assertSchema('GET', '/v1/invoices/upcoming/lines', all.json);
  assert.equal(all.json.data.reduce((s, l) => s + l.amount, 0), 6033);
  const one = await raw(t, 'GET', `/v1/invoices/upcoming/lines?customer=${cus.id}&limit=2`);
  assert.deepEqual(one.json.data.map((l) => l.id), all.json.data.slice(0, 2).map((l) => l.id));
  assert.equal(one.json.has_more, true);
  const two = await raw(t, 'GET', `/v1/invoices/upcoming/lines?subscription=${sub.id}&limit=2&starting_after=${one.json.data[1].id}`);
  assert.deepEqual(two.json.data.map((l) => l.id), all.json.data.slice(2, 4).map((l) => l.id));
  assert.equal(two.json.has_more, true);
  const back = await raw(t, 'GET', `/v1/invoices/upcoming/lines?customer=${cus.id}&limit=2&ending_before=${two.json.data[0].id}`);
  assert.deepEqual(back.json.data.map((l) => l.id), all.json.data.slice(0, 2).map((l) => l.id));
  // Paging wrote nothing: the same preview is still the one on offer.
  const preview = await t.stripe.invoices.createPreview({ customer: cus.id });
  assert.equal(preview.total, 6033);
  const bad = await raw(t, 'GET', `/v1/invoices/upcoming/lines?customer=${cus.id}&starting_after=il_nope`);
  assert.equal(bad.status, 404);
  assert.equal(bad.json.error.code, 'resource_missing');
  const none = await raw(t, 'GET', '/v1/invoices/upcoming/lines');
  assert.equal(none.status, 400);
  assert.equal(none.json.error.param, 'customer');
  const lonely = await t.stripe.customers.create({});
  const nothing = await raw(t, 'GET', `/v1/invoices/upcoming/lines?customer=${lonely.id}`);
  assert.equal(nothing.status, 404);
  assert.equal(nothing.json.error.code, 'invoice_upcoming_none');
});

test('creditNotes.listLineItems: pages the note lines in order', async () => {
  const cus = await t.stripe.customers.create({});
  for (const amount of [1000, 2000, 3000]) await t.stripe.invoiceItems.create({ customer: cus.id, amount, currency: 'usd' });
  const inv = await t.stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include', collection_method: 'send_invoice', days_until_due: 10 });
  const fin = await t.stripe.invoices.finalizeInvoice(inv.id);
  const lines = fin.lines.data.map((l) => ({ type: 'invoice_line_item', invoice_line_item: l.id, amount: 100 }));
  lines.push({ type: 'custom_line_item', description: 'Goodwill', unit_amount: 50, quantity: 2 });
  const cn = await t.stripe.creditNotes.create({ invoice: inv.id, lines });
  assert.equal(cn.amount, 400);
  const all = await t.stripe.creditNotes.listLineItems(cn.id, { limit: 100 });
  assert.equal(all.data.length, 4);
  assert.equal(all.url, `/v1/credit_notes/${cn.id}/lines`);
  assertSchema('GET', '/v1/credit_notes/{credit_note}/lines', all);
  const first = await t.stripe.creditNotes.listLineItems(cn.id, { limit: 3 });
  assert.deepEqual(first.data.map((l) => l.id), all.data.slice(0, 3).map((l) => l.id));
  assert.equal(first.has_more, true);
  const rest = await t.stripe.creditNotes.listLineItems(cn.id, { limit: 3, starting_after: first.data[2].id });
  assert.deepEqual(rest.data.map((l) => l.id), [all.data[3].id]);
  assert.equal(rest.has_more, false);
  assert.equal(rest.data[0].type, 'custom_line_item');
  // The SDK's auto-pagination walks every page.
  const walked = [];
  for await (const l of t.stripe.creditNotes.listLineItems(cn.id, { limit: 1 })) walked.push(l.id);
  assert.deepEqual(walked, all.data.map((l) => l.id));
  const bad = await rejects(() => t.stripe.creditNotes.listLineItems(cn.id, { limit: 0 }));
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.param, 'limit');
  const missing = await rejects(() => t.stripe.creditNotes.listLineItems('cn_nope'));
  assert.equal(missing.statusCode, 404);
});
