// client.scenarios: CRUD, presets, filters, twin environments, seedConfig preservation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WAIT, sdk, useTarget } from './helpers.mjs';

const { ApiError } = sdk;
const scenarioIds = [];
const runIds = [];
const ctx = useTarget(runIds, async (client) => {
  for (const id of scenarioIds) {
    await client.scenarios.deleteTwinEnvironment(id).catch(() => {});
    await client.scenarios.delete(id).catch(() => {});
  }
});
const tag = `sdk-test-${process.pid}-${Date.now()}`;

// Valid per the documented seed shapes (docs/README.md §2.3); the snake_case
// field names inside (mime_type, real_name, default_branch) must survive.
const SEED = {
  google_calendar: {
    calendars: [
      { name: 'Team', events: [{ summary: 'Standup', start: '2025-01-06T09:00:00Z', end: '2025-01-06T09:15:00Z' }] },
    ],
  },
  google_drive: {
    folders: [{ name: 'Specs', files: [{ name: 'plan.md', content: '# Plan', mime_type: 'text/markdown' }] }],
  },
  stripe: {
    customers: [{ email: 'alice@example.com', name: 'Alice Liddell' }],
  },
  slack: {
    users: [{ name: 'alice', real_name: 'Alice Liddell' }],
    channels: [{ name: 'general', messages: [{ text: 'hello', user: 'alice' }] }],
  },
};

async function createScenario(params) {
  const s = await ctx.client.scenarios.create(params);
  scenarioIds.push(s.id);
  return s;
}

describe('scenarios', () => {
  test('create: seedConfig is sent and returned untouched; other keys converted', async () => {
    const s = await createScenario({
      name: 'calendar + drive',
      description: 'sdk test',
      twins: ['google_calendar', 'google_drive', 'slack'],
      seedConfig: SEED,
      tags: [tag],
      prompt: 'a team with a calendar',
    });
    const sent = ctx.rec.calls.at(-1).body;
    assert.deepEqual(sent.seed_config, SEED);
    assert.ok(!('seedConfig' in sent));
    assert.equal(typeof s.id, 'string');
    assert.equal(s.name, 'calendar + drive');
    assert.deepEqual(s.seedConfig, SEED);
    assert.deepEqual(s.tags, [tag]);
    assert.deepEqual([...s.twins].sort(), ['google_calendar', 'google_drive', 'slack']);
    assert.equal(s.isPreset, false);
    assert.ok(!('seed_config' in s) && !('is_preset' in s));
  });

  test('get and update (PUT, partial)', async () => {
    const s = await createScenario({ name: 'to update', twins: ['slack'], seedConfig: { slack: SEED.slack }, tags: [tag] });
    const got = await ctx.client.scenarios.get(s.id);
    assert.deepEqual(got.seedConfig, { slack: SEED.slack });
    const upd = await ctx.client.scenarios.update(s.id, { description: 'changed', seedConfig: { slack: { users: [{ name: 'bob', real_name: 'Bob B' }] } } });
    const call = ctx.rec.calls.at(-1);
    assert.equal(call.method, 'PUT');
    assert.deepEqual(call.body, { description: 'changed', seed_config: { slack: { users: [{ name: 'bob', real_name: 'Bob B' }] } } });
    assert.equal(upd.description, 'changed');
    assert.equal(upd.name, 'to update');
    assert.equal(upd.seedConfig.slack.users[0].real_name, 'Bob B');
  });

  test('list with filters: twin, tag, includePresets', async () => {
    const a = await createScenario({ name: 'A', twins: ['google_drive'], seedConfig: { google_drive: SEED.google_drive }, tags: [tag] });
    const b = await createScenario({ name: 'B', twins: ['slack'], seedConfig: { slack: SEED.slack }, tags: [tag] });
    const byTag = await ctx.client.scenarios.list({ tag });
    assert.ok(byTag.some((s) => s.id === a.id) && byTag.some((s) => s.id === b.id));
    assert.ok(byTag.every((s) => s.tags.includes(tag)));
    const byTwin = await ctx.client.scenarios.list({ twin: 'google_drive', tag });
    assert.ok(byTwin.some((s) => s.id === a.id));
    assert.ok(!byTwin.some((s) => s.id === b.id));
    const url = new URL(ctx.rec.calls.at(-1).url);
    assert.equal(url.pathname.endsWith('/scenarios'), true);
    assert.equal(url.searchParams.get('twin'), 'google_drive');

    const withPresets = await ctx.client.scenarios.list({ includePresets: true });
    assert.equal(new URL(ctx.rec.calls.at(-1).url).searchParams.get('include_presets'), 'true');
    const preset = withPresets.find((s) => s.id === 'preset-ecommerce-checkout');
    assert.ok(preset, 'preset-ecommerce-checkout listed');
    assert.equal(preset.isPreset, true);
    const p = await ctx.client.scenarios.get('preset-calendar-conflicts');
    assert.ok(p.twins.includes('google_calendar'));
  });

  test('delete, then get → 404', async () => {
    const s = await ctx.client.scenarios.create({ name: 'gone soon', tags: [tag] });
    await ctx.client.scenarios.delete(s.id);
    assert.equal(ctx.rec.calls.at(-1).method, 'DELETE');
    await assert.rejects(ctx.client.scenarios.get(s.id), (e) => e instanceof ApiError && e.status === 404);
  });

  test('errors: missing name 400, unknown twin 400, unknown id 404', async () => {
    await assert.rejects(ctx.client.scenarios.create({ description: 'no name' }), (e) => e instanceof ApiError && e.status === 400);
    const e = await ctx.client.scenarios.create({ name: 'x', twins: ['foo'] }).catch((x) => x);
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 400);
    assert.match(e.detail, /foo/);
    await assert.rejects(ctx.client.scenarios.get('no-such-scenario-id'), (x) => x instanceof ApiError && x.status === 404);
    // A run naming an unknown scenario is refused (404 on the fake, like the server).
    await assert.rejects(
      ctx.client.twinRuns.create({ twins: ['stripe'], scenarioId: 'no-such-scenario-id' }),
      (x) => x instanceof ApiError && (x.status === 404 || x.status === 400) && /no-such-scenario-id/.test(x.detail),
    );
  });

  test('a run seeded from a scenario reports seedResults keyed by twin name; reset restores the scenario baseline', async () => {
    const s = await createScenario({ name: 'seeded run', twins: ['google_calendar', 'stripe'], seedConfig: { google_calendar: SEED.google_calendar, stripe: SEED.stripe }, tags: [tag] });
    const run = await ctx.client.twinRuns.create({ twins: ['google_calendar', 'stripe'], scenarioId: s.id });
    runIds.push(run.runId);
    assert.deepEqual(ctx.rec.calls.at(-1).body, { twins: ['google_calendar', 'stripe'], scenario_id: s.id });
    const ready = await ctx.client.twinRuns.waitUntilReady(run.runId, WAIT);
    assert.equal(ready.scenarioId, s.id);
    assert.ok(ready.seedResults && 'google_calendar' in ready.seedResults, JSON.stringify(ready.seedResults));
    assert.ok(!('googleCalendar' in ready.seedResults));
    assert.equal(ready.seedResults.stripe.status, 'seeded');
    // Twins whose seeding has not landed say so rather than pretend.
    assert.ok(['seeded', 'skipped'].includes(ready.seedResults.google_calendar.status));
    const reset = await ctx.client.twinRuns.reset(run.runId);
    assert.equal(reset.baselineKind, 'scenario');
    assert.ok('google_calendar' in reset.seedResults);
    assert.ok(!('googleCalendar' in reset.seedResults));
  });

  test('twin environment: ensure, get, reseed, list, delete', async () => {
    const s = await createScenario({ name: 'env', twins: ['google_drive', 'slack'], seedConfig: { google_drive: SEED.google_drive }, tags: [tag] });
    const env = await ctx.client.scenarios.ensureTwinEnvironment(s.id, { twins: ['google_drive', 'slack'], public: false });
    assert.ok(ctx.rec.calls.at(-1).url.endsWith(`/scenarios/${s.id}/twin-environment`));
    assert.deepEqual(ctx.rec.calls.at(-1).body, { twins: ['google_drive', 'slack'], public: false });
    assert.deepEqual(Object.keys(env.twins).sort(), ['google_drive', 'slack']);
    assert.match(env.twins.google_drive.baseUrl, /^https?:\/\//);
    assert.ok('GOOGLE_DRIVE_API_URL' in env.twins.google_drive.envVars);

    const again = await ctx.client.scenarios.ensureTwinEnvironment(s.id, { twins: ['google_drive', 'slack'] });
    assert.equal(again.twins.google_drive.baseUrl, env.twins.google_drive.baseUrl, 'stable URLs');
    const got = await ctx.client.scenarios.getTwinEnvironment(s.id);
    assert.equal(got.twins.google_drive.baseUrl, env.twins.google_drive.baseUrl);

    const reseed = await ctx.client.scenarios.reseedTwinEnvironment(s.id);
    assert.equal(typeof reseed, 'object');
    assert.ok(ctx.rec.calls.at(-1).url.endsWith(`/scenarios/${s.id}/twin-environment/reseed`));

    const all = await ctx.client.scenarios.listTwinEnvironments();
    assert.ok(Array.isArray(all));
    assert.ok(all.some((e) => e.scenarioId === s.id));
    assert.ok(ctx.rec.calls.at(-1).url.endsWith('/scenario-twin-environments'));

    await ctx.client.scenarios.deleteTwinEnvironment(s.id);
    assert.equal(ctx.rec.calls.at(-1).method, 'DELETE');
    await assert.rejects(ctx.client.scenarios.getTwinEnvironment(s.id), (e) => e instanceof ApiError && e.status === 404);
  });
});
