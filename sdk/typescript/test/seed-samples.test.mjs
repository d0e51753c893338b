// Runs the code samples of the reference platform's SDK page
// (docs/seeds/typescript-sdk-twin-runs.md, vendored verbatim in
// test/fixtures/) unchanged, after creating the client, against the fake or
// the TWINS_URL server.
//
// Harness-only glue (the sample text itself is never edited):
// - each ```typescript block runs in its own block scope inside an async
//   function given `client` and a capturing `console`; `runId` flows from the
//   block that declares it to the blocks that use it;
// - the samples' placeholder scenario ids ('scenario-id', 'scenario-uuid')
//   are mapped to a real saved scenario by the client's `fetch` option;
// - between "Provision" and "Check provisioning status" the harness waits
//   for the run to be ready, so the status block takes its `ready` branch.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { format } from 'node:util';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WAIT, sdk, target, teardownAll } from './helpers.mjs';

const FIXTURE = fileURLToPath(new URL('./fixtures/typescript-sdk-twin-runs.md', import.meta.url));
// The repo's shared docs sit beside the repo (../shared) in CI and here.
const SHARED = fileURLToPath(new URL('../../../../shared/docs/seeds/typescript-sdk-twin-runs.md', import.meta.url));
const PLACEHOLDER_SCENARIOS = new Set(['scenario-id', 'scenario-uuid']);
const AsyncFunction = (async () => {}).constructor;

function samples(markdown) {
  return [...markdown.matchAll(/```typescript[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]);
}

let t;
let client;
let scenarioId;
const runIds = [];
const ctx = { runId: undefined };

before(async () => {
  t = await target();
  const setup = new sdk.Client({ baseUrl: t.url, apiKey: t.apiKey });
  const scenario = await setup.scenarios.create({
    name: 'seed-samples',
    twins: ['stripe', 'slack'],
    seedConfig: {
      stripe: { customers: [{ email: 'ada@example.com', name: 'Ada' }] },
      slack: { users: [{ name: 'ada', real_name: 'Ada Lovelace' }], channels: [{ name: 'general', messages: ['hi'] }] },
    },
  });
  scenarioId = scenario.id;

  const fetchWithScenario = async (url, init) => {
    if (typeof init.body === 'string' && init.body.includes('scenario_id')) {
      const body = JSON.parse(init.body);
      if (PLACEHOLDER_SCENARIOS.has(body.scenario_id)) body.scenario_id = scenarioId;
      init = { ...init, body: JSON.stringify(body) };
    }
    const res = await fetch(url, init);
    if (init.method === 'POST' && /\/(twin-runs|validate\/twins\/provision)$/.test(new URL(url).pathname) && res.ok) {
      const copy = await res.clone().json();
      runIds.push(copy.run_id);
    }
    return res;
  };

  // "after creating the client": the samples' own client, under the reference platform's name.
  client = new sdk.Arga({ baseUrl: t.url, apiKey: t.apiKey, fetch: fetchWithScenario });
});

after(async () => {
  await teardownAll(new sdk.Client({ baseUrl: t.url, apiKey: t.apiKey }), runIds);
  await new sdk.Client({ baseUrl: t.url, apiKey: t.apiKey }).scenarios.delete(scenarioId).catch(() => {});
  await t.close();
});

async function runSample(code) {
  const lines = [];
  const capture = { log: (...args) => lines.push(format(...args)) };
  const fn = new AsyncFunction(
    'client',
    'console',
    '__ctx',
    `let runId = __ctx.runId;\n{\n${code}\n__ctx.runId = runId;\n}`,
  );
  await fn(client, capture, ctx);
  return lines;
}

const blocks = samples(readFileSync(FIXTURE, 'utf8'));

test('the vendored seed page matches shared/docs (when present)', { skip: !existsSync(SHARED) && 'shared docs not beside the repo' }, () => {
  assert.equal(readFileSync(FIXTURE, 'utf8'), readFileSync(SHARED, 'utf8'));
});

test('the seed page has the six samples this suite knows', () => {
  assert.equal(blocks.length, 6);
  assert.match(blocks[0], /client\.twinRuns\.create/);
  assert.match(blocks[1], /client\.twins\.list\(\)/);
  assert.match(blocks[2], /client\.twins\.provision/);
  assert.match(blocks[3], /client\.twins\.getStatus/);
  assert.match(blocks[4], /client\.twins\.extend/);
  assert.match(blocks[5], /client\.twins\.teardown/);
});

test('sample 1: canonical twin runs (create, get, extend, lock, teardown)', async () => {
  const lines = await runSample(blocks[0]);
  assert.deepEqual(lines, []);
  const runId = ctx.runId;
  assert.match(runId, /^[0-9a-f-]{36}$/i);
  const after = await client.twinRuns.get(runId);
  assert.equal(after.scenarioId, scenarioId);
  assert.equal(after.locked, true);
  assert.deepEqual(after.twins, {});
  ctx.runId = undefined;
});

test('sample 2: list available twins', async () => {
  const lines = await runSample(blocks[1]);
  assert.ok(lines.length >= 12, lines.join('\n'));
  assert.ok(lines.includes('stripe Stripe frontend'), lines.join('\n'));
  assert.ok(lines.includes('google_calendar Google Calendar frontend'), lines.join('\n'));
});

test('samples 3–6: provision, status (baseUrl/adminUrl/envVars), extend, teardown', async () => {
  assert.deepEqual(await runSample(blocks[2]), []);
  const runId = ctx.runId;
  assert.match(runId, /^[0-9a-f-]{36}$/i);

  // Harness: wait for the run to be ready so the sample takes its `ready` branch.
  const deadline = Date.now() + WAIT.timeoutMs;
  while ((await client.twins.getStatus(runId)).status !== 'ready') {
    assert.ok(Date.now() < deadline, 'run never became ready');
    await new Promise((r) => setTimeout(r, WAIT.intervalMs));
  }
  const status = await client.twins.getStatus(runId);

  const lines = await runSample(blocks[3]);
  const text = lines.join('\n');
  assert.equal(lines[0], 'ready');
  assert.ok(!text.includes('undefined'), text);
  for (const name of ['stripe', 'slack']) {
    const twin = status.twins[name];
    assert.ok(lines.includes(`${name}: ${twin.baseUrl}`), `baseUrl line for ${name}:\n${text}`);
    assert.ok(lines.includes(`  Admin: ${twin.adminUrl}`), `adminUrl line for ${name}:\n${text}`);
    assert.match(twin.baseUrl, /^https?:\/\//);
    assert.match(twin.adminUrl, /^https?:\/\//);
  }
  assert.match(text, /Env vars: \{[^]*STRIPE_API_BASE/);
  assert.match(text, /SLACK_BOT_TOKEN/);

  const beforeExtend = Date.now();
  assert.deepEqual(await runSample(blocks[4]), []);
  const extended = await client.twins.getStatus(runId);
  const exp = Date.parse(extended.expiresAt);
  assert.ok(exp >= beforeExtend + 29 * 60_000 && exp <= Date.now() + 31 * 60_000, extended.expiresAt);

  assert.deepEqual(await runSample(blocks[5]), []);
  const gone = await client.twins.getStatus(runId);
  assert.notEqual(gone.status, 'ready');
  assert.deepEqual(gone.twins, {});
});
