// Reading a provisioned run from the outside, shared by the integration
// suites: its twin state through the admin API, and an official `stripe`
// client pointed at its Stripe twin.
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { api } from './server.mjs';

/** The whole state of one twin of a run (GET .../admin/state). */
export async function stateOf(base, run, twin) {
  const r = await api(base, 'GET', `/runs/${run.run_id}/twins/${twin}/admin/state`, undefined,
    { 'x-twins-token': run.proxy_token });
  assert.equal(r.status, 200, r.text);
  return r.body.state;
}

/** The official Stripe SDK for the run's Stripe twin (no retries, so failures show). */
export function stripeFor(run) {
  const { port } = new URL(run.twins.stripe.base_url);
  return new Stripe(run.twins.stripe.env_vars.STRIPE_SECRET_KEY,
    { host: '127.0.0.1', port: Number(port), protocol: 'http', maxNetworkRetries: 0 });
}
