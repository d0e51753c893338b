// Stripe twin: subscription schedules.  Phases of prices and quantities,
// iterations and end dates, a future start_date, end_behavior release /
// cancel; the schedule drives its subscription when the test clock passes a
// phase boundary (items change, the renewal invoice bills the new phase),
// update / cancel / release / list, from_subscription, and the
// subscription_schedule.* events.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  newRun, rejects, stopServer, assertSchema,
  recurringPrice, clockedCustomer as helperClockedCustomer,
} from './helpers.mjs';

let t;
before(async () => { t = await newRun(); });
after(stopServer);

const DAY = 86400;
const JAN_2025 = Date.UTC(2025, 0, 1) / 1000;
const FEB_2025 = Date.UTC(2025, 1, 1) / 1000;
const MAR_2025 = Date.UTC(2025, 2, 1) / 1000;
const APR_2025 = Date.UTC(2025, 3, 1) / 1000;

const price = (amount, recurring) => recurringPrice(t.stripe, amount, recurring);
// A customer on a test clock frozen at JAN_2025, paying with a good card.
const clockedCustomer = () => helperClockedCustomer(t.stripe, 'sched@example.com', JAN_2025);

async function eventsFor(id) {
  const all = await t.stripe.events.list({ limit: 100 });
  return all.data.filter((e) => e.data.object.id === id).map((e) => e.type).reverse();
}

const check = (s) => assertSchema('GET', '/v1/subscription_schedules/{schedule}', s);

test('a schedule starting now: two phases, the clock moves the subscription to phase two and then releases it', async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(1000), pro = await price(3000);
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id,
    start_date: 'now',
    end_behavior: 'release',
    phases: [
      { items: [{ price: basic.id, quantity: 2 }], iterations: 2 },
      { items: [{ price: pro.id }], iterations: 1, metadata: { tier: 'pro' } },
    ],
  });
  assert.match(s.id, /^sub_sched_/);
  assert.equal(s.object, 'subscription_schedule');
  assert.equal(s.status, 'active');
  assert.equal(s.end_behavior, 'release');
  assert.equal(s.test_clock, clock.id);
  assert.deepEqual(s.phases.map((p) => [p.start_date, p.end_date]), [[JAN_2025, MAR_2025], [MAR_2025, APR_2025]]);
  assert.deepEqual(s.current_phase, { start_date: JAN_2025, end_date: MAR_2025 });
  assert.deepEqual(s.phases[0].items.map((i) => [i.price, i.quantity]), [[basic.id, 2]]);
  assert.equal(s.phases[1].metadata.tier, 'pro');
  assertSchema('POST', '/v1/subscription_schedules', s);
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.equal(sub.schedule, s.id);
  assert.equal(sub.status, 'active');
  assert.equal((await t.stripe.invoices.retrieve(sub.latest_invoice)).total, 2000);

  // One month in: still phase one, the renewal bills the basic plan.
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_2025 + 3600 });
  let now = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal((await t.stripe.invoices.retrieve(now.latest_invoice)).total, 2000);
  // The phase boundary: pro replaces basic, and the March renewal bills pro.
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: MAR_2025 + 3600 });
  now = await t.stripe.subscriptions.retrieve(sub.id);
  assert.deepEqual(now.items.data.map((i) => [i.price.id, i.quantity]), [[pro.id, 1]]);
  const march = await t.stripe.invoices.retrieve(now.latest_invoice);
  assert.equal(march.billing_reason, 'subscription_cycle');
  assert.equal(march.total, 3000);
  assert.equal(march.period_end, MAR_2025);
  let got = await t.stripe.subscriptionSchedules.retrieve(s.id);
  check(got);
  assert.deepEqual(got.current_phase, { start_date: MAR_2025, end_date: APR_2025 });
  // After the last phase the subscription is released and carries on.
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APR_2025 + 3600 });
  got = await t.stripe.subscriptionSchedules.retrieve(s.id);
  assert.equal(got.status, 'released');
  assert.equal(got.released_subscription, sub.id);
  assert.equal(got.subscription, null);
  assert.equal(got.current_phase, null);
  assert.equal(got.released_at, APR_2025);
  check(got);
  now = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(now.status, 'active');
  assert.equal(now.schedule, null);
  assert.equal((await t.stripe.invoices.retrieve(now.latest_invoice)).total, 3000);
  const types = await eventsFor(s.id);
  assert.equal(types[0], 'subscription_schedule.created');
  assert.ok(types.includes('subscription_schedule.updated'));
  assert.equal(types.at(-1), 'subscription_schedule.released');
});

test('a future start_date: not_started with no subscription until the clock reaches it; end_behavior cancel ends both', async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(1500);
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id,
    start_date: FEB_2025,
    end_behavior: 'cancel',
    phases: [{ items: [{ price: basic.id }], end_date: MAR_2025 }],
  });
  assert.equal(s.status, 'not_started');
  assert.equal(s.subscription, null);
  assert.equal(s.current_phase, null);
  assert.deepEqual([s.phases[0].start_date, s.phases[0].end_date], [FEB_2025, MAR_2025]);
  check(s);
  assert.equal((await t.stripe.subscriptions.list({ customer: cus.id })).data.length, 0);
  const scheduled = await t.stripe.subscriptionSchedules.list({ customer: cus.id, scheduled: true });
  assert.deepEqual(scheduled.data.map((x) => x.id), [s.id]);

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_2025 + 60 });
  let got = await t.stripe.subscriptionSchedules.retrieve(s.id);
  assert.equal(got.status, 'active');
  const sub = await t.stripe.subscriptions.retrieve(got.subscription);
  assert.equal(sub.start_date, FEB_2025);
  assert.equal(sub.current_period_start, FEB_2025);
  assert.equal(sub.cancel_at, MAR_2025);
  assert.equal(sub.schedule, s.id);
  const first = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(first.total, 1500);
  assert.equal(first.status, 'paid');

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: MAR_2025 + 60 });
  got = await t.stripe.subscriptionSchedules.retrieve(s.id);
  assert.equal(got.status, 'completed');
  assert.equal(got.completed_at, MAR_2025);
  check(got);
  const ended = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(ended.status, 'canceled');
  assert.equal(ended.ended_at, MAR_2025);
  assert.equal(ended.latest_invoice, first.id, 'no renewal invoice after the schedule ends');
  assert.equal((await eventsFor(s.id)).at(-1), 'subscription_schedule.completed');
});

test('update replaces the phases: the running phase changes the subscription at once; cancel and release', async () => {
  const { cus } = await clockedCustomer();
  const basic = await price(1000), pro = await price(2000);
  const s = await t.stripe.subscriptionSchedules.create({ customer: cus.id, start_date: 'now', phases: [{ items: [{ price: basic.id }], iterations: 3 }] });
  const upd = await t.stripe.subscriptionSchedules.update(s.id, {
    phases: [
      { items: [{ price: basic.id, quantity: 3 }], start_date: s.phases[0].start_date, iterations: 1 },
      { items: [{ price: pro.id }], iterations: 2 },
    ],
    proration_behavior: 'none',
    metadata: { plan: 'upgraded' },
  });
  assert.equal(upd.phases.length, 2);
  assert.equal(upd.metadata.plan, 'upgraded');
  assert.deepEqual(upd.current_phase, { start_date: JAN_2025, end_date: FEB_2025 });
  assertSchema('POST', '/v1/subscription_schedules/{schedule}', upd);
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.deepEqual(sub.items.data.map((i) => [i.price.id, i.quantity]), [[basic.id, 3]]);
  assert.equal((await t.stripe.invoiceItems.list({ customer: cus.id, pending: true })).data.length, 0, 'proration_behavior none');
  const moved = await rejects(() => t.stripe.subscriptionSchedules.update(s.id, { phases: [{ items: [{ price: pro.id }], start_date: JAN_2025 + DAY }] }));
  assert.equal(moved.statusCode, 400);

  const released = await t.stripe.subscriptionSchedules.release(s.id);
  assert.equal(released.status, 'released');
  assert.equal(released.released_subscription, sub.id);
  assertSchema('POST', '/v1/subscription_schedules/{schedule}/release', released);
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).schedule, null);
  const again = await rejects(() => t.stripe.subscriptionSchedules.release(s.id));
  assert.equal(again.statusCode, 400);
  assert.match(again.message, /released/);
  const noUpdate = await rejects(() => t.stripe.subscriptionSchedules.update(s.id, { metadata: { a: 'b' } }));
  assert.equal(noUpdate.statusCode, 400);

  const s2 = await t.stripe.subscriptionSchedules.create({ customer: cus.id, start_date: 'now', phases: [{ items: [{ price: pro.id }] }] });
  const canceled = await t.stripe.subscriptionSchedules.cancel(s2.id);
  assert.equal(canceled.status, 'canceled');
  assert.equal(canceled.canceled_at, JAN_2025);
  assertSchema('POST', '/v1/subscription_schedules/{schedule}/cancel', canceled);
  assert.equal((await t.stripe.subscriptions.retrieve(s2.subscription)).status, 'canceled');
  assert.ok((await eventsFor(s2.id)).includes('subscription_schedule.canceled'));
  const twice = await rejects(() => t.stripe.subscriptionSchedules.cancel(s2.id));
  assert.equal(twice.statusCode, 400);
});

test('from_subscription: the current period becomes the one phase; list pages by customer', async () => {
  const { cus } = await clockedCustomer();
  const basic = await price(1200);
  const gst = await t.stripe.taxRates.create({ display_name: 'GST', percentage: 5, inclusive: false });
  const vat = await t.stripe.taxRates.create({ display_name: 'VAT', percentage: 10, inclusive: false });
  const sub = await t.stripe.subscriptions.create({ customer: cus.id, items: [{ price: basic.id, quantity: 2, tax_rates: [gst.id] }],
    default_tax_rates: [vat.id] });
  const s = await t.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
  // the phase keeps what the subscription taxes with
  assert.deepEqual(s.phases[0].items[0].tax_rates.map((r) => r.id), [gst.id]);
  assert.deepEqual(s.phases[0].default_tax_rates.map((r) => r.id), [vat.id]);
  assert.equal(s.status, 'active');
  assert.equal(s.subscription, sub.id);
  assert.equal(s.customer, cus.id);
  assert.deepEqual([s.phases[0].start_date, s.phases[0].end_date], [sub.current_period_start, sub.current_period_end]);
  assert.deepEqual(s.phases[0].items.map((i) => [i.price, i.quantity]), [[basic.id, 2]]);
  check(s);
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).schedule, s.id);
  const dup = await rejects(() => t.stripe.subscriptionSchedules.create({ from_subscription: sub.id }));
  assert.equal(dup.statusCode, 400);
  assert.equal(dup.param, 'from_subscription');
  const both = await rejects(() => t.stripe.subscriptionSchedules.create({ from_subscription: sub.id, customer: cus.id }));
  assert.equal(both.statusCode, 400);

  for (let i = 0; i < 2; i++) await t.stripe.subscriptionSchedules.create({ customer: cus.id, start_date: FEB_2025 + i * DAY, phases: [{ items: [{ price: basic.id }] }] });
  const page1 = await t.stripe.subscriptionSchedules.list({ customer: cus.id, limit: 2 });
  assert.equal(page1.data.length, 2);
  assert.equal(page1.has_more, true);
  assertSchema('GET', '/v1/subscription_schedules', page1);
  const page2 = await t.stripe.subscriptionSchedules.list({ customer: cus.id, limit: 2, starting_after: page1.data[1].id });
  assert.deepEqual(page2.data.map((x) => x.id), [s.id]);
  const other = await t.stripe.customers.create({});
  assert.equal((await t.stripe.subscriptionSchedules.list({ customer: other.id })).data.length, 0);
});

test('bad input: missing customer / phases / items, unknown price, end_date with iterations, unknown schedule', async () => {
  const cus = await t.stripe.customers.create({});
  const basic = await price(500);
  const cases = [
    [{ phases: [{ items: [{ price: basic.id }] }] }, 'customer'],
    [{ customer: cus.id }, 'phases'],
    [{ customer: cus.id, phases: [{ iterations: 1 }] }, 'phases[0][items]'],
    [{ customer: cus.id, phases: [{ items: [{ price: 'price_nope' }] }] }, 'phases[0][items][0][price]'],
    [{ customer: cus.id, phases: [{ items: [{ price: basic.id }], iterations: 2, end_date: FEB_2025 }] }, 'phases[0][iterations]'],
    [{ customer: cus.id, end_behavior: 'explode', phases: [{ items: [{ price: basic.id }] }] }, 'end_behavior'],
    [{ customer: 'cus_nope', phases: [{ items: [{ price: basic.id }] }] }, 'customer'],
  ];
  for (const [params, param] of cases) {
    const err = await rejects(() => t.stripe.subscriptionSchedules.create(params));
    assert.ok([400, 404].includes(err.statusCode), `${param}: ${err.statusCode}`);
    assert.equal(err.param, param, JSON.stringify(params));
  }
  assert.equal((await t.stripe.subscriptionSchedules.list({ customer: cus.id })).data.length, 0, 'nothing was created');
  const missing = await rejects(() => t.stripe.subscriptionSchedules.retrieve('sub_sched_nope'));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.code, 'resource_missing');
});

test('canceling the subscription cancels its schedule; expand[] reaches the subscription', async () => {
  const { cus } = await clockedCustomer();
  const basic = await price(900);
  const s = await t.stripe.subscriptionSchedules.create({ customer: cus.id, start_date: 'now', phases: [{ items: [{ price: basic.id }], iterations: 2 }] });
  const expanded = await t.stripe.subscriptionSchedules.retrieve(s.id, { expand: ['subscription', 'customer'] });
  assert.equal(expanded.subscription.id, s.subscription);
  assert.equal(expanded.subscription.object, 'subscription');
  assert.equal(expanded.customer.id, cus.id);
  await t.stripe.subscriptions.cancel(s.subscription);
  const got = await t.stripe.subscriptionSchedules.retrieve(s.id);
  assert.equal(got.status, 'canceled');
  assert.equal(got.canceled_at, JAN_2025);
  assert.equal(got.current_phase, null);
  check(got);
  assert.ok((await eventsFor(s.id)).includes('subscription_schedule.canceled'));
});

test('a mid-period update with always_invoice bills the prorations at once', async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(3000), pro = await price(6000);
  const s = await t.stripe.subscriptionSchedules.create({ customer: cus.id, start_date: 'now', phases: [{ items: [{ price: basic.id }], iterations: 3 }] });
  // Half way through January (31 days): 15.5 days left.
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_2025 + 15.5 * DAY });
  await t.stripe.subscriptionSchedules.update(s.id, {
    phases: [{ items: [{ price: pro.id }], start_date: JAN_2025, iterations: 3 }],
    proration_behavior: 'always_invoice',
  });
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.deepEqual(sub.items.data.map((i) => i.price.id), [pro.id]);
  const inv = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(inv.billing_reason, 'subscription_update');
  assert.equal(inv.total, 1500, 'half a month of the 3000 difference');
  assert.equal(inv.status, 'paid');
});

test('a subscription expands its schedule', async () => {
  const { cus } = await clockedCustomer();
  const basic = await price(700);
  const s = await t.stripe.subscriptionSchedules.create({ customer: cus.id, start_date: 'now', phases: [{ items: [{ price: basic.id }] }] });
  const sub = await t.stripe.subscriptions.retrieve(s.subscription, { expand: ['schedule'] });
  assert.equal(sub.schedule.id, s.id);
  assert.equal(sub.schedule.object, 'subscription_schedule');
});

test('createPreview of a scheduled subscription shows the next phase, or nothing when the schedule ends it', async () => {
  const { cus } = await clockedCustomer();
  const basic = await price(1000), pro = await price(4000);
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: 'now',
    phases: [{ items: [{ price: basic.id }], iterations: 1 }, { items: [{ price: pro.id, quantity: 2 }], iterations: 1 }],
  });
  const preview = await t.stripe.invoices.createPreview({ subscription: s.subscription });
  assert.equal(preview.total, 8000);
  assert.deepEqual(preview.lines.data.map((l) => [l.price.id, l.quantity]), [[pro.id, 2]]);
  // The preview changed nothing.
  const still = await t.stripe.subscriptionSchedules.retrieve(s.id);
  assert.deepEqual(still.current_phase, { start_date: JAN_2025, end_date: FEB_2025 });
  assert.deepEqual((await t.stripe.subscriptions.retrieve(s.subscription)).items.data.map((i) => i.price.id), [basic.id]);

  const ending = await t.stripe.subscriptionSchedules.create({ customer: cus.id, start_date: 'now', end_behavior: 'cancel', phases: [{ items: [{ price: basic.id }] }] });
  const none = await rejects(() => t.stripe.invoices.createPreview({ subscription: ending.subscription }));
  assert.equal(none.statusCode, 404);
  assert.equal(none.code, 'invoice_upcoming_none');
});

test('a phase coupon discounts its phase; switching end_behavior to cancel sets cancel_at', async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(2000);
  const half = await t.stripe.coupons.create({ percent_off: 50, duration: 'forever' });
  const bad = await rejects(() => t.stripe.subscriptionSchedules.create({ customer: cus.id, phases: [{ items: [{ price: basic.id }], coupon: 'NOPE' }] }));
  assert.equal(bad.statusCode, 404);
  assert.equal(bad.param, 'phases[0][coupon]');
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: 'now',
    phases: [{ items: [{ price: basic.id }], iterations: 1, coupon: half.id }, { items: [{ price: basic.id }], iterations: 1 }],
  });
  assert.equal(s.phases[0].coupon, half.id);
  check(s);
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.equal(sub.discount.coupon.id, half.id);
  assert.equal((await t.stripe.invoices.retrieve(sub.latest_invoice)).total, 1000);
  assert.equal(sub.cancel_at, null);
  await t.stripe.subscriptionSchedules.update(s.id, { end_behavior: 'cancel' });
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).cancel_at, MAR_2025);
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: MAR_2025 + 60 });
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).status, 'canceled');
  assert.equal((await t.stripe.subscriptionSchedules.retrieve(s.id)).status, 'completed');
});

// A one-time price (for add_invoice_items) on a product of its own.
async function oneTimePrice(amount, name) {
  const product = await t.stripe.products.create({ name });
  return t.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount });
}

test('a trial phase: trialing until the phase ends, its add_invoice_items on the trial invoice; the next phase bills with its tax rates and items', async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(1000);
  const setup = await oneTimePrice(500, 'Setup fee');
  const onboarding = await oneTimePrice(300, 'Onboarding');
  const vat = await t.stripe.taxRates.create({ display_name: 'VAT', percentage: 10, inclusive: false });
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: 'now',
    phases: [
      { items: [{ price: basic.id }], iterations: 1, trial: true, add_invoice_items: [{ price: setup.id }] },
      { items: [{ price: basic.id }], iterations: 2, default_tax_rates: [vat.id],
        add_invoice_items: [{ price: onboarding.id, quantity: 2 }] },
    ],
  });
  check(s);
  assert.equal(s.phases[0].trial_end, FEB_2025, 'trial: true runs to the end of the phase');
  assert.equal(s.phases[1].trial_end, null);
  assert.deepEqual(s.phases[0].add_invoice_items.map((i) => [i.price, i.quantity]), [[setup.id, 1]]);
  assert.deepEqual(s.phases[1].default_tax_rates.map((r) => r.id), [vat.id]);
  assert.deepEqual(s.phases[0].default_tax_rates, []);

  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.equal(sub.status, 'trialing');
  assert.equal(sub.trial_start, JAN_2025);
  assert.equal(sub.trial_end, FEB_2025);
  assert.equal(sub.current_period_end, FEB_2025);
  assert.deepEqual(sub.default_tax_rates, []);
  const first = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(first.billing_reason, 'subscription_create');
  assert.deepEqual(first.lines.data.map((l) => [l.price.id, l.amount]), [[basic.id, 0], [setup.id, 500]],
    'the trial line is free; the setup fee is charged');
  assert.equal(first.total, 500);
  assert.equal(first.tax, null);
  assert.equal(first.status, 'paid');
  assertSchema('GET', '/v1/invoices/{invoice}', first);

  // The trial ends with the phase: the second phase's tax rates and items are on the first paid renewal.
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_2025 + 3600 });
  const now = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(now.status, 'active');
  assert.deepEqual(now.default_tax_rates.map((r) => r.id), [vat.id]);
  assert.equal(now.current_period_end, MAR_2025);
  const feb = await t.stripe.invoices.retrieve(now.latest_invoice);
  assert.equal(feb.billing_reason, 'subscription_cycle');
  assert.deepEqual(feb.lines.data.map((l) => [l.price.id, l.amount]).sort(), [[basic.id, 1000], [onboarding.id, 600]].sort());
  assert.equal(feb.subtotal, 1600);
  assert.equal(feb.tax, 160);
  assert.equal(feb.total, 1760);
  assert.deepEqual(feb.default_tax_rates.map((r) => r.id), [vat.id]);
  assert.equal(feb.status, 'paid');
  assertSchema('GET', '/v1/invoices/{invoice}', feb);
  // The items were added once: the March renewal bills the plan alone (with tax).
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: MAR_2025 + 3600 });
  const mar = await t.stripe.invoices.retrieve((await t.stripe.subscriptions.retrieve(sub.id)).latest_invoice);
  assert.equal(mar.total, 1100);
});

test('a later phase with trial_end: the subscription trials inside the phase, with a $0 invoice, then bills from trial_end', async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(1000), pro = await price(3000);
  const trialEnd = FEB_2025 + 10 * DAY;
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: 'now',
    phases: [
      { items: [{ price: basic.id }], iterations: 1 },
      { items: [{ price: pro.id }], end_date: APR_2025, trial_end: trialEnd },
    ],
  });
  assert.equal(s.phases[1].trial_end, trialEnd);
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.equal(sub.status, 'active');
  assert.equal(sub.trial_end, null);

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_2025 + 3600 });
  let now = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(now.status, 'trialing');
  assert.deepEqual(now.items.data.map((i) => i.price.id), [pro.id]);
  assert.equal(now.trial_start, FEB_2025);
  assert.equal(now.trial_end, trialEnd);
  assert.equal(now.current_period_end, trialEnd);
  const trialInvoice = await t.stripe.invoices.retrieve(now.latest_invoice);
  assert.equal(trialInvoice.total, 0);
  assert.equal(trialInvoice.status, 'paid');
  assert.deepEqual(trialInvoice.lines.data.map((l) => [l.price.id, l.amount]), [[pro.id, 0]]);
  const invoices = await t.stripe.invoices.list({ subscription: sub.id });
  assert.equal(invoices.data.length, 2, 'no January renewal at the boundary: the trial starts instead');

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: trialEnd + 3600 });
  now = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(now.status, 'active');
  assert.equal(now.current_period_start, trialEnd);
  const billed = await t.stripe.invoices.retrieve(now.latest_invoice);
  assert.equal(billed.billing_reason, 'subscription_cycle');
  assert.equal(billed.total, 3000);
  assert.equal(billed.status, 'paid');
});

test('collection_method send_invoice: invoices stay open with a due date until a phase charges automatically', async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(2500);
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: 'now',
    default_settings: { collection_method: 'send_invoice', invoice_settings: { days_until_due: 14 } },
    phases: [
      { items: [{ price: basic.id }], iterations: 1 },
      { items: [{ price: basic.id }], iterations: 1, collection_method: 'charge_automatically' },
      { items: [{ price: basic.id }], iterations: 1, collection_method: 'send_invoice', invoice_settings: { days_until_due: 3 } },
    ],
  });
  check(s);
  assert.equal(s.default_settings.collection_method, 'send_invoice');
  assert.equal(s.default_settings.invoice_settings.days_until_due, 14);
  assert.equal(s.phases[0].collection_method, null);
  assert.equal(s.phases[2].invoice_settings.days_until_due, 3);
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.equal(sub.collection_method, 'send_invoice');
  assert.equal(sub.days_until_due, 14);
  assert.equal(sub.status, 'active', 'send_invoice subscriptions are active at once');
  const first = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(first.collection_method, 'send_invoice');
  assert.equal(first.status, 'open');
  assert.equal(first.due_date, JAN_2025 + 14 * DAY);
  assert.equal(first.amount_remaining, 2500);

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_2025 + 3600 });
  let now = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(now.collection_method, 'charge_automatically');
  assert.equal(now.days_until_due, null);
  const feb = await t.stripe.invoices.retrieve(now.latest_invoice);
  assert.equal(feb.collection_method, 'charge_automatically');
  assert.equal(feb.status, 'paid');
  assert.equal(feb.due_date, null);

  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: MAR_2025 + 3600 });
  now = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(now.collection_method, 'send_invoice');
  assert.equal(now.days_until_due, 3);
  const mar = await t.stripe.invoices.retrieve(now.latest_invoice);
  assert.equal(mar.status, 'open');
  assert.equal(mar.due_date, MAR_2025 + 3 * DAY);
});

test('a start_date in the past backdates the subscription: the first invoice bills the elapsed time too', async () => {
  const { cus } = await clockedCustomer();
  const basic = await price(3100);
  const start = JAN_2025 - 10 * DAY;   // 22 Dec 2024; the imagined period to 22 Jan has 31 days
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: start, phases: [{ items: [{ price: basic.id }], iterations: 2 }],
  });
  check(s);
  assert.equal(s.status, 'active');
  assert.equal(s.phases[0].start_date, start);
  assert.equal(s.current_phase.start_date, start);
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.equal(sub.start_date, start);
  assert.equal(sub.current_period_start, JAN_2025);
  const inv = await t.stripe.invoices.retrieve(sub.latest_invoice);
  const backdated = inv.lines.data.find((l) => l.proration);
  assert.ok(backdated, 'a line for the backdated time');
  assert.equal(backdated.amount, 1000, '10 of 31 days');
  assert.deepEqual([backdated.period.start, backdated.period.end], [start, JAN_2025]);
  assert.equal(inv.total, 4100);
  assert.equal(inv.status, 'paid');
  assertSchema('GET', '/v1/invoices/{invoice}', inv);
});

test('bad phase settings: recurring add_invoice_items price, trial with trial_end, trial past the phase, unknown tax rate, bad collection_method', async () => {
  const { cus } = await clockedCustomer();
  const basic = await price(500);
  const fee = await oneTimePrice(100, 'Fee');
  const cases = [
    [{ items: [{ price: basic.id }], add_invoice_items: [{ price: basic.id }] }, 'phases[0][add_invoice_items][0][price]', 400],
    [{ items: [{ price: basic.id }], add_invoice_items: [{ price: 'price_nope' }] }, 'phases[0][add_invoice_items][0][price]', 404],
    [{ items: [{ price: basic.id }], add_invoice_items: [{ price: fee.id, quantity: -1 }] }, 'phases[0][add_invoice_items][0][quantity]', 400],
    [{ items: [{ price: basic.id }], trial: true, trial_end: FEB_2025 }, 'phases[0][trial_end]', 400],
    [{ items: [{ price: basic.id }], end_date: FEB_2025, trial_end: MAR_2025 }, 'phases[0][trial_end]', 400],
    [{ items: [{ price: basic.id }], default_tax_rates: ['txr_nope'] }, 'phases[0][default_tax_rates][0]', 404],
    [{ items: [{ price: basic.id }], collection_method: 'cash' }, 'phases[0][collection_method]', 400],
    [{ items: [{ price: basic.id }], collection_method: 'send_invoice', invoice_settings: { days_until_due: -1 } },
      'phases[0][invoice_settings][days_until_due]', 400],
  ];
  for (const [phase, param, status] of cases) {
    const err = await rejects(() => t.stripe.subscriptionSchedules.create({ customer: cus.id, start_date: JAN_2025, phases: [phase] }));
    assert.equal(err.statusCode, status, param);
    assert.equal(err.param, param, JSON.stringify(phase));
  }
  const ended = await rejects(() => t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: JAN_2025 - 40 * DAY, phases: [{ items: [{ price: basic.id }], iterations: 1 }] }));
  assert.equal(ended.statusCode, 400);
  assert.equal(ended.param, 'start_date');
  const settings = await rejects(() => t.stripe.subscriptionSchedules.create({
    customer: cus.id, default_settings: { collection_method: 'cash' }, phases: [{ items: [{ price: basic.id }] }] }));
  assert.equal(settings.param, 'default_settings[collection_method]');
  const days = await rejects(() => t.stripe.subscriptionSchedules.create({
    customer: cus.id, default_settings: { invoice_settings: { days_until_due: 'soon' } }, phases: [{ items: [{ price: basic.id }] }] }));
  assert.equal(days.param, 'default_settings[invoice_settings][days_until_due]');
  assert.equal((await t.stripe.subscriptionSchedules.list({ customer: cus.id })).data.length, 0, 'nothing was created');
  assert.equal((await t.stripe.invoiceItems.list({ customer: cus.id })).data.length, 0);
});

test('without a test clock a due phase boundary is crossed when the subscription is next read', async () => {
  const cus = await t.stripe.customers.create({ email: 'realtime@example.com' });
  const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await t.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  const basic = await price(1000), pro = await price(2000);
  const boundary = Math.floor(Date.now() / 1000) + 2;
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: 'now',
    phases: [{ items: [{ price: basic.id }], end_date: boundary }, { items: [{ price: pro.id }], iterations: 1 }],
  });
  assert.deepEqual((await t.stripe.subscriptions.retrieve(s.subscription)).items.data.map((i) => i.price.id), [basic.id]);
  await new Promise((resolve) => setTimeout(resolve, (boundary + 1) * 1000 - Date.now()));
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.deepEqual(sub.items.data.map((i) => i.price.id), [pro.id], 'the subscription is read after the boundary');
  const got = await t.stripe.subscriptionSchedules.retrieve(s.id);
  assert.equal(got.current_phase.start_date, boundary);
});

test("each phase's proration_behavior applies when it starts mid-period: always_invoice bills at once, none bills nothing", async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(3000), pro = await price(6000), max = await price(9000);
  const mid = JAN_2025 + 15.5 * DAY;   // half of January's 31 days left
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: 'now',
    phases: [
      { items: [{ price: basic.id }], end_date: mid },
      { items: [{ price: pro.id }], end_date: mid + DAY, proration_behavior: 'always_invoice' },
      { items: [{ price: max.id }], iterations: 1, proration_behavior: 'none' },
    ],
  });
  assert.deepEqual(s.phases.map((p) => p.proration_behavior), ['create_prorations', 'always_invoice', 'none']);
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: mid + 60 });
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.deepEqual(sub.items.data.map((i) => i.price.id), [pro.id]);
  const upd = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(upd.billing_reason, 'subscription_update');
  assert.equal(upd.total, 1500, 'half a month of the 3000 difference, billed at the boundary');
  assert.equal(upd.status, 'paid');
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: mid + DAY + 60 });
  const later = await t.stripe.subscriptions.retrieve(sub.id);
  assert.deepEqual(later.items.data.map((i) => i.price.id), [max.id]);
  assert.equal(later.latest_invoice, upd.id, 'proration_behavior none: no invoice');
  assert.equal((await t.stripe.invoiceItems.list({ customer: cus.id, pending: true })).data.length, 0);
});

test("a phase item's tax_rates tax its lines while the phase runs", async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(2000);
  const gst = await t.stripe.taxRates.create({ display_name: 'GST', percentage: 5, inclusive: false });
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: 'now',
    phases: [
      { items: [{ price: basic.id, tax_rates: [gst.id] }], iterations: 1 },
      { items: [{ price: basic.id }], iterations: 1 },
    ],
  });
  check(s);
  assert.deepEqual(s.phases[0].items[0].tax_rates.map((r) => r.id), [gst.id]);
  assert.deepEqual(s.phases[1].items[0].tax_rates, []);
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.deepEqual(sub.items.data[0].tax_rates.map((r) => r.id), [gst.id]);
  const first = await t.stripe.invoices.retrieve(sub.latest_invoice);
  assert.equal(first.tax, 100);
  assert.equal(first.total, 2100);
  assert.deepEqual(first.lines.data[0].tax_rates.map((r) => r.id), [gst.id]);
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_2025 + 3600 });
  const now = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(now.items.data[0].id, sub.items.data[0].id, 'the same price keeps its item');
  assert.deepEqual(now.items.data[0].tax_rates, []);
  const feb = await t.stripe.invoices.retrieve(now.latest_invoice);
  assert.equal(feb.total, 2000);
  const bad = await rejects(() => t.stripe.subscriptionSchedules.create({
    customer: cus.id, phases: [{ items: [{ price: basic.id, tax_rates: ['txr_nope'] }] }] }));
  assert.equal(bad.statusCode, 404);
  assert.equal(bad.param, 'phases[0][items][0][tax_rates][0]');
});

test("updating the running phase's trial_end moves the trial under way, or starts one", async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(1000);
  const s = await t.stripe.subscriptionSchedules.create({
    customer: cus.id, start_date: 'now', phases: [{ items: [{ price: basic.id }], iterations: 3, trial_end: JAN_2025 + 7 * DAY }],
  });
  const extended = await t.stripe.subscriptionSchedules.update(s.id, {
    phases: [{ items: [{ price: basic.id }], start_date: JAN_2025, iterations: 3, trial_end: JAN_2025 + 14 * DAY }],
  });
  assert.equal(extended.phases[0].trial_end, JAN_2025 + 14 * DAY);
  let sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.equal(sub.status, 'trialing');
  assert.equal(sub.trial_end, JAN_2025 + 14 * DAY);
  assert.equal(sub.current_period_end, JAN_2025 + 14 * DAY);
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_2025 + 10 * DAY });
  assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).status, 'trialing', 'the first trial_end has passed, the new one not');
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_2025 + 15 * DAY });
  sub = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(sub.status, 'active');
  assert.equal((await t.stripe.invoices.retrieve(sub.latest_invoice)).total, 1000);

  // An active subscription given a trial on its running phase starts it now.
  await t.stripe.subscriptionSchedules.update(s.id, {
    phases: [{ items: [{ price: basic.id }], start_date: JAN_2025, iterations: 3, trial_end: JAN_2025 + 20 * DAY }],
  });
  sub = await t.stripe.subscriptions.retrieve(sub.id);
  assert.equal(sub.status, 'trialing');
  assert.equal(sub.trial_start, JAN_2025 + 15 * DAY);
  assert.equal(sub.trial_end, JAN_2025 + 20 * DAY);
  assert.equal((await t.stripe.invoices.retrieve(sub.latest_invoice)).total, 0);
});

test("changing default_settings' collection_method reaches the running subscription; its next invoice stays open", async () => {
  const { clock, cus } = await clockedCustomer();
  const basic = await price(1200);
  const s = await t.stripe.subscriptionSchedules.create({ customer: cus.id, start_date: 'now', phases: [{ items: [{ price: basic.id }], iterations: 3 }] });
  const updatesBefore = (await eventsFor(s.subscription)).filter((e) => e === 'customer.subscription.updated').length;
  const upd = await t.stripe.subscriptionSchedules.update(s.id, {
    end_behavior: 'cancel',
    default_settings: { collection_method: 'send_invoice', invoice_settings: { days_until_due: 7 } },
  });
  assert.equal(upd.default_settings.collection_method, 'send_invoice');
  check(upd);
  const sub = await t.stripe.subscriptions.retrieve(s.subscription);
  assert.equal(sub.collection_method, 'send_invoice');
  assert.equal(sub.days_until_due, 7);
  assert.ok(sub.cancel_at, 'end_behavior=cancel: the subscription ends with the last phase');
  // One update of the schedule is one update event of its subscription.
  const updates = (await eventsFor(s.subscription)).filter((e) => e === 'customer.subscription.updated').length;
  assert.equal(updates - updatesBefore, 1);
  await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_2025 + 60 });
  const feb = await t.stripe.invoices.retrieve((await t.stripe.subscriptions.retrieve(sub.id)).latest_invoice);
  assert.equal(feb.status, 'open');
  assert.equal(feb.due_date, FEB_2025 + 7 * DAY);
});
