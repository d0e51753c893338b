// client.twins: the legacy /validate/twins/... helpers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WAIT, sdk, useTarget } from './helpers.mjs';

const { ApiError } = sdk;
const created = [];
const ctx = useTarget(created);

async function provision(params) {
  const res = await ctx.client.twins.provision(params);
  created.push(res.runId);
  return res;
}

async function waitReady(runId) {
  const deadline = Date.now() + WAIT.timeoutMs;
  for (;;) {
    const s = await ctx.client.twins.getStatus(runId);
    if (s.status === 'ready') return s;
    assert.ok(!['failed', 'expired', 'cancelled'].includes(s.status), `run ${runId} is ${s.status}`);
    assert.ok(Date.now() < deadline, 'run never became ready');
    await new Promise((r) => setTimeout(r, WAIT.intervalMs));
  }
}

describe('twins (legacy)', () => {
  test('list → catalog entries with name, label, kind, showInUi, hosts', async () => {
    const twins = await ctx.client.twins.list();
    assert.ok(Array.isArray(twins));
    const names = twins.map((x) => x.name);
    for (const n of ['stripe', 'slack', 'github', 'google_calendar', 'google_drive', 'notion', 'discord', 'dropbox', 'box', 'jira', 'unstructured', 'unified']) {
      assert.ok(names.includes(n), `catalog has ${n}`);
    }
    const stripe = twins.find((x) => x.name === 'stripe');
    assert.equal(stripe.label, 'Stripe');
    assert.equal(stripe.kind, 'frontend');
    assert.equal(typeof stripe.showInUi, 'boolean');
    assert.ok(Array.isArray(stripe.hosts));
    assert.ok(stripe.hosts.includes('api.stripe.com'));
    assert.ok(!('show_in_ui' in stripe));
    assert.equal(twins.find((x) => x.name === 'jira').kind, 'backend');
  });

  test('provision → { runId, status }; getStatus → run status object', async () => {
    const res = await provision({ twins: ['google_calendar', 'slack'], ttlMinutes: 60 });
    assert.match(res.runId, /^[0-9a-f-]{36}$/i);
    assert.equal(typeof res.status, 'string');
    const sent = ctx.rec.calls.at(-1);
    assert.ok(sent.url.endsWith('/validate/twins/provision'));
    assert.deepEqual(sent.body, { twins: ['google_calendar', 'slack'], ttl_minutes: 60 });

    const status = await waitReady(res.runId);
    assert.equal(status.runId, res.runId);
    assert.deepEqual(Object.keys(status.twins).sort(), ['google_calendar', 'slack']);
    const cal = status.twins.google_calendar;
    assert.equal(cal.name, 'google_calendar');
    assert.match(cal.baseUrl, /^https?:\/\//);
    assert.match(cal.adminUrl, /^https?:\/\//);
    assert.ok('GOOGLE_CALENDAR_API_URL' in cal.envVars);
    assert.ok('SLACK_BOT_TOKEN' in status.twins.slack.envVars);
    assert.ok(ctx.rec.calls.at(-1).url.endsWith(`/validate/twins/provision/${res.runId}/status`));
  });

  test('extend, reset, teardown use the /validate/twins/provision/{id}/... paths', async () => {
    const { runId } = await provision({ twins: ['stripe'] });
    await waitReady(runId);
    const ext = await ctx.client.twins.extend(runId, { ttlMinutes: 30 });
    assert.equal(ext.status, 'extended');
    assert.equal(ext.ttlMinutes, 30);
    assert.ok(ctx.rec.calls.at(-1).url.endsWith(`/validate/twins/provision/${runId}/extend`));
    const reset = await ctx.client.twins.reset(runId);
    assert.equal(reset.status, 'reset_complete');
    assert.deepEqual(Object.keys(reset.factoryReset), ['stripe']);
    assert.ok(ctx.rec.calls.at(-1).url.endsWith(`/validate/twins/provision/${runId}/reset`));
    const td = await ctx.client.twins.teardown(runId);
    assert.deepEqual(td, { status: 'cleaning_up', runId });
    assert.ok(ctx.rec.calls.at(-1).url.endsWith(`/validate/twins/provision/${runId}/teardown`));
    const after = await ctx.client.twins.getStatus(runId);
    assert.deepEqual(after.twins, {});
    await assert.rejects(ctx.client.twins.extend(runId, { ttlMinutes: 5 }), (e) => e instanceof ApiError && e.status === 409);
  });

  test('there is no lock() on ctx.client.twins', () => {
    assert.equal('lock' in ctx.client.twins, false);
    assert.equal(typeof ctx.client.twinRuns.lock, 'function');
  });

  test('errors: unknown twin 400, malformed id 400, unknown id 404', async () => {
    const e1 = await ctx.client.twins.provision({ twins: ['nope_twin'] }).catch((e) => e);
    assert.ok(e1 instanceof ApiError);
    assert.equal(e1.status, 400);
    assert.match(e1.detail, /nope_twin/);
    await assert.rejects(ctx.client.twins.getStatus('xyz'), (e) => e instanceof ApiError && e.status === 400);
    await assert.rejects(
      ctx.client.twins.getStatus('00000000-0000-4000-8000-000000000000'),
      (e) => e instanceof ApiError && e.status === 404,
    );
  });
});
