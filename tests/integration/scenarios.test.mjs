// Scenarios against the real server (contract §2.3): CRUD, filters, presets,
// validation, runs from scenarios, twin environments, and persistence across
// a restart with --data-dir.  Run: node --test tests/integration/scenarios.test.mjs
// (TWINS_BIN picks the binary, default build/twins).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BIN = process.env.TWINS_BIN || 'build/twins';
const dataDir = mkdtempSync(join(tmpdir(), 'twins-scenarios-'));
let server = null;
let base = '';

async function start() {
  const portFile = join(dataDir, `port-${Date.now()}`);
  const child = spawn(BIN, ['serve', '--port', '0', '--port-file', portFile, '--quiet', '--data-dir', dataDir],
                      { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    if (existsSync(portFile)) {
      const port = parseInt(readFileSync(portFile, 'utf8'), 10);
      if (port > 0) return { child, base: `http://127.0.0.1:${port}` };
    }
    if (child.exitCode !== null) throw new Error(`${BIN} exited with ${child.exitCode}`);
    await sleep(50);
  }
  child.kill('SIGTERM');
  throw new Error('server did not write its port file');
}

async function stop(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  ({ child: server, base } = await start());
});

after(async () => {
  await stop(server);
  rmSync(dataDir, { recursive: true, force: true });
});

const shop = {
  name: 'Checkout smoke',
  description: 'two customers and a product',
  prompt: 'a tiny shop',
  tags: ['smoke', 'payments'],
  seed_config: {
    stripe: {
      customers: [{ email: 'ada@example.com', name: 'Ada' }, { email: 'alan@example.com', name: 'Alan' }],
      products: [{ name: 'Mug', prices: [{ currency: 'usd', unit_amount: 1200 }] }],
    },
    slack: { channels: [{ name: 'orders', messages: ['Order #1: Mug × 1 for ada@example.com — $12.00'] }] },
  },
};

test('create, read, list, update and delete a scenario', async () => {
  const created = await api('POST', '/scenarios', shop);
  assert.equal(created.status, 201);
  const s = created.body;
  assert.match(s.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(s.name, shop.name);
  assert.equal(s.description, shop.description);
  assert.equal(s.prompt, shop.prompt);
  assert.deepEqual(s.twins, ['stripe', 'slack'], 'twins default to the seeded ones');
  assert.deepEqual(s.seed_config, shop.seed_config);
  assert.deepEqual(s.tags, shop.tags);
  assert.equal(s.is_preset, false);
  assert.ok(!Number.isNaN(Date.parse(s.created_at)) && s.created_at === s.updated_at);

  const got = await api('GET', `/scenarios/${s.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, s);

  await sleep(5);
  const put = await api('PUT', `/scenarios/${s.id}`, { description: 'changed', tags: ['smoke'] });
  assert.equal(put.status, 200);
  assert.equal(put.body.description, 'changed');
  assert.deepEqual(put.body.tags, ['smoke']);
  assert.equal(put.body.name, shop.name, 'partial update keeps other fields');
  assert.deepEqual(put.body.seed_config, shop.seed_config);
  assert.equal(put.body.created_at, s.created_at);
  assert.ok(put.body.updated_at > s.updated_at);

  const listed = await api('GET', '/scenarios');
  assert.ok(listed.body.some((x) => x.id === s.id));
  assert.ok(listed.body.every((x) => !x.is_preset), 'presets are excluded by default');

  const del = await api('DELETE', `/scenarios/${s.id}`);
  assert.equal(del.status, 200);
  assert.deepEqual(del.body, { ok: true, id: s.id });
  assert.equal((await api('GET', `/scenarios/${s.id}`)).status, 404);
  assert.equal((await api('DELETE', `/scenarios/${s.id}`)).status, 404);
  assert.equal((await api('PUT', '/scenarios/00000000-0000-4000-8000-000000000000', { name: 'x' })).status, 404);
});

test('list filters: twin, tag, include_presets', async () => {
  const a = (await api('POST', '/scenarios', { name: 'gh only', twins: ['github'], tags: ['ci'] })).body;
  const b = (await api('POST', '/scenarios', { name: 'cal', seed_config: { google_calendar: { calendars: [] } }, tags: ['calendar'] })).body;
  const ids = (r) => r.body.map((x) => x.id);

  const byTwin = await api('GET', '/scenarios?twin=github');
  assert.ok(ids(byTwin).includes(a.id) && !ids(byTwin).includes(b.id));
  const byTag = await api('GET', '/scenarios?tag=calendar');
  assert.deepEqual(ids(byTag), [b.id]);

  const withPresets = await api('GET', '/scenarios?include_presets=true');
  const presets = withPresets.body.filter((x) => x.is_preset);
  assert.equal(presets.length, 10);
  for (const p of presets) assert.match(p.id, /^preset-/);
  assert.ok(ids(withPresets).includes(a.id));
  const presetIds = presets.map((p) => p.id);
  for (const id of ['preset-ecommerce-checkout', 'preset-saas-billing', 'preset-cicd-pipeline', 'preset-customer-support',
    'preset-document-collaboration', 'preset-payment-fraud', 'preset-access-control', 'preset-high-volume-messaging',
    'preset-i18n-unicode', 'preset-calendar-conflicts']) assert.ok(presetIds.includes(id), id);

  const calPresets = await api('GET', '/scenarios?include_presets=true&twin=google_calendar');
  assert.deepEqual(ids(calPresets).sort(), [b.id, 'preset-calendar-conflicts'].sort());

  await api('DELETE', `/scenarios/${a.id}`);
  await api('DELETE', `/scenarios/${b.id}`);
});

test('presets are readable and read-only', async () => {
  const p = await api('GET', '/scenarios/preset-ecommerce-checkout');
  assert.equal(p.status, 200);
  assert.equal(p.body.is_preset, true);
  assert.deepEqual(p.body.twins, ['stripe', 'slack']);
  const emails = p.body.seed_config.stripe.customers.map((c) => c.email);
  const orders = p.body.seed_config.slack.channels.find((c) => c.name === 'orders').messages;
  for (const m of orders) assert.ok(emails.some((e) => m.text.includes(e)), m.text);

  const put = await api('PUT', '/scenarios/preset-ecommerce-checkout', { name: 'mine' });
  assert.equal(put.status, 403);
  assert.match(put.body.detail, /preset/);
  assert.equal((await api('DELETE', '/scenarios/preset-ecommerce-checkout')).status, 403);
  assert.equal((await api('GET', '/scenarios/preset-nope')).status, 404);
});

test('validation errors name the field', async () => {
  const cases = [
    [{}, /^name is required$/],
    [{ name: '' }, /name must not be empty/],
    [{ name: 7 }, /^name: expected string$/],
    [{ name: 'x', twins: ['stripe', 'nope'] }, /unknown twin in twins: nope/],
    [{ name: 'x', tags: 'a' }, /^tags: expected array$/],
    [{ name: 'x', seed_config: { strpe: {}, slak: {} } }, /seed_config has unknown twins: strpe, slak/],
    [{ name: 'x', seed_config: { stripe: { customers: [{ email: 'a@x.io' }, { email: 'b@x.io' }, { email: 5 }] } } },
      /^seed_config\.stripe\.customers\[2\]\.email: expected string$/],
    [{ name: 'x', seed_config: { github: { repos: [{ owner: 'o', name: 'r', prs: [{ title: 't', head: 'h', state: 'merged' }] }] } } },
      /^seed_config\.github\.repos\[0\]\.prs\[0\]\.state: must be one of "open", "closed"$/],
    [{ name: 'x', seed_config: { slack: { channels: [{ topic: 'no name' }] } } }, /^seed_config\.slack\.channels\[0\]\.name: is required$/],
    [{ name: 'x', seed_config: { stripe: { customer: [] } } }, /^seed_config\.stripe\.customer: unknown field$/],
  ];
  for (const [body, re] of cases) {
    const r = await api('POST', '/scenarios', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.body.detail, re);
  }
  const bad = await api('POST', '/scenarios', '{"name": ');
  assert.equal(bad.status, 400);

  const s = (await api('POST', '/scenarios', { name: 'v' })).body;
  const put = await api('PUT', `/scenarios/${s.id}`, { seed_config: { discord: { guilds: [{ name: 'Guild', premium_tier: 9 }] } } });
  assert.equal(put.status, 400);
  assert.equal(put.body.detail, 'seed_config.discord.guilds[0].premium_tier: must be <= 3');
  assert.equal((await api('GET', `/scenarios/${s.id}`)).body.seed_config.discord, undefined, 'a rejected update changes nothing');
  await api('DELETE', `/scenarios/${s.id}`);
});

test('a run created from a scenario reports seed results for each twin', async () => {
  const s = (await api('POST', '/scenarios', shop)).body;
  const run = await api('POST', '/twin-runs', { twins: ['stripe', 'slack', 'github'], scenario_id: s.id, ttl_minutes: 5 });
  assert.equal(run.status, 201);
  assert.equal(run.body.scenario_id, s.id);
  for (const twin of ['stripe', 'slack', 'github']) {
    const r = run.body.seed_results[twin];
    assert.ok(r, `seed_results.${twin}`);
    assert.ok(['seeded', 'skipped'].includes(r.status), JSON.stringify(r));
  }
  // github has no seed data in this scenario
  assert.equal(run.body.seed_results.github.status, 'skipped');

  const fromPreset = await api('POST', '/twin-runs', { twins: ['stripe', 'slack'], scenario_id: 'preset-ecommerce-checkout', ttl_minutes: 5 });
  assert.equal(fromPreset.status, 201);
  assert.deepEqual(Object.keys(fromPreset.body.seed_results).sort(), ['slack', 'stripe']);

  const missing = await api('POST', '/twin-runs', { twins: ['stripe'], scenario_id: '00000000-0000-4000-8000-000000000000' });
  assert.equal(missing.status, 404);

  // A prompt without a scenario is stored; seeding it needs a model.
  const prompted = await api('POST', '/twin-runs', { twins: ['slack'], scenario_prompt: 'a busy workspace', ttl_minutes: 5 });
  assert.equal(prompted.status, 201);
  assert.equal(prompted.body.seed_results.slack.status, 'skipped');
  assert.equal(prompted.body.seed_results.slack.reason, 'prompt seeding needs a model');

  for (const r of [run, fromPreset, prompted]) await api('DELETE', `/twin-runs/${r.body.run_id}`);
  await api('DELETE', `/scenarios/${s.id}`);
});

test('scenario twin environments keep stable URLs', async () => {
  const s = (await api('POST', '/scenarios', shop)).body;
  assert.equal((await api('GET', `/scenarios/${s.id}/twin-environment`)).status, 404);

  const first = await api('POST', `/scenarios/${s.id}/twin-environment`, {});
  assert.equal(first.status, 201);
  const env = first.body;
  assert.equal(env.scenario_id, s.id);
  assert.equal(env.status, 'ready');
  assert.deepEqual(Object.keys(env.twins).sort(), ['slack', 'stripe']);
  assert.ok(env.twins.stripe.base_url.startsWith('http'));
  assert.ok(env.twins.stripe.env_vars.STRIPE_API_BASE);

  const again = await api('POST', `/scenarios/${s.id}/twin-environment`, {});
  assert.equal(again.status, 200);
  assert.equal(again.body.run_id, env.run_id);
  assert.equal(again.body.twins.stripe.base_url, env.twins.stripe.base_url);
  assert.equal(again.body.twins.slack.base_url, env.twins.slack.base_url);

  const got = await api('GET', `/scenarios/${s.id}/twin-environment`);
  assert.equal(got.status, 200);
  assert.equal(got.body.run_id, env.run_id);
  assert.equal(got.body.ttl_minutes, 480, 'reading extends to the maximum lifetime');

  // A second scenario gets its own environment.
  const other = (await api('POST', '/scenarios', { name: 'other', twins: ['stripe'] })).body;
  const otherEnv = await api('POST', `/scenarios/${other.id}/twin-environment`, { twins: ['stripe'], public: false });
  assert.equal(otherEnv.status, 201);
  assert.notEqual(otherEnv.body.run_id, env.run_id);
  assert.notEqual(otherEnv.body.twins.stripe.base_url, env.twins.stripe.base_url);
  assert.equal(otherEnv.body.is_public, false);

  const all = await api('GET', '/scenario-twin-environments');
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.map((e) => e.scenario_id).sort(), [s.id, other.id].sort());

  const reseed = await api('POST', `/scenarios/${s.id}/twin-environment/reseed`);
  assert.equal(reseed.status, 200);
  assert.equal(reseed.body.reset.status, 'reset_complete');
  assert.equal(reseed.body.reset.baseline_kind, 'scenario');
  assert.equal(reseed.body.twins.stripe.base_url, env.twins.stripe.base_url);

  const run = await api('GET', `/twin-runs/${env.run_id}`);
  assert.equal(run.body.scenario_id, s.id);

  const del = await api('DELETE', `/scenarios/${s.id}/twin-environment`);
  assert.equal(del.status, 200);
  assert.equal(del.body.run_id, env.run_id);
  assert.equal((await api('GET', `/scenarios/${s.id}/twin-environment`)).status, 404);
  assert.equal((await api('GET', `/twin-runs/${env.run_id}`)).body.status, 'cancelled');

  // Deleting a scenario tears its environment down.
  await api('DELETE', `/scenarios/${other.id}`);
  assert.equal((await api('GET', `/twin-runs/${otherEnv.body.run_id}`)).body.status, 'cancelled');
  assert.deepEqual((await api('GET', '/scenario-twin-environments')).body, []);

  const presetEnv = await api('POST', '/scenarios/preset-calendar-conflicts/twin-environment', {});
  assert.equal(presetEnv.status, 201);
  assert.deepEqual(Object.keys(presetEnv.body.twins).sort(), ['google_calendar', 'slack']);
  await api('DELETE', '/scenarios/preset-calendar-conflicts/twin-environment');
  assert.equal((await api('POST', '/scenarios/preset-nope/twin-environment', {})).status, 404);
  await api('DELETE', `/scenarios/${s.id}`);
});

test('scenarios and environments survive a restart with --data-dir', async () => {
  const s = (await api('POST', '/scenarios', { ...shop, name: 'Persistent' })).body;
  const env = (await api('POST', `/scenarios/${s.id}/twin-environment`, {})).body;
  await stop(server);
  ({ child: server, base } = await start());

  const got = await api('GET', `/scenarios/${s.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, s);
  const again = await api('GET', `/scenarios/${s.id}/twin-environment`);
  assert.equal(again.status, 200);
  assert.equal(again.body.run_id, env.run_id);

  await api('DELETE', `/scenarios/${s.id}`);
});
