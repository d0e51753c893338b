// Control plane, run lifecycle, addressing and the admin endpoints every
// twin has, driven over HTTP against the real binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import http from 'node:http';
import { startServer, api, createRun, randomPortRange, TWINS_BIN } from '../lib/server.mjs';

const ALL = ['stripe', 'slack', 'github', 'google_drive', 'google_calendar', 'dropbox', 'notion', 'discord', 'box',
  'jira', 'unstructured', 'unified'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let srv;

before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

const admin = (run, twin, path, method = 'GET', body, extra = {}) =>
  api(srv.url, method, `/runs/${run.run_id}/twins/${twin}/admin${path}`, body,
    { 'x-twins-token': run.proxy_token, ...extra });

test('health answers without a key', async () => {
  const r = await api(srv.url, 'GET', '/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.twins, 12);
});

test('catalog lists all twelve twins with their fields', async () => {
  const r = await api(srv.url, 'GET', '/validate/twins');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.map((t) => t.name), ALL);
  for (const t of r.body) {
    assert.ok(t.label && ['frontend', 'backend'].includes(t.kind), t.name);
    assert.equal(typeof t.show_in_ui, 'boolean');
    assert.ok(Array.isArray(t.hosts) && t.hosts.length > 0);
  }
  assert.equal(r.body.find((t) => t.name === 'stripe').kind, 'frontend');
  assert.equal(r.body.find((t) => t.name === 'jira').kind, 'backend');
});

test('a run of all twelve twins gets distinct base URLs, admin URLs and env vars', async () => {
  const run = await createRun(srv.url, ALL, { ttl_minutes: 5 });
  assert.match(run.run_id, UUID);
  assert.equal(run.status, 'ready');
  assert.equal(run.ttl_minutes, 5);
  assert.equal(run.is_public, true);
  assert.equal(run.locked, false);
  assert.ok(run.proxy_token.length >= 32);
  assert.deepEqual(Object.keys(run.twins).sort(), [...ALL].sort());
  const bases = new Set();
  for (const [name, t] of Object.entries(run.twins)) {
    assert.equal(t.name, name);
    assert.match(t.base_url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(t.admin_url, `${srv.url}/runs/${run.run_id}/twins/${name}`);
    bases.add(t.base_url);
  }
  assert.equal(bases.size, 12);
  const env = (n) => run.twins[n].env_vars;
  assert.equal(env('stripe').STRIPE_API_BASE, run.twins.stripe.base_url);
  assert.match(env('stripe').STRIPE_SECRET_KEY, /^sk_test_/);
  assert.match(env('stripe').STRIPE_WEBHOOK_SECRET, /^whsec_/);
  assert.equal(env('slack').SLACK_API_URL, run.twins.slack.base_url + '/api/');
  assert.equal(env('slack').SLACK_BOT_TOKEN, 'xoxb-F9SXMECOSFOGYR3XKXWN');
  assert.ok(env('slack').SLACK_SIGNING_SECRET);
  assert.equal(env('github').GITHUB_API_URL, run.twins.github.base_url);
  assert.ok(env('github').GITHUB_TOKEN);
  assert.equal(env('notion').NOTION_API_URL, run.twins.notion.base_url);
  assert.ok(env('notion').NOTION_TOKEN);
  assert.equal(env('google_drive').GOOGLE_DRIVE_API_URL, run.twins.google_drive.base_url);
  assert.equal(env('google_calendar').GOOGLE_CALENDAR_API_URL, run.twins.google_calendar.base_url);
  assert.ok(env('google_drive').GOOGLE_ACCESS_TOKEN);
  assert.equal(env('dropbox').DROPBOX_API_URL, run.twins.dropbox.base_url);
  assert.ok(env('dropbox').DROPBOX_ACCESS_TOKEN);
  assert.equal(env('discord').DISCORD_API_URL, run.twins.discord.base_url + '/api');
  assert.ok(env('discord').DISCORD_BOT_TOKEN);
  assert.equal(env('box').BOX_API_URL, run.twins.box.base_url);
  assert.ok(env('box').BOX_DEVELOPER_TOKEN);
  assert.equal(env('jira').JIRA_BASE_URL, run.twins.jira.base_url);
  assert.ok(env('jira').JIRA_API_TOKEN);
  assert.equal(env('unstructured').UNSTRUCTURED_API_URL, run.twins.unstructured.base_url);
  assert.ok(env('unstructured').UNSTRUCTURED_API_KEY);
  assert.equal(env('unified').UNIFIED_API_URL, run.twins.unified.base_url);
  assert.ok(env('unified').UNIFIED_API_KEY);
  // Every base URL answers (an unknown path gets a JSON 404, not a dead socket).
  for (const t of Object.values(run.twins)) {
    const r = await api(t.base_url, 'GET', '/no/such/route/here');
    // Each in the service's own shape; Notion says 400 invalid_request_url, as the real API does.
    assert.equal(r.status, t.name === 'notion' ? 400 : 404, t.name);
  }
  await api(srv.url, 'POST', `/twin-runs/${run.run_id}/teardown`);
});

test('create validates its input', async () => {
  let r = await api(srv.url, 'POST', '/twin-runs', { twins: ['stripe', 'nope'] });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /nope/);
  r = await api(srv.url, 'POST', '/twin-runs', { twins: [] });
  assert.equal(r.status, 400);
  r = await api(srv.url, 'POST', '/twin-runs', {});
  assert.equal(r.status, 400);
  for (const ttl of [0, 481, -5, 1.5, 'ten']) {
    r = await api(srv.url, 'POST', '/twin-runs', { twins: ['stripe'], ttl_minutes: ttl });
    assert.equal(r.status, 400, `ttl ${ttl}`);
    assert.ok(r.body.detail);
  }
  r = await api(srv.url, 'POST', '/twin-runs', '{"twins": [', { 'content-type': 'application/json' });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /invalid JSON/);
  r = await api(srv.url, 'POST', '/twin-runs', 'twins=stripe', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(r.status, 415);
  r = await api(srv.url, 'POST', '/twin-runs', { twins: ['stripe'], scenario_id: 'no-such-scenario' });
  assert.equal(r.status, 404);
});

test('get, list and status filter', async () => {
  const run = await createRun(srv.url, ['stripe']);
  let r = await api(srv.url, 'GET', `/twin-runs/${run.run_id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.run_id, run.run_id);
  assert.deepEqual(Object.keys(r.body.twins), ['stripe']);
  for (const k of ['created_at', 'expires_at', 'dashboard_url', 'seed_results', 'scenario_id', 'error'])
    assert.ok(k in r.body, k);
  r = await api(srv.url, 'GET', '/twin-runs');
  assert.ok(r.body.some((x) => x.run_id === run.run_id));
  r = await api(srv.url, 'GET', '/twin-runs?status=cancelled');
  assert.ok(!r.body.some((x) => x.run_id === run.run_id));
  r = await api(srv.url, 'GET', '/twin-runs/not-a-uuid');
  assert.equal(r.status, 400);
  r = await api(srv.url, 'GET', '/twin-runs/00000000-0000-4000-8000-000000000000');
  assert.equal(r.status, 404);
});

test('extend sets expiry to now + ttl', async () => {
  const run = await createRun(srv.url, ['slack'], { ttl_minutes: 2 });
  const t0 = Date.now();
  const r = await api(srv.url, 'POST', `/twin-runs/${run.run_id}/extend`, { ttl_minutes: 30 });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'extended');
  assert.equal(r.body.ttl_minutes, 30);
  const exp = Date.parse(r.body.expires_at);
  assert.ok(Math.abs(exp - (t0 + 30 * 60000)) < 5000, r.body.expires_at);
  const bad = await api(srv.url, 'POST', `/twin-runs/${run.run_id}/extend`, { ttl_minutes: 999 });
  assert.equal(bad.status, 400);
});

test('lock revokes public access unless the proxy token is presented', async () => {
  const run = await createRun(srv.url, ['github']);
  const base = run.twins.github.base_url;
  assert.equal((await api(base, 'GET', '/definitely/missing')).status, 404);
  let r = await api(srv.url, 'POST', `/twin-runs/${run.run_id}/lock`);
  assert.deepEqual(r.body, { status: 'locked', run_id: run.run_id, is_public: false });
  r = await api(srv.url, 'POST', `/twin-runs/${run.run_id}/lock`);
  assert.equal(r.body.status, 'already_locked');
  assert.equal((await api(base, 'GET', '/definitely/missing')).status, 403);
  assert.equal((await api(base, 'GET', `/definitely/missing?token=${run.proxy_token}`)).status, 404);
  assert.equal((await api(base, 'GET', '/definitely/missing', undefined, { cookie: `twins_token=${run.proxy_token}` })).status, 404);
  assert.equal((await api(base, 'GET', '/definitely/missing?token=wrong')).status, 403);
  // Admin access survives the lock.
  assert.equal((await admin(run, 'github', '/state')).status, 200);
  const s = await api(srv.url, 'GET', `/twin-runs/${run.run_id}`);
  assert.equal(s.body.locked, true);
  assert.equal(s.body.is_public, false);
});

test('teardown frees the run at once; terminal runs refuse extend and lock', async () => {
  const run = await createRun(srv.url, ['notion']);
  const base = run.twins.notion.base_url;
  let r = await api(srv.url, 'POST', `/twin-runs/${run.run_id}/teardown`);
  assert.deepEqual(r.body, { status: 'cleaning_up', run_id: run.run_id });
  r = await api(srv.url, 'GET', `/twin-runs/${run.run_id}`);
  assert.equal(r.body.status, 'cancelled');
  assert.deepEqual(r.body.twins, {});
  await assert.rejects(fetch(base + '/v1/users'));
  r = await api(srv.url, 'POST', `/twin-runs/${run.run_id}/extend`, { ttl_minutes: 5 });
  assert.equal(r.status, 409);
  r = await api(srv.url, 'POST', `/twin-runs/${run.run_id}/lock`);
  assert.equal(r.status, 409);
  const run2 = await createRun(srv.url, ['box']);
  r = await api(srv.url, 'DELETE', `/twin-runs/${run2.run_id}`);
  assert.equal(r.body.status, 'cleaning_up');
  assert.equal((await api(srv.url, 'GET', `/twin-runs/${run2.run_id}`)).body.status, 'cancelled');
});

test('legacy /validate/twins routes share the semantics', async () => {
  let r = await api(srv.url, 'POST', '/validate/twins/provision', { twins: ['stripe', 'google_calendar'], ttl_minutes: 10 });
  assert.equal(r.status, 201);
  assert.match(r.body.run_id, UUID);
  assert.ok(r.body.status);
  const id = r.body.run_id;
  r = await api(srv.url, 'GET', `/validate/twins/provision/${id}/status`);
  assert.equal(r.body.status, 'ready');
  assert.ok(r.body.twins.google_calendar.env_vars.GOOGLE_CALENDAR_API_URL);
  r = await api(srv.url, 'POST', `/validate/twins/provision/${id}/extend`, { ttl_minutes: 20 });
  assert.equal(r.body.status, 'extended');
  r = await api(srv.url, 'POST', `/validate/twins/provision/${id}/reset`);
  assert.equal(r.body.status, 'reset_complete');
  r = await api(srv.url, 'POST', `/validate/twins/provision/${id}/teardown`);
  assert.equal(r.body.status, 'cleaning_up');
  r = await api(srv.url, 'POST', '/validate/twins/provision', { twins: ['nope'] });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /nope/);
});

test('reset answers with the contract shape', async () => {
  const run = await createRun(srv.url, ['stripe', 'slack']);
  const r = await api(srv.url, 'POST', `/twin-runs/${run.run_id}/reset`);
  assert.equal(r.status, 200);
  assert.equal(r.body.run_id, run.run_id);
  assert.equal(r.body.status, 'reset_complete');
  assert.equal(r.body.baseline_kind, 'empty');
  assert.deepEqual(r.body.factory_reset, { stripe: { status: 'ok' }, slack: { status: 'ok' } });
  assert.ok(r.body.seed_results);
  const again = await api(srv.url, 'GET', `/twin-runs/${run.run_id}`);
  assert.equal(again.body.twins.stripe.base_url, run.twins.stripe.base_url);
});

test('admin endpoints need the proxy token', async () => {
  const run = await createRun(srv.url, ['slack']);
  let r = await api(srv.url, 'GET', `/runs/${run.run_id}/twins/slack/admin/state`);
  assert.equal(r.status, 401);
  r = await api(srv.url, 'GET', `/runs/${run.run_id}/twins/slack/admin/state?token=${run.proxy_token}`);
  assert.equal(r.status, 200);
  const other = await createRun(srv.url, ['slack']);
  r = await api(srv.url, 'GET', `/runs/${run.run_id}/twins/slack/admin/state?token=${other.proxy_token}`);
  assert.equal(r.status, 401, "one run's token never opens another run");
  r = await admin(run, 'github', '/state');
  assert.equal(r.status, 404);
});

test('admin config: GET, PATCH merges, PUT replaces', async () => {
  const run = await createRun(srv.url, ['slack']);
  let r = await admin(run, 'slack', '/config');
  assert.equal(r.status, 200);
  r = await admin(run, 'slack', '/config', 'PATCH', { tier: 'pro', a: 1 });
  assert.equal(r.body.tier, 'pro');
  r = await admin(run, 'slack', '/config', 'PATCH', { b: 2 });
  assert.equal(r.body.a, 1);
  assert.equal(r.body.b, 2);
  r = await admin(run, 'slack', '/config', 'PUT', { c: 3 });
  assert.equal(r.body.c, 3);
  assert.equal(r.body.a, undefined);
  r = await admin(run, 'slack', '/config', 'PUT', '[1,2]');
  assert.equal(r.status, 400);
  // Reset returns the config to what it was at provision.
  await admin(run, 'slack', '/reset', 'POST');
  r = await admin(run, 'slack', '/config');
  assert.equal(r.body.c, undefined);
});

test('request journal records data-plane calls', async () => {
  const run = await createRun(srv.url, ['discord']);
  await api(run.twins.discord.base_url, 'GET', '/nothing/here?x=1');
  await api(run.twins.discord.base_url, 'POST', '/also/nothing', { a: 1 });
  const r = await admin(run, 'discord', '/requests');
  assert.equal(r.status, 200);
  assert.equal(r.body.requests.length, 2);
  const [newest, older] = r.body.requests;
  assert.equal(newest.method, 'POST');
  assert.equal(older.path, '/nothing/here?x=1');
  assert.equal(older.status, 404);
  assert.ok(typeof newest.duration_ms === 'number' && newest.timestamp);
});

test('faults: forced status for N requests, then back to normal', async () => {
  const run = await createRun(srv.url, ['box']);
  const base = run.twins.box.base_url;
  let r = await admin(run, 'box', '/faults', 'POST', { route: 'GET /boom*', status: 503, count: 2, message: 'down' });
  assert.equal(r.status, 201);
  assert.ok(r.body.id);
  assert.equal((await api(base, 'GET', '/boom/1')).status, 503);
  assert.equal((await api(base, 'GET', '/boom/2')).status, 503);
  assert.equal((await api(base, 'GET', '/boom/3')).status, 404);
  r = await admin(run, 'box', '/faults');
  assert.deepEqual(r.body.faults, []);
  r = await admin(run, 'box', '/faults', 'POST', { route: '/x', status: 200 });
  assert.equal(r.status, 400);
});

test('faults: 429 with Retry-After, latency, and a reproducible probability', async () => {
  const run = await createRun(srv.url, ['jira']);
  const base = run.twins.jira.base_url;
  await admin(run, 'jira', '/faults', 'POST', { route: '/limited', status: 429, retry_after: 7, count: 1 });
  let r = await api(base, 'GET', '/limited');
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '7');
  await admin(run, 'jira', '/faults', 'POST', { route: '/slow', latency_ms: 150, count: 1 });
  const t0 = Date.now();
  r = await api(base, 'GET', '/slow');
  assert.ok(Date.now() - t0 >= 140);
  assert.equal(r.status, 404);
  const pattern = async () => {
    await admin(run, 'jira', '/faults', 'DELETE');
    await admin(run, 'jira', '/faults', 'POST', { route: '/flaky', status: 500, probability: 0.5, seed: 42 });
    const seq = [];
    for (let i = 0; i < 16; i++) seq.push((await api(base, 'GET', '/flaky')).status);
    return seq.join(',');
  };
  const a = await pattern(), b = await pattern();
  assert.equal(a, b);
  assert.ok(a.includes('500') && a.includes('404'), a);
});

test('stub-hits and openapi exist for every twin', async () => {
  const run = await createRun(srv.url, ['unified']);
  let r = await admin(run, 'unified', '/stub-hits');
  assert.equal(r.status, 200);
  for (const k of ['total_hits', 'unique_endpoints', 'summary', 'recent']) assert.ok(k in r.body, k);
  r = await admin(run, 'unified', '/stub-hits/clear', 'POST');
  assert.deepEqual(r.body, { ok: true });
  r = await admin(run, 'unified', '/openapi');
  assert.equal(r.status, 200);
  assert.equal(r.body.twin, 'unified');
  assert.ok(Array.isArray(r.body.operations));
});

test('state dump and metrics', async () => {
  const run = await createRun(srv.url, ['stripe']);
  const r = await admin(run, 'stripe', '/state');
  assert.equal(r.body.twin, 'stripe');
  assert.equal(r.body.run_id, run.run_id);
  assert.equal(typeof r.body.state, 'object');
  const m = await fetch(srv.url + '/metrics').then((x) => x.text());
  assert.match(m, /twins_requests_total\{/);
  assert.match(m, /twins_request_duration_seconds_bucket\{le="\+Inf"\}/);
  assert.match(m, /twins_live_runs \d+/);
});

test('oversized bodies get 413, the server survives', async () => {
  const small = await startServer({ args: ['--max-body', '1024'] });
  try {
    const r = await api(small.url, 'POST', '/twin-runs', JSON.stringify({ twins: ['stripe'], pad: 'x'.repeat(5000) }));
    assert.equal(r.status, 413);
    assert.equal((await api(small.url, 'GET', '/health')).status, 200);
  } finally { await small.stop(); }
});

test('slow clients are cut off by the header timeout', async () => {
  const sock = net.connect(srv.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  sock.write('GET /health HTTP/1.1\r\nHost: x\r\n'); // never finishes the head
  const closed = await Promise.race([
    new Promise((r) => sock.once('close', () => r(true))),
    new Promise((r) => setTimeout(() => r(false), 15000)),
  ]);
  sock.destroy();
  assert.ok(closed, 'connection closed by the server');
});

test('API keys: required when configured; non-loopback bind refuses to start without one', async () => {
  const keyed = await startServer({ args: ['--api-key', 'k_test_123'] });
  try {
    assert.equal((await api(keyed.url, 'GET', '/health')).status, 200);
    assert.equal((await api(keyed.url, 'GET', '/twin-runs')).status, 401);
    assert.equal((await api(keyed.url, 'GET', '/twin-runs', undefined, { authorization: 'Bearer nope' })).status, 401);
    const ok = await api(keyed.url, 'POST', '/twin-runs', { twins: ['stripe'] }, { authorization: 'Bearer k_test_123' });
    assert.equal(ok.status, 201);
    // The API key also opens admin URLs.
    const st = await api(keyed.url, 'GET', `/runs/${ok.body.run_id}/twins/stripe/admin/state`, undefined,
      { authorization: 'Bearer k_test_123' });
    assert.equal(st.status, 200);
  } finally { await keyed.stop(); }
  const res = await promisify(execFile)(TWINS_BIN, ['serve', '--bind', '0.0.0.0', '--port', '0'], { env: { ...process.env, TWINS_API_KEYS: '' } })
    .catch((e) => e);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /API key/);
});

test('host-name routing with --public-domain', async () => {
  const pub = await startServer({ args: ['--public-domain', 'twins.test', '--public-scheme', 'http'] });
  try {
    const run = await createRun(pub.url, ['github']);
    assert.equal(run.twins.github.base_url, `http://${run.run_id}--github.twins.test`);
    // fetch() may not set Host, so ask with node:http.
    const status = await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: pub.port, path: '/no/such',
        headers: { host: `${run.run_id}--github.twins.test` } }, (res) => { res.resume(); resolve(res.statusCode); })
        .on('error', reject);
    });
    assert.equal(status, 404);
    const journal = await api(pub.url, 'GET', `/runs/${run.run_id}/twins/github/admin/requests?token=${run.proxy_token}`);
    assert.equal(journal.body.requests.length, 1);
  } finally { await pub.stop(); }
});

test('a restart with --data-dir keeps live runs and their URLs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twins-data-'));
  try {
    const portRange = randomPortRange();
    let s = await startServer({ dataDir: dir, portRange });
    const run = await createRun(s.url, ['stripe', 'slack'], { ttl_minutes: 30 });
    await api(s.url, 'PATCH', `/runs/${run.run_id}/twins/slack/admin/config?token=${run.proxy_token}`, { tier: 'pro' });
    const gone = await createRun(s.url, ['stripe']);
    await api(s.url, 'POST', `/twin-runs/${gone.run_id}/teardown`);
    await s.stop();
    s = await startServer({ dataDir: dir, portRange });
    try {
      const r = await api(s.url, 'GET', `/twin-runs/${run.run_id}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.status, 'ready');
      assert.equal(r.body.twins.stripe.base_url, run.twins.stripe.base_url);
      const cfg = await api(s.url, 'GET', `/runs/${run.run_id}/twins/slack/admin/config?token=${run.proxy_token}`);
      assert.equal(cfg.body.tier, 'pro');
      assert.equal((await api(run.twins.stripe.base_url, 'GET', '/nope')).status, 404);
      assert.equal((await api(s.url, 'GET', `/twin-runs/${gone.run_id}`)).body.status, 'cancelled');
    } finally { await s.stop(); }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

// Change cursors carry the count of state restarts (reset, config replace);
// the count lives in the run record, so a restart keeps refusing a cursor
// from before a reset and keeps accepting one from after it.
test('cursors from before a reset stay refused across a --data-dir restart; config replace restarts history too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twins-data-'));
  try {
    const portRange = randomPortRange();
    let s = await startServer({ dataDir: dir, portRange });
    const run = await createRun(s.url, ['dropbox'], { ttl_minutes: 30 });
    const base = run.twins.dropbox.base_url;
    const auth = { authorization: `Bearer ${run.twins.dropbox.env_vars.DROPBOX_ACCESS_TOKEN}` };
    const latest = async () => (await api(base, 'POST', '/2/files/list_folder/get_latest_cursor', { path: '' }, auth)).body.cursor;
    const cont = (cursor) => api(base, 'POST', '/2/files/list_folder/continue', { cursor }, auth);
    const stale = await latest();
    assert.equal((await api(s.url, 'POST', `/twin-runs/${run.run_id}/reset`)).status, 200);
    const fresh = await latest();
    await s.stop();
    s = await startServer({ dataDir: dir, portRange });
    try {
      const old = await cont(stale);
      assert.equal(old.status, 409);
      assert.equal(old.body.error['.tag'], 'reset');
      assert.equal((await cont(fresh)).status, 200);
      const put = await api(s.url, 'PUT', `/runs/${run.run_id}/twins/dropbox/admin/config?token=${run.proxy_token}`, {});
      assert.equal(put.status, 200);
      assert.equal((await cont(fresh)).body.error['.tag'], 'reset');
    } finally { await s.stop(); }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('CLI: catalog, up --env-file, runs list/lock/teardown', async () => {
  const env = { ...process.env, TWINS_URL: srv.url };
  const run = (...args) => promisify(execFile)(TWINS_BIN, args, { env });
  let out = await run('catalog');
  assert.match(out.stdout, /google_calendar\s+Google Calendar\s+frontend/);
  out = await run('catalog', '--coverage');
  const rows = Object.fromEntries(out.stdout.trim().split('\n').slice(1)
    .map((l) => l.trim().split(/\s+/)).map(([t, a, b]) => [t, { stateful: +a, stub: +b }]));
  assert.equal(Object.keys(rows).length, 12);
  assert.ok(rows.stripe.stateful > 0, out.stdout);
  assert.ok(rows.github.stub > 900, out.stdout);
  const dir = mkdtempSync(join(tmpdir(), 'twins-cli-'));
  const envFile = join(dir, '.env');
  await run('up', 'stripe', 'slack', '--ttl', '15', '--env-file', envFile);
  const text = readFileSync(envFile, 'utf8');
  assert.match(text, /^STRIPE_API_BASE=http:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(text, /^SLACK_API_URL=http:\/\/127\.0\.0\.1:\d+\/api\/$/m);
  const runId = text.match(/# twins run (\S+)/)[1];
  const base = text.match(/^STRIPE_API_BASE=(.*)$/m)[1];
  assert.equal((await api(base, 'GET', '/nope')).status, 404);
  out = await run('runs', 'list');
  assert.match(out.stdout, new RegExp(runId));
  out = await run('runs', 'lock', runId);
  assert.match(out.stdout, /locked/);
  assert.equal((await api(base, 'GET', '/nope')).status, 403);
  out = await run('runs', 'teardown', runId);
  assert.match(out.stdout, /cleaning_up/);
  const bad = await run('up', 'nosuchtwin').catch((e) => e);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown twin: nosuchtwin/);
  rmSync(dir, { recursive: true, force: true });
});

test('SIGTERM shuts down cleanly', async () => {
  const s = await startServer();
  const exit = await s.stop('SIGTERM');
  assert.equal(exit.code, 0);
});

test('twins up starts a local server when none answers', async () => {
  const free = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
  const dir = mkdtempSync(join(tmpdir(), 'twins-up-'));
  const envFile = join(dir, '.env');
  let pid;
  try {
    const out = await promisify(execFile)(TWINS_BIN, ['up', 'stripe', '--server', `http://127.0.0.1:${free}`,
      '--env-file', envFile], { env: { ...process.env, TMPDIR: dir } });
    pid = Number(out.stderr.match(/pid (\d+)/)[1]);
    const text = readFileSync(envFile, 'utf8');
    const base = text.match(/^STRIPE_API_BASE=(.*)$/m)[1];
    const r = await api(base, 'GET', '/v1/customers', undefined,
      { authorization: `Bearer ${text.match(/^STRIPE_SECRET_KEY=(.*)$/m)[1]}` });
    assert.equal(r.status, 200);
    assert.equal((await api(`http://127.0.0.1:${free}`, 'GET', '/health')).status, 200);
  } finally {
    if (pid) process.kill(pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
