// Shared set-up for the Stripe conformance tests: one twins server (tests/lib/fixture.mjs,
// or the one at TWINS_URL), one run per test file, the official
// `stripe` SDK pointed at the run's Stripe twin, and schema checks against
// Stripe's own OpenAPI description.
import { createRequire } from 'node:module';
import * as fx from '../../lib/fixture.mjs';

const require = createRequire(import.meta.url);
export const Stripe = require('stripe');
export { control, stopServer, rejects } from '../../lib/fixture.mjs';

// A fresh run with the Stripe twin: { base, key, env, run, stripe, adminUrl, ... }.
export async function newRun(extra = {}) {
  const ctx = await fx.newTwinRun('stripe', extra);
  const base = new URL(ctx.base);
  const key = ctx.env.STRIPE_SECRET_KEY;
  const stripe = new Stripe(key, {
    host: base.hostname,
    port: Number(base.port),
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  });
  return { ...ctx, key, stripe };
}

// Raw request to the twin (form-encoded, for headers and shapes the SDK hides).
export const raw = fx.rawWith((ctx) => `Bearer ${ctx.key}`, { encode: 'form' });

// Asserts body is valid for the operation's success response in spec3.yaml.
export const assertSchema = (method, template, body) => fx.assertSchema('stripe', method, template, body,
  { name: 'Stripe', replacer: (k, v) => (k === 'lastResponse' ? undefined : v) });

/** A local webhook receiver on 127.0.0.1 (tests/lib/receiver.mjs): records each
 *  delivery's url, headers and raw body, answers 200. */
export { startReceiver as webhookReceiver } from '../../lib/receiver.mjs';

// A recurring price (monthly unless told) on a product of its own.
export async function recurringPrice(stripe, amount, recurring = { interval: 'month' }) {
  const product = await stripe.products.create({ name: `Plan ${amount}` });
  return stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount, recurring });
}

// A customer on a test clock frozen at frozenTime, paying with a good card:
// { clock, cus }.
export async function clockedCustomer(stripe, email, frozenTime) {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: frozenTime });
  const cus = await stripe.customers.create({ email, test_clock: clock.id });
  const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  return { clock, cus };
}
