// Stripe twin: the "done when" flow, as a new user's app would run it
// with the official `stripe` package and nothing changed but host and port:
// catalog -> Checkout in subscription mode -> the hosted page paid with 4242
// -> signed webhooks checked with stripe.webhooks.constructEvent -> the
// subscription (active) and its invoice (paid, with a charge) -> a test clock
// advance renews it with a second paid invoice.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, stopServer, assertSchema, webhookReceiver } from './helpers.mjs';

let t;
let receiver;
let secret = null;

before(async () => {
  t = await newRun();
  // Like an app's endpoint: verify each delivery with the SDK, 400 if it does not verify.
  // A verified delivery keeps its event as d.event.
  receiver = await webhookReceiver({
    path: '/stripe/webhook',
    respond: (d) => {
      try {
        d.event = t.stripe.webhooks.constructEvent(d.raw, d.headers['stripe-signature'], secret);
        return { status: 200, body: '{"received":true}' };
      } catch (err) {
        return { status: 400, body: String(err.message) };
      }
    },
  });
});

after(async () => {
  await receiver.close();
  await stopServer();
});

// The first verified event matching pred (the receiver's own waitFor).
const waitForEvent = async (pred) => (await receiver.waitFor((d) => d.event && pred(d.event))).event;

// A headless customer on the hosted page: GET it, then POST its form.
async function completeHostedPage(url, email) {
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  const action = html.match(/<form id="payment-form" method="post" action="([^"]+)"/)[1];
  const res = await fetch(new URL(action, url), {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ email, cardnumber: '4242 4242 4242 4242', cardexpiry: '12 / 34', cardcvc: '123', name: 'Flow User' }),
  });
  return { status: res.status, location: res.headers.get('location') };
}

test('checkout -> webhook -> subscription -> invoice -> renewal, with the official SDK', async () => {
  const { stripe } = t;
  const endpoint = await stripe.webhookEndpoints.create({
    url: receiver.url,
    enabled_events: ['checkout.session.completed', 'customer.subscription.created', 'customer.subscription.updated',
      'invoice.paid'],
  });
  secret = endpoint.secret;
  assert.match(secret, /^whsec_/);

  // The app's catalog.
  const product = await stripe.products.create({ name: 'Flow Pro' });
  const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 1200, recurring: { interval: 'month' } });

  // A customer on a test clock, so the renewal can be reached by advancing it.
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.UTC(2024, 0, 15) / 1000) });
  const customer = await stripe.customers.create({ email: 'flow@example.com', test_clock: clock.id });

  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: 'https://app.example/welcome?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://app.example/pricing',
  });
  assertSchema('POST', '/v1/checkout/sessions', session);
  assert.equal(session.status, 'open');

  const done = await completeHostedPage(session.url, 'flow@example.com');
  assert.equal(done.status, 303);
  assert.equal(done.location, `https://app.example/welcome?session_id=${session.id}`);

  // Webhooks, each verified with the SDK's own helper.
  const completed = await waitForEvent((e) => e.type === 'checkout.session.completed');
  assert.equal(completed.data.object.id, session.id);
  assert.equal(completed.data.object.status, 'complete');
  assert.equal(completed.data.object.payment_status, 'paid');
  const subId = completed.data.object.subscription;
  assert.match(subId, /^sub_/);
  const created = await waitForEvent((e) => e.type === 'customer.subscription.created');
  assert.equal(created.data.object.id, subId);
  const invoicePaid = await waitForEvent((e) => e.type === 'invoice.paid');
  assert.equal(invoicePaid.data.object.subscription, subId);
  assert.equal(completed.data.object.invoice, invoicePaid.data.object.id);

  // The app reads back what the webhook named.
  const sub = await stripe.subscriptions.retrieve(subId, { expand: ['latest_invoice'] });
  assertSchema('GET', '/v1/subscriptions/{subscription_exposed_id}', sub);
  assert.equal(sub.status, 'active');
  assert.equal(sub.customer, customer.id);
  assert.equal(sub.test_clock, clock.id);
  assert.equal(sub.items.data[0].price.id, price.id);
  const first = sub.latest_invoice;
  assert.equal(first.status, 'paid');
  assert.equal(first.amount_paid, 1200);
  assert.match(first.charge, /^ch_/);
  const charge = await stripe.charges.retrieve(first.charge);
  assert.equal(charge.status, 'succeeded');
  assert.equal(charge.amount, 1200);
  assert.equal(charge.payment_method_details.card.last4, '4242');

  // A month later: the renewal invoice is paid with the card from Checkout.
  await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: sub.current_period_end + 3600 });
  const renewed = await stripe.subscriptions.retrieve(subId);
  assert.equal(renewed.status, 'active');
  assert.equal(renewed.current_period_start, sub.current_period_end);
  assert.notEqual(renewed.latest_invoice, first.id);
  const invoices = await stripe.invoices.list({ subscription: subId });
  assert.equal(invoices.data.length, 2);
  const second = await stripe.invoices.retrieve(renewed.latest_invoice);
  assert.equal(second.billing_reason, 'subscription_cycle');
  assert.equal(second.status, 'paid');
  assert.equal(second.amount_paid, 1200);
  assert.match(second.charge, /^ch_/);
  await waitForEvent((e) => e.type === 'invoice.paid' && e.data.object.id === second.id);
  const charges = await stripe.charges.list({ customer: customer.id });
  assert.equal(charges.data.length, 2);
});
