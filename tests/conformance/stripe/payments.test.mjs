// Stripe twin: payment methods, payment intents (status machine, test cards),
// charges, refunds, balance — with the SDK's error shapes and Stripe's schemas.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, rejects, stopServer, assertSchema } from './helpers.mjs';

let t;
before(async () => { t = await newRun(); });
after(stopServer);

const card = (number) => ({ type: 'card', card: { number, exp_month: 12, exp_year: 2034, cvc: '123' } });

test('payment method from a card number; schema-valid', async () => {
  const pm = await t.stripe.paymentMethods.create(card('4242424242424242'));
  assert.match(pm.id, /^pm_/);
  assert.equal(pm.card.brand, 'visa');
  assert.equal(pm.card.last4, '4242');
  assert.equal(pm.customer, null);
  assertSchema('POST', '/v1/payment_methods', pm);
  assertSchema('GET', '/v1/payment_methods/{payment_method}', await t.stripe.paymentMethods.retrieve(pm.id));
});

test('an invalid card number is a StripeCardError incorrect_number', async () => {
  const err = await rejects(() => t.stripe.paymentMethods.create(card('4242424242424241')));
  assert.equal(err.type, 'StripeCardError');
  assert.equal(err.statusCode, 402);
  assert.equal(err.code, 'incorrect_number');
  assert.equal(err.param, 'card[number]');
});

test('attach a test token to a customer, list by customer and type, detach', async () => {
  const cus = await t.stripe.customers.create({ email: 'pm@example.com' });
  const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  assert.equal(pm.customer, cus.id);
  const listed = await t.stripe.paymentMethods.list({ customer: cus.id, type: 'card' });
  assert.deepEqual(listed.data.map((x) => x.id), [pm.id]);
  assertSchema('GET', '/v1/payment_methods', listed);
  const viaCustomer = await t.stripe.customers.listPaymentMethods(cus.id);
  assert.equal(viaCustomer.data.length, 1);
  const det = await t.stripe.paymentMethods.detach(pm.id);
  assert.equal(det.customer, null);
  const err = await rejects(() => t.stripe.paymentMethods.detach(pm.id));
  assert.equal(err.statusCode, 400);
});

test('attach to a missing customer: 404 on param customer', async () => {
  const err = await rejects(() => t.stripe.paymentMethods.attach('pm_card_visa', { customer: 'cus_missing' }));
  assert.equal(err.statusCode, 404);
  assert.equal(err.param, 'customer');
});

test('payment intent: requires_payment_method -> requires_confirmation -> succeeded with charge and txn', async () => {
  const cus = await t.stripe.customers.create({ name: 'Payer' });
  const pi = await t.stripe.paymentIntents.create({ amount: 2000, currency: 'usd', customer: cus.id });
  assert.equal(pi.status, 'requires_payment_method');
  assert.match(pi.client_secret, new RegExp(`^${pi.id}_secret_`));
  assertSchema('POST', '/v1/payment_intents', pi);
  const withPm = await t.stripe.paymentIntents.update(pi.id, { payment_method: 'pm_card_visa' });
  assert.equal(withPm.status, 'requires_confirmation');
  const done = await t.stripe.paymentIntents.confirm(pi.id);
  assert.equal(done.status, 'succeeded');
  assert.equal(done.amount_received, 2000);
  assert.match(done.latest_charge, /^ch_/);
  assertSchema('POST', '/v1/payment_intents/{intent}', withPm);
  const ch = await t.stripe.charges.retrieve(done.latest_charge);
  assert.equal(ch.status, 'succeeded');
  assert.equal(ch.paid, true);
  assert.equal(ch.payment_intent, pi.id);
  assert.equal(ch.customer, cus.id);
  assert.match(ch.balance_transaction, /^txn_/);
  assertSchema('GET', '/v1/charges/{charge}', ch);
});

test('confirm=true at creation; expand customer, latest_charge and nested balance_transaction', async () => {
  const cus = await t.stripe.customers.create({ name: 'Expand' });
  const pi = await t.stripe.paymentIntents.create({ amount: 1234, currency: 'usd', customer: cus.id, payment_method: 'pm_card_mastercard', confirm: true });
  assert.equal(pi.status, 'succeeded');
  const got = await t.stripe.paymentIntents.retrieve(pi.id, { expand: ['customer', 'latest_charge.balance_transaction'] });
  assert.equal(got.customer.id, cus.id);
  assert.equal(got.latest_charge.object, 'charge');
  assert.equal(got.latest_charge.balance_transaction.object, 'balance_transaction');
  assertSchema('GET', '/v1/payment_intents/{intent}', got);
  const list = await t.stripe.paymentIntents.list({ customer: cus.id, expand: ['data.customer'] });
  assert.equal(list.data[0].customer.id, cus.id);
  assertSchema('GET', '/v1/payment_intents', list);
});

test('capture_method manual: requires_capture, then capture -> succeeded', async () => {
  const pi = await t.stripe.paymentIntents.create({ amount: 5000, currency: 'usd', payment_method: 'pm_card_visa', capture_method: 'manual', confirm: true });
  assert.equal(pi.status, 'requires_capture');
  assert.equal(pi.amount_capturable, 5000);
  const ch = await t.stripe.charges.retrieve(pi.latest_charge);
  assert.equal(ch.captured, false);
  const cap = await t.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 4000 });
  assert.equal(cap.status, 'succeeded');
  assert.equal(cap.amount_received, 4000);
  const after2 = await t.stripe.charges.retrieve(pi.latest_charge);
  assert.equal(after2.captured, true);
  assert.equal(after2.amount_captured, 4000);
});

const declines = [
  ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
  ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
  ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
  ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
  ['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error'],
];
for (const [pm, code, decline] of declines) {
  test(`decline ${pm}: StripeCardError ${code}/${decline}, intent back to requires_payment_method`, async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: pm });
    const err = await rejects(() => t.stripe.paymentIntents.confirm(pi.id));
    assert.equal(err.type, 'StripeCardError');
    assert.equal(err.statusCode, 402);
    assert.equal(err.code, code);
    assert.equal(err.decline_code, decline);
    assert.equal(err.raw.payment_intent.id, pi.id);
    const after2 = await t.stripe.paymentIntents.retrieve(pi.id);
    assert.equal(after2.status, 'requires_payment_method');
    assert.equal(after2.last_payment_error.code, code);
    assert.equal(after2.last_payment_error.decline_code, decline);
    assertSchema('GET', '/v1/payment_intents/{intent}', after2);
    const ch = await t.stripe.charges.retrieve(after2.latest_charge);
    assert.equal(ch.status, 'failed');
    assert.equal(ch.failure_code, code);
  });
}

test('raw card number 4000000000000002 declines through a PaymentMethod too', async () => {
  const pm = await t.stripe.paymentMethods.create(card('4000000000000002'));
  const err = await rejects(() => t.stripe.paymentIntents.create({ amount: 700, currency: 'usd', payment_method: pm.id, confirm: true }));
  assert.equal(err.decline_code, 'generic_decline');
});

for (const number of ['4000002500003155', '4000000000003220']) {
  test(`3-D Secure card ${number}: requires_action with next_action, then succeeds`, async () => {
    const pm = await t.stripe.paymentMethods.create(card(number));
    const pi = await t.stripe.paymentIntents.create({ amount: 3000, currency: 'usd', payment_method: pm.id, confirm: true, return_url: 'https://example.com/back' });
    assert.equal(pi.status, 'requires_action');
    assert.equal(pi.next_action.type, 'redirect_to_url');
    assert.ok(pi.next_action.redirect_to_url.url);
    assertSchema('POST', '/v1/payment_intents', pi);
    const done = await t.stripe.paymentIntents.confirm(pi.id);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.next_action, null);
  });
}

test('cancel an open intent; cancelling a succeeded one is payment_intent_unexpected_state', async () => {
  const pi = await t.stripe.paymentIntents.create({ amount: 900, currency: 'usd' });
  const c = await t.stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'requested_by_customer' });
  assert.equal(c.status, 'canceled');
  assert.equal(c.cancellation_reason, 'requested_by_customer');
  assert.ok(c.canceled_at);
  const ok = await t.stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
  const err = await rejects(() => t.stripe.paymentIntents.cancel(ok.id));
  assert.equal(err.statusCode, 400);
  assert.equal(err.code, 'payment_intent_unexpected_state');
});

test('amount below the minimum is amount_too_small', async () => {
  const err = await rejects(() => t.stripe.paymentIntents.create({ amount: 10, currency: 'usd' }));
  assert.equal(err.code, 'amount_too_small');
  assert.equal(err.param, 'amount');
});

test('charges: create with tok_visa, update metadata, list', async () => {
  const ch = await t.stripe.charges.create({ amount: 2500, currency: 'usd', source: 'tok_visa', description: 'Tea' });
  assert.equal(ch.status, 'succeeded');
  assertSchema('POST', '/v1/charges', ch);
  const up = await t.stripe.charges.update(ch.id, { metadata: { order: '42' } });
  assert.equal(up.metadata.order, '42');
  const list = await t.stripe.charges.list({ limit: 3 });
  assert.equal(list.data[0].id, ch.id);
  assertSchema('GET', '/v1/charges', list);
});

test('charges: tok_chargeDeclined is a card error naming the failed charge', async () => {
  const err = await rejects(() => t.stripe.charges.create({ amount: 2500, currency: 'usd', source: 'tok_chargeDeclined' }));
  assert.equal(err.type, 'StripeCardError');
  assert.equal(err.decline_code, 'generic_decline');
  assert.match(err.raw.charge, /^ch_/);
});

test('refunds: partial then full; charge amount_refunded / refunded follow; over-refund fails', async () => {
  const pi = await t.stripe.paymentIntents.create({ amount: 3000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
  const r1 = await t.stripe.refunds.create({ payment_intent: pi.id, amount: 1000 });
  assert.equal(r1.status, 'succeeded');
  assert.equal(r1.amount, 1000);
  assertSchema('POST', '/v1/refunds', r1);
  let ch = await t.stripe.charges.retrieve(pi.latest_charge);
  assert.equal(ch.amount_refunded, 1000);
  assert.equal(ch.refunded, false);
  const err = await rejects(() => t.stripe.refunds.create({ charge: ch.id, amount: 5000 }));
  assert.equal(err.statusCode, 400);
  const r2 = await t.stripe.refunds.create({ charge: ch.id });
  assert.equal(r2.amount, 2000);
  ch = await t.stripe.charges.retrieve(ch.id);
  assert.equal(ch.amount_refunded, 3000);
  assert.equal(ch.refunded, true);
  const list = await t.stripe.refunds.list({ charge: ch.id });
  assert.deepEqual(list.data.map((r) => r.id), [r2.id, r1.id]);
  assertSchema('GET', '/v1/refunds/{refund}', await t.stripe.refunds.retrieve(r1.id));
  const again = await rejects(() => t.stripe.refunds.create({ charge: ch.id }));
  assert.equal(again.code, 'charge_already_refunded');
});

test('balance: succeeded charges net of fees minus refunds; balance transactions list', async () => {
  const run = await newRun();
  const pi = await run.stripe.paymentIntents.create({ amount: 10000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
  await run.stripe.refunds.create({ payment_intent: pi.id, amount: 2500 });
  const bal = await run.stripe.balance.retrieve();
  assertSchema('GET', '/v1/balance', bal);
  const txns = await run.stripe.balanceTransactions.list();
  assertSchema('GET', '/v1/balance_transactions', txns);
  assert.equal(txns.data.length, 2);
  const net = txns.data.reduce((s, x) => s + x.net, 0);
  const usd = bal.available.find((x) => x.currency === 'usd');
  assert.equal(usd.amount, net);
  assert.equal(net, 10000 - (290 + 30) - 2500);
  assertSchema('GET', '/v1/balance_transactions/{id}', await run.stripe.balanceTransactions.retrieve(txns.data[0].id));
});
