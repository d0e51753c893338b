// Subscriptions without a test clock live in the run's real time: once the
// run clock (<admin>/admin/clock) passes a boundary, the next look at the
// subscription crosses it as a test clock's advance would (renewal invoice,
// payment, events), everything dated at the boundary, not at the look.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, stopServer, assertSchema, recurringPrice } from './helpers.mjs';
import { admin } from '../../lib/fixture.mjs';

after(stopServer);

const DAY = 86400;

async function advance(run, seconds) {
  assert.equal((await admin(run, 'POST', '/admin/clock', { advance_seconds: seconds })).status, 200);
}

// A run with a customer paying with pm_card_visa (its default payment method): { run, s, cus, pm }.
async function payingRun() {
  const run = await newRun();
  const s = run.stripe;
  const cus = await s.customers.create({ email: 'realtime@example.com' });
  const pm = await s.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await s.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  return { run, s, cus, pm };
}

// payingRun with a subscription to a price of amount (monthly unless told): { run, s, cus, sub }.
async function subscribedRun(amount, params = {}, recurring = { interval: 'month' }) {
  const { run, s, cus } = await payingRun();
  const price = await recurringPrice(s, amount, recurring);
  const sub = await s.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], ...params });
  return { run, s, cus, sub };
}

async function eventsOf(s, id) {
  const all = await s.events.list({ limit: 100 });
  return all.data.filter((e) => e.data.object.id === id || e.data.object.subscription === id);
}

test('a monthly subscription renews once the run clock passes its period end', async () => {
  const { run, s, sub } = await subscribedRun(1500);
  assert.equal(sub.status, 'active');
  const end = sub.current_period_end;

  await advance(run, 31 * DAY);
  const renewed = await s.subscriptions.retrieve(sub.id);
  assertSchema('GET', '/v1/subscriptions/{subscription_exposed_id}', renewed);
  assert.equal(renewed.status, 'active');
  assert.equal(renewed.current_period_start, end);
  assert.ok(renewed.current_period_end > end + 27 * DAY && renewed.current_period_end <= end + 31 * DAY);
  assert.notEqual(renewed.latest_invoice, sub.latest_invoice);

  const inv = await s.invoices.retrieve(renewed.latest_invoice);
  assert.equal(inv.billing_reason, 'subscription_cycle');
  assert.equal(inv.status, 'paid');
  assert.equal(inv.amount_paid, 1500);
  assert.equal(inv.created, end);
  assert.equal(inv.period_end, end);
  assert.equal(inv.status_transitions.paid_at, end);

  const events = await eventsOf(s, inv.id);
  const paid = events.find((e) => e.type === 'invoice.paid');
  assert.ok(paid, 'invoice.paid');
  assert.equal(paid.created, end);
  const updated = (await eventsOf(s, sub.id)).find((e) => e.type === 'customer.subscription.updated');
  assert.ok(updated, 'customer.subscription.updated');
  assert.equal(updated.created, end);
  assert.equal(updated.data.previous_attributes.current_period_start, sub.current_period_start);

  // a second look crosses nothing more
  const again = await s.subscriptions.retrieve(sub.id);
  assert.equal(again.latest_invoice, renewed.latest_invoice);
  assert.equal((await s.invoices.list({ subscription: sub.id })).data.length, 2);
});

test('a daily plan renews once per day passed, each invoice dated at its day', async () => {
  const { run, s, cus, sub } = await subscribedRun(100, {}, { interval: 'day' });
  await advance(run, 5 * DAY + 60);
  // listing the customer's subscriptions is a look too
  const listed = await s.subscriptions.list({ customer: cus.id });
  assert.equal(listed.data[0].current_period_start, sub.current_period_start + 5 * DAY);
  const invoices = await s.invoices.list({ subscription: sub.id, limit: 100 });
  assert.equal(invoices.data.length, 6);
  const created = invoices.data.map((i) => i.created).sort((a, b) => a - b);
  assert.deepEqual(created, [0, 1, 2, 3, 4, 5].map((d) => sub.current_period_start + d * DAY));
  assert.ok(invoices.data.every((i) => i.status === 'paid'));
});

test('a trialing subscription turns active when the trial ends', async () => {
  const { run, s, sub } = await subscribedRun(900, { trial_period_days: 7 });
  assert.equal(sub.status, 'trialing');

  await advance(run, 2 * DAY);
  assert.equal((await s.subscriptions.retrieve(sub.id)).status, 'trialing');
  await advance(run, 6 * DAY);
  const active = await s.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
  assert.equal(active.status, 'active');
  assert.equal(active.current_period_start, sub.trial_end);
  assert.equal(active.latest_invoice.status, 'paid');
  assert.equal(active.latest_invoice.amount_paid, 900);
  assert.equal(active.latest_invoice.created, sub.trial_end);
  const events = await eventsOf(s, sub.id);
  const warnings = events.filter((e) => e.type === 'customer.subscription.trial_will_end');
  assert.equal(warnings.length, 1, 'one trial_will_end');
  const [warned] = warnings;
  // reading again warns no more
  await s.subscriptions.retrieve(sub.id);
  assert.equal((await eventsOf(s, sub.id)).filter((e) => e.type === 'customer.subscription.trial_will_end').length, 1);
  assert.equal(warned.created, sub.trial_end - 3 * DAY);
  const updated = events.find((e) => e.type === 'customer.subscription.updated');
  assert.equal(updated.data.previous_attributes.status, 'trialing');
  assert.equal(updated.created, sub.trial_end);
});

test('a renewal on a failing card makes the subscription past_due', async () => {
  const { run, s, cus, sub } = await subscribedRun(2000);
  assert.equal(sub.status, 'active');
  const bad = await s.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: cus.id });
  await s.customers.update(cus.id, { invoice_settings: { default_payment_method: bad.id } });

  await advance(run, 31 * DAY);
  // updating is a look too: the renewal happens first, then the change
  const due = await s.subscriptions.update(sub.id, { metadata: { seen: 'yes' } });
  assert.equal(due.status, 'past_due');
  assert.equal(due.metadata.seen, 'yes');
  assert.equal(due.current_period_start, sub.current_period_end);
  const inv = await s.invoices.retrieve(due.latest_invoice);
  assert.equal(inv.status, 'open');
  assert.equal(inv.created, sub.current_period_end);
  const failed = (await eventsOf(s, inv.id)).find((e) => e.type === 'invoice.payment_failed');
  assert.ok(failed, 'invoice.payment_failed');
  assert.equal(failed.created, sub.current_period_end);
});

test('cancel_at_period_end ends the subscription at the period end', async () => {
  const { run, s, cus, sub } = await subscribedRun(1200);
  await s.subscriptions.update(sub.id, { cancel_at_period_end: true });

  await advance(run, 31 * DAY);
  const listed = await s.subscriptions.list({ customer: cus.id, status: 'all' });
  assert.equal(listed.data.length, 1);
  const ended = listed.data[0];
  assert.equal(ended.status, 'canceled');
  assert.equal(ended.ended_at, sub.current_period_end);
  // canceled, not renewed: no invoice beyond the first
  assert.equal(ended.latest_invoice, sub.latest_invoice);
  assert.equal((await s.subscriptions.list({ customer: cus.id })).data.length, 0);
  const deleted = (await eventsOf(s, sub.id)).find((e) => e.type === 'customer.subscription.deleted');
  assert.ok(deleted, 'customer.subscription.deleted');
  assert.equal(deleted.created, sub.current_period_end);
});

test('cancelling after the run clock passed a boundary renews first, then cancels now', async () => {
  const { run, s, sub } = await subscribedRun(700);
  await advance(run, 31 * DAY);
  const canceled = await s.subscriptions.cancel(sub.id);
  assert.equal(canceled.status, 'canceled');
  assert.equal(canceled.current_period_start, sub.current_period_end);
  assert.ok(canceled.canceled_at > sub.current_period_end);
  assert.equal((await s.invoices.list({ subscription: sub.id })).data.length, 2);
});

test("reading the customer's invoices or its next invoice brings the renewals too", async () => {
  const { run, s, cus, sub } = await subscribedRun(1100);
  const end = sub.current_period_end;
  await advance(run, 31 * DAY);

  // a preview shows the invoice after the renewal, and keeps nothing
  const preview = await s.invoices.createPreview({ customer: cus.id });
  assert.equal(preview.subscription, sub.id);
  assert.equal(preview.period_start, end);
  assert.equal(preview.lines.data[0].period.start, preview.period_end);
  assert.equal(preview.total, 1100);

  const invoices = await s.invoices.list({ customer: cus.id });
  assert.equal(invoices.data.length, 2);
  const [renewal] = invoices.data;
  assert.equal(renewal.billing_reason, 'subscription_cycle');
  assert.equal(renewal.status, 'paid');
  assert.equal(renewal.created, end);
  const charge = await s.charges.retrieve(renewal.charge);
  assert.equal(charge.created, end);
  assert.equal(charge.amount, 1100);
});

test("a schedule's phases and its subscription's renewals are crossed in time order", async () => {
  const { run, s, cus } = await payingRun();
  const basic = await recurringPrice(s, 1000), pro = await recurringPrice(s, 4000);
  const schedule = await s.subscriptionSchedules.create({
    customer: cus.id, start_date: 'now', end_behavior: 'release',
    phases: [{ items: [{ price: basic.id }], iterations: 1 }, { items: [{ price: pro.id }], iterations: 1 }],
  });
  const first = await s.subscriptions.retrieve(schedule.subscription);
  const boundary = schedule.phases[1].start_date;
  assert.equal(boundary, first.current_period_end);

  // past the second phase's start, not yet its end; the schedule is looked at first
  await advance(run, 40 * DAY);
  const now = await s.subscriptionSchedules.retrieve(schedule.id);
  assert.deepEqual(now.current_phase, { start_date: boundary, end_date: schedule.phases[1].end_date });
  const sub = await s.subscriptions.retrieve(schedule.subscription);
  assert.equal(sub.status, 'active');
  assert.deepEqual(sub.items.data.map((i) => i.price.id), [pro.id]);
  assert.equal(sub.current_period_start, boundary);
  const renewal = await s.invoices.retrieve(sub.latest_invoice);
  assert.equal(renewal.created, boundary);
  assert.equal(renewal.billing_reason, 'subscription_cycle');
  assert.deepEqual(renewal.lines.data.map((l) => l.price.id), [pro.id], 'the renewal bills the phase starting with it');
  assert.equal(renewal.amount_paid, 4000);
  assert.equal((await s.invoices.list({ subscription: sub.id })).data.length, 2);
});
