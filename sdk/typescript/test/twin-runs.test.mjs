// client.twinRuns against the server under test (fake, or TWINS_URL).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WAIT, sdk, useTarget } from './helpers.mjs';

const { ApiError } = sdk;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIXED_UNKNOWN = '00000000-0000-4000-8000-000000000000';

const created = [];
const ctx = useTarget(created);

async function createRun(params) {
  const run = await ctx.client.twinRuns.create(params);
  created.push(run.runId);
  return run;
}

function assertInstance(inst, name) {
  assert.equal(inst.name, name);
  assert.equal(typeof inst.label, 'string');
  assert.ok(['frontend', 'backend'].includes(inst.kind), `kind ${inst.kind}`);
  assert.match(inst.baseUrl, /^https?:\/\//);
  assert.match(inst.adminUrl, /^https?:\/\//);
  assert.equal(typeof inst.envVars, 'object');
  assert.equal(typeof inst.showInUi, 'boolean');
  for (const snake of ['base_url', 'admin_url', 'env_vars', 'show_in_ui']) assert.ok(!(snake in inst), `${snake} not converted`);
}

describe('twinRuns', () => {
  test('create → 201 run status object in camelCase, snake_case on the wire', async () => {
    const run = await createRun({ twins: ['stripe', 'slack'], ttlMinutes: 30, public: false });
    assert.match(run.runId, UUID_RE);
    assert.ok(['queued', 'provisioning', 'ready'].includes(run.status));
    assert.equal(run.ttlMinutes, 30);
    assert.equal(run.isPublic, false);
    assert.equal(run.locked, false);
    assert.equal(typeof run.proxyToken, 'string');
    assert.ok(run.proxyToken.length > 0);
    assert.ok(!Number.isNaN(Date.parse(run.expiresAt)));
    assert.ok(!Number.isNaN(Date.parse(run.createdAt)));
    assert.deepEqual(Object.keys(run.twins).sort(), ['slack', 'stripe']);
    for (const k of ['run_id', 'expires_at', 'proxy_token', 'is_public']) assert.ok(!(k in run));

    const sent = ctx.rec.calls.at(-1);
    assert.equal(sent.method, 'POST');
    assert.ok(sent.url.endsWith('/twin-runs'));
    assert.deepEqual(sent.body, { twins: ['stripe', 'slack'], ttl_minutes: 30, public: false });
  });

  test('get, then waitUntilReady → twins keyed by catalog name with camelCase instances', async () => {
    const run = await createRun({ twins: ['google_calendar', 'google_drive', 'stripe'] });
    const got = await ctx.client.twinRuns.get(run.runId);
    assert.equal(got.runId, run.runId);
    const ready = await ctx.client.twinRuns.waitUntilReady(run.runId, WAIT);
    assert.equal(ready.status, 'ready');
    // Twin names are user data: never camelCased.
    assert.deepEqual(Object.keys(ready.twins).sort(), ['google_calendar', 'google_drive', 'stripe']);
    assert.ok(!('googleCalendar' in ready.twins));
    assertInstance(ready.twins.google_calendar, 'google_calendar');
    assertInstance(ready.twins.google_drive, 'google_drive');
    assertInstance(ready.twins.stripe, 'stripe');
    // Env var names are user data too.
    assert.ok('GOOGLE_CALENDAR_API_URL' in ready.twins.google_calendar.envVars);
    assert.ok('GOOGLE_DRIVE_API_URL' in ready.twins.google_drive.envVars);
    assert.ok('STRIPE_API_BASE' in ready.twins.stripe.envVars);
    for (const name of Object.keys(ready.twins.stripe.envVars)) assert.match(name, /^[A-Z0-9_]+$/);
  });

  test('list returns runs; status filter is sent as a query parameter', async () => {
    const run = await createRun({ twins: ['slack'] });
    await ctx.client.twinRuns.waitUntilReady(run.runId, WAIT);
    const all = await ctx.client.twinRuns.list();
    assert.ok(Array.isArray(all));
    assert.ok(all.some((r) => r.runId === run.runId));
    const ready = await ctx.client.twinRuns.list({ status: 'ready' });
    assert.ok(ready.every((r) => r.status === 'ready'));
    assert.ok(ready.some((r) => r.runId === run.runId));
    assert.ok(ctx.rec.calls.at(-1).url.endsWith('/twin-runs?status=ready'));
    const expired = await ctx.client.twinRuns.list({ status: 'expired' });
    assert.ok(!expired.some((r) => r.runId === run.runId));
  });

  test('extend sets expiry to now + ttl', async () => {
    const run = await createRun({ twins: ['stripe'], ttlMinutes: 5 });
    const before = Date.now();
    const res = await ctx.client.twinRuns.extend(run.runId, { ttlMinutes: 120 });
    assert.equal(res.status, 'extended');
    assert.equal(res.ttlMinutes, 120);
    const exp = Date.parse(res.expiresAt);
    assert.ok(exp >= before + 119 * 60_000 && exp <= Date.now() + 121 * 60_000, res.expiresAt);
    assert.deepEqual(ctx.rec.calls.at(-1).body, { ttl_minutes: 120 });
    const got = await ctx.client.twinRuns.get(run.runId);
    assert.equal(Date.parse(got.expiresAt), exp);
  });

  test('lock → locked, then already_locked; run becomes private', async () => {
    const run = await createRun({ twins: ['stripe'] });
    const first = await ctx.client.twinRuns.lock(run.runId);
    assert.deepEqual(first, { status: 'locked', runId: run.runId, isPublic: false });
    const second = await ctx.client.twinRuns.lock(run.runId);
    assert.equal(second.status, 'already_locked');
    assert.equal(second.isPublic, false);
    const got = await ctx.client.twinRuns.get(run.runId);
    assert.equal(got.locked, true);
    assert.equal(got.isPublic, false);
  });

  test('reset → reset_complete with twin-name keys preserved', async () => {
    const run = await createRun({ twins: ['google_calendar', 'stripe'] });
    await ctx.client.twinRuns.waitUntilReady(run.runId, WAIT);
    const res = await ctx.client.twinRuns.reset(run.runId);
    assert.equal(res.runId, run.runId);
    assert.equal(res.status, 'reset_complete');
    assert.equal(res.baselineKind, 'empty');
    assert.deepEqual(Object.keys(res.factoryReset).sort(), ['google_calendar', 'stripe']);
    assert.equal(res.factoryReset.google_calendar.status, 'ok');
    assert.equal(typeof res.seedResults, 'object');
  });

  test('teardown → cleaning_up; later reads are terminal with no twins; extend/lock then 409', async () => {
    const run = await createRun({ twins: ['slack'] });
    const res = await ctx.client.twinRuns.teardown(run.runId);
    assert.deepEqual(res, { status: 'cleaning_up', runId: run.runId });
    const got = await ctx.client.twinRuns.get(run.runId);
    assert.ok(['cancelled', 'expired', 'failed'].includes(got.status), got.status);
    assert.deepEqual(got.twins, {});
    await assert.rejects(ctx.client.twinRuns.extend(run.runId, { ttlMinutes: 10 }), (e) => e instanceof ApiError && e.status === 409);
    await assert.rejects(ctx.client.twinRuns.lock(run.runId), (e) => e instanceof ApiError && e.status === 409);
    await assert.rejects(
      ctx.client.twinRuns.waitUntilReady(run.runId, WAIT),
      (e) => e instanceof sdk.RunNotReadyError && e.status === got.status,
    );
  });

  describe('errors', () => {
    test('unknown twin → 400 ApiError naming it', async () => {
      const err = await ctx.client.twinRuns.create({ twins: ['stripe', 'foo'] }).catch((e) => e);
      assert.ok(err instanceof ApiError, String(err));
      assert.ok(err instanceof Error);
      assert.equal(err.status, 400);
      assert.match(err.detail, /foo/);
      assert.equal(err.body.detail, err.detail);
      assert.match(err.message, /400/);
    });

    for (const ttl of [0, 481, -5]) {
      test(`ttlMinutes ${ttl} → 400`, async () => {
        await assert.rejects(ctx.client.twinRuns.create({ twins: ['stripe'], ttlMinutes: ttl }), (e) => e instanceof ApiError && e.status === 400);
      });
    }

    test('extend with ttl out of range → 400', async () => {
      const run = await createRun({ twins: ['stripe'] });
      await assert.rejects(ctx.client.twinRuns.extend(run.runId, { ttlMinutes: 1000 }), (e) => e instanceof ApiError && e.status === 400);
    });

    test('malformed run id → 400; unknown run → 404', async () => {
      for (const call of [
        () => ctx.client.twinRuns.get('not-a-uuid'),
        () => ctx.client.twinRuns.extend('not-a-uuid', { ttlMinutes: 5 }),
        () => ctx.client.twinRuns.lock('not-a-uuid'),
        () => ctx.client.twinRuns.reset('not-a-uuid'),
        () => ctx.client.twinRuns.teardown('not-a-uuid'),
      ]) {
        await assert.rejects(call(), (e) => e instanceof ApiError && e.status === 400);
      }
      for (const call of [
        () => ctx.client.twinRuns.get(FIXED_UNKNOWN),
        () => ctx.client.twinRuns.extend(FIXED_UNKNOWN, { ttlMinutes: 5 }),
        () => ctx.client.twinRuns.lock(FIXED_UNKNOWN),
        () => ctx.client.twinRuns.reset(FIXED_UNKNOWN),
        () => ctx.client.twinRuns.teardown(FIXED_UNKNOWN),
      ]) {
        await assert.rejects(call(), (e) => e instanceof ApiError && e.status === 404 && typeof e.detail === 'string');
      }
    });

    test('empty run id is rejected client-side', async () => {
      await assert.rejects(ctx.client.twinRuns.get(''), TypeError);
    });

    test('wrong API key → 401 ApiError (when the server requires keys)', { skip: Boolean(process.env.TWINS_URL) && !process.env.TWINS_API_KEY }, async () => {
      const bad = new sdk.Client({ baseUrl: ctx.t.url, apiKey: 'definitely-wrong', maxRetries: 0 });
      await assert.rejects(bad.twinRuns.list(), (e) => e instanceof ApiError && (e.status === 401 || e.status === 403));
    });
  });
});
