// Issue #6 "done when": a new user lists the presets, provisions a run from
// the e-commerce preset, sees the seeded Stripe data through the official
// `stripe` package, changes state, resets, and gets the exact seeded state
// back; two runs of one scenario hold identical state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { startServer, api, createRun } from '../lib/server.mjs';
import { stateOf, stripeFor } from '../lib/run-clients.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

const hash = (v) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

test('the e-commerce preset seeds Stripe; reset brings the exact seed back', async () => {
  const presets = await api(srv.url, 'GET', '/scenarios?include_presets=true');
  const preset = presets.body.find((s) => s.id === 'preset-ecommerce-checkout');
  assert.ok(preset && preset.is_preset);
  const run = await createRun(srv.url, preset.twins, { scenario_id: preset.id });
  assert.equal(run.status, 'ready');
  assert.equal(run.seed_results.stripe.status, 'seeded');
  assert.equal(run.seed_results.stripe.customers, preset.seed_config.stripe.customers.length);

  const stripe = stripeFor(run);
  const customers = await stripe.customers.list({ limit: 100 });
  const emails = customers.data.map((c) => c.email).sort();
  assert.deepEqual(emails, preset.seed_config.stripe.customers.map((c) => c.email).sort());
  const products = await stripe.products.list({ limit: 100 });
  assert.deepEqual(products.data.map((p) => p.name).sort(), preset.seed_config.stripe.products.map((p) => p.name).sort());
  const prices = await stripe.prices.list({ limit: 100 });
  assert.ok(prices.data.length >= products.data.length);

  const baseline = hash(await stateOf(srv.url, run, 'stripe'));
  await stripe.customers.create({ email: 'late@example.com' });
  await stripe.customers.update(customers.data[0].id, { name: 'Renamed' });
  await stripe.products.del((await stripe.products.create({ name: 'Temp' })).id);
  assert.notEqual(hash(await stateOf(srv.url, run, 'stripe')), baseline);

  for (let i = 0; i < 10; i++) {
    const r = await api(srv.url, 'POST', `/twin-runs/${run.run_id}/reset`);
    assert.equal(r.body.baseline_kind, 'scenario');
    assert.equal(hash(await stateOf(srv.url, run, 'stripe')), baseline, `reset ${i + 1}`);
    await stripe.customers.create({ email: `again${i}@example.com` });
  }
  const after = await stripe.customers.list({ limit: 100 });
  assert.equal(after.data.length, customers.data.length + 1);
  assert.ok(after.data.find((c) => c.id === customers.data[0].id).name !== 'Renamed');
});

test('two runs of the same scenario hold identical state, ids included', async () => {
  const a = await createRun(srv.url, ['stripe'], { scenario_id: 'preset-payment-fraud' });
  const b = await createRun(srv.url, ['stripe'], { scenario_id: 'preset-payment-fraud' });
  assert.notEqual(a.run_id, b.run_id);
  const sa = await stateOf(srv.url, a, 'stripe'), sb = await stateOf(srv.url, b, 'stripe');
  assert.ok(Object.keys(sa).length > 0);
  assert.deepEqual(sa, sb);
});

test('a per-twin admin reset restores that twin alone', async () => {
  const run = await createRun(srv.url, ['stripe'], { scenario_id: 'preset-ecommerce-checkout' });
  const baseline = hash(await stateOf(srv.url, run, 'stripe'));
  await stripeFor(run).customers.create({ email: 'x@example.com' });
  const r = await api(srv.url, 'POST', `/runs/${run.run_id}/twins/stripe/admin/reset`, undefined,
    { 'x-twins-token': run.proxy_token });
  assert.equal(r.body.status, 'reset_complete');
  assert.equal(hash(await stateOf(srv.url, run, 'stripe')), baseline);
});

test('PUT /admin/config with a seed replaces state and becomes the baseline', async () => {
  const run = await createRun(srv.url, ['stripe', 'discord']);
  const put = (twin, body) => api(srv.url, 'PUT', `/runs/${run.run_id}/twins/${twin}/admin/config`, body,
    { 'x-twins-token': run.proxy_token });
  const stripe = stripeFor(run);
  await stripe.customers.create({ email: 'before@example.com' });
  let r = await put('stripe', { seed: { customers: [{ email: 'seeded@example.com', name: 'Seeded' }] } });
  assert.equal(r.status, 200);
  assert.equal(r.body.seed, undefined, 'the seed is not kept in the config');
  let list = await stripe.customers.list();
  assert.deepEqual(list.data.map((c) => c.email), ['seeded@example.com']);
  const status = await api(srv.url, 'GET', `/twin-runs/${run.run_id}`);
  assert.equal(status.body.seed_results.stripe.status, 'seeded');
  assert.equal(status.body.seed_results.stripe.customers, 1);
  await stripe.customers.create({ email: 'later@example.com' });
  await api(srv.url, 'POST', `/twin-runs/${run.run_id}/reset`);
  list = await stripe.customers.list();
  assert.deepEqual(list.data.map((c) => c.email), ['seeded@example.com']);
  r = await put('stripe', { seed: { customers: [{ email: 5 }] } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /seed_config\.stripe\.customers\[0\]\.email/);
  // Discord seeds statefully and reports its counts.
  r = await put('discord', { seed: { guilds: [{ name: 'Guild', channels: [{ name: 'general', messages: [{ content: 'hi' }] }] }] } });
  assert.equal(r.status, 200);
  const after = await api(srv.url, 'GET', `/twin-runs/${run.run_id}`);
  assert.equal(after.body.seed_results.discord.status, 'seeded');
  assert.equal(after.body.seed_results.discord.guilds, 1);
  assert.equal(after.body.seed_results.discord.messages, 1);
});

test('CLI: twins scenarios create/list/get/export/update/delete and up --scenario', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { mkdtempSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { TWINS_BIN } = await import('../lib/server.mjs');
  const env = { ...process.env, TWINS_URL: srv.url };
  const twins = (...args) => promisify(execFile)(TWINS_BIN, args, { env });
  const dir = mkdtempSync(join(tmpdir(), 'twins-scn-'));
  try {
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify({ name: 'cli scenario', twins: ['stripe'], tags: ['cli'],
      seed_config: { stripe: { customers: [{ email: 'cli@example.com', name: 'Cli' }] } } }));
    let out = await twins('scenarios', 'create', '--file', file);
    const id = out.stdout.trim().split(/\s+/)[0];
    assert.ok(id.length >= 32, out.stdout);
    out = await twins('scenarios', 'list', '--tag', 'cli');
    assert.match(out.stdout, new RegExp(id));
    out = await twins('scenarios', 'list', '--presets');
    assert.match(out.stdout, /preset-ecommerce-checkout/);
    out = await twins('scenarios', 'export', id);
    const exported = JSON.parse(out.stdout);
    assert.equal(exported.name, 'cli scenario');
    assert.equal(exported.id, undefined);
    writeFileSync(file, JSON.stringify({ description: 'updated' }));
    await twins('scenarios', 'update', id, '--file', file);
    out = await twins('scenarios', 'get', id);
    assert.equal(JSON.parse(out.stdout).description, 'updated');
    const envFile = join(dir, '.env');
    await twins('up', 'stripe', '--scenario', id, '--env-file', envFile);
    const text = readFileSync(envFile, 'utf8');
    const base = text.match(/^STRIPE_API_BASE=(.*)$/m)[1];
    const key = text.match(/^STRIPE_SECRET_KEY=(.*)$/m)[1];
    const { port } = new URL(base);
    const stripe = new Stripe(key, { host: '127.0.0.1', port: Number(port), protocol: 'http' });
    assert.deepEqual((await stripe.customers.list()).data.map((c) => c.email), ['cli@example.com']);
    out = await twins('scenarios', 'delete', id);
    assert.match(out.stdout, /deleted/);
    const gone = await twins('scenarios', 'get', id).catch((e) => e);
    assert.equal(gone.code, 1);
    const bad = await twins('scenarios', 'update', 'preset-ecommerce-checkout', '--file', file).catch((e) => e);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /403/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
