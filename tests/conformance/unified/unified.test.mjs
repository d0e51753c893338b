// Unified.to twin through the official @unified-api/typescript-sdk:
// connections, integrations, webhooks and the API-call log are stateful;
// category routes stay stubs (bare arrays, X-Twin-Stub) for existing
// connections only.
//
//   node --test tests/conformance/unified/
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver } from '../../lib/receiver.mjs';
import {
  newRun, createScenario, client, admin, raw, assertSchema, assertUnifiedError, rejects, stopServer, SEVEN, HEX24, SEED,
} from './helpers.mjs';

after(stopServer);

test('auth: missing or wrong bearer JWT gets Unified 401; the right one works', async () => {
  const ctx = await newRun();
  const wrong = client(ctx.base, 'not-the-key');
  const err = await rejects(() => wrong.unified.listUnifiedConnections({}));
  assertUnifiedError(err, 401, /Unauthorized/);
  const none = await raw(ctx, 'GET', '/unified/connection', { auth: false });
  assert.equal(none.status, 401);
  assert.deepEqual(none.json, { statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' });
  // stubs are behind the same check
  const stub = await raw(ctx, 'GET', '/messaging/5f3e1a2b3c4d5e6f7a8b9c0d/channel', { auth: false });
  assert.equal(stub.status, 401);
  assert.deepEqual(await ctx.sdk.unified.listUnifiedConnections({}), []);
});

test('integrations: the seven providers with categories, filters and paging', async () => {
  const ctx = await newRun();
  const all = await ctx.sdk.unified.listUnifiedIntegrations({});
  assert.deepEqual(all.map((i) => i.type), SEVEN);
  for (const i of all) assert.ok(i.categories.length > 0 && i.name && i.isActive === true);
  const r = await raw(ctx, 'GET', '/unified/integration');
  assertSchema('GET', '/unified/integration', r.json);
  const messaging = await ctx.sdk.unified.listUnifiedIntegrations({ categories: ['messaging'] });
  assert.deepEqual(messaging.map((i) => i.type), ['slack', 'googlemail']);
  const storage = await ctx.sdk.unified.listUnifiedIntegrations({ categories: ['storage', 'calendar'] });
  assert.deepEqual(storage.map((i) => i.type), ['googledrive', 'googlecalendar', 'box', 'dropbox']);
  const page = await ctx.sdk.unified.listUnifiedIntegrations({ limit: 2, offset: 5 });
  assert.deepEqual(page.map((i) => i.type), ['notion', 'dropbox']);
});

test('connections: create, get, list, with defaults and the SDK model', async () => {
  const ctx = await newRun();
  const c = await ctx.sdk.unified.createUnifiedConnection({ integrationType: 'slack', categories: ['messaging'], permissions: [],
    externalXref: 'acct-42' });
  assert.match(c.id, HEX24);
  assert.equal(c.integrationType, 'slack');
  assert.equal(c.integrationName, 'Slack');
  assert.deepEqual(c.categories, ['messaging']);
  assert.deepEqual(c.permissions, []);
  assert.equal(c.environment, 'Production');
  assert.equal(c.isPaused, false);
  assert.ok(c.createdAt instanceof Date && c.updatedAt instanceof Date);
  // permissions default from the categories when none are given (raw: the SDK requires the field)
  const d = await raw(ctx, 'POST', '/unified/connection', { body: { integration_type: 'googledrive' } });
  assert.equal(d.status, 200, d.text);
  assertSchema('POST', '/unified/connection', d.json);
  assert.deepEqual(d.json.categories, ['storage']);
  assert.deepEqual(d.json.permissions, ['storage_file_read', 'storage_file_write']);
  const got = await ctx.sdk.unified.getUnifiedConnection({ id: c.id });
  assert.equal(got.externalXref, 'acct-42');
  const g = await raw(ctx, 'GET', `/unified/connection/${c.id}`);
  assertSchema('GET', '/unified/connection/{id}', g.json);
  const list = await ctx.sdk.unified.listUnifiedConnections({});
  assert.deepEqual(list.map((x) => x.id), [c.id, d.json.id]);
  const l = await raw(ctx, 'GET', '/unified/connection');
  assertSchema('GET', '/unified/connection', l.json);
});

test('connections: filters by categories, integration_type, external_xref; limit/offset; order', async () => {
  const ctx = await newRun({ seed_config: SEED });
  const all = await ctx.sdk.unified.listUnifiedConnections({});
  assert.deepEqual(all.map((c) => c.integrationType), SEVEN);
  const storage = await ctx.sdk.unified.listUnifiedConnections({ categories: ['storage'] });
  assert.deepEqual(storage.map((c) => c.integrationType), ['googledrive', 'box', 'dropbox']);
  const two = await ctx.sdk.unified.listUnifiedConnections({ categories: ['calendar', 'kms'] });
  assert.deepEqual(two.map((c) => c.integrationType), ['googlecalendar', 'notion']);
  const byType = await raw(ctx, 'GET', '/unified/connection?integration_type=box');
  assert.deepEqual(byType.json.map((c) => c.integration_type), ['box']);
  const byXref = await ctx.sdk.unified.listUnifiedConnections({ externalXref: 'user-3' });
  assert.deepEqual(byXref.map((c) => c.integrationType), ['googledrive']);
  const page = await ctx.sdk.unified.listUnifiedConnections({ limit: 3, offset: 2 });
  assert.deepEqual(page.map((c) => c.integrationType), SEVEN.slice(2, 5));
  const desc = await ctx.sdk.unified.listUnifiedConnections({ order: 'desc', limit: 2 });
  assert.deepEqual(desc.map((c) => c.integrationType), ['dropbox', 'notion']);
  const bad = await raw(ctx, 'GET', '/unified/connection?limit=abc');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.statusCode, 400);
});

test('connections: update (PUT), patch, pause; errors in Unified shape', async () => {
  const ctx = await newRun({ seed_config: SEED });
  const [slack] = await ctx.sdk.unified.listUnifiedConnections({ limit: 1 });
  const put = await ctx.sdk.unified.updateUnifiedConnection({ id: slack.id,
    connection: { integrationType: 'slack', categories: ['messaging'], permissions: ['messaging_message_read'] } });
  assert.deepEqual(put.permissions, ['messaging_message_read']);
  const patched = await ctx.sdk.unified.patchUnifiedConnection({ id: slack.id,
    connection: { integrationType: 'slack', categories: ['messaging'], permissions: ['messaging_message_read'], isPaused: true } });
  assert.equal(patched.isPaused, true);
  assert.ok(patched.updatedAt >= slack.updatedAt);
  const again = await ctx.sdk.unified.getUnifiedConnection({ id: slack.id });
  assert.equal(again.isPaused, true);
  assert.deepEqual(again.permissions, ['messaging_message_read']);
  // a paused connection refuses category calls
  const paused = await rejects(() => ctx.sdk.messaging.listMessagingChannels({ connectionId: slack.id }));
  assertUnifiedError(paused, 403, /paused/);
  // integration_type is fixed; unknown ids are 404
  const typeErr = await rejects(() => ctx.sdk.unified.patchUnifiedConnection({ id: slack.id,
    connection: { integrationType: 'box', categories: ['storage'], permissions: [] } }));
  assertUnifiedError(typeErr, 400, /cannot be changed/);
  const missing = await rejects(() => ctx.sdk.unified.getUnifiedConnection({ id: '0123456789abcdef01234567' }));
  assertUnifiedError(missing, 404, /Connection 0123456789abcdef01234567 not found/);
  const unsupported = await rejects(() => ctx.sdk.unified.createUnifiedConnection({ integrationType: 'hubspot', categories: ['crm'], permissions: [] }));
  assertUnifiedError(unsupported, 400, /hubspot is not supported/);
  const noType = await raw(ctx, 'POST', '/unified/connection', { body: { categories: ['messaging'] } });
  assert.equal(noType.status, 400);
  assert.match(noType.json.message, /integration_type is required/);
  const badJson = await raw(ctx, 'POST', '/unified/connection', { body: '{nope', encode: 'raw', headers: { 'content-type': 'application/json' } });
  assert.equal(badJson.status, 400);
});

test('connections: remove deletes the connection and its webhooks', async () => {
  const ctx = await newRun({ seed_config: SEED });
  const [slack] = await ctx.sdk.unified.listUnifiedConnections({ limit: 1 });
  const wh = await ctx.sdk.unified.createUnifiedWebhook({ webhook: { connectionId: slack.id, event: 'created',
    objectType: 'messaging_message', hookUrl: 'http://127.0.0.1:9/hook' } });
  await ctx.sdk.unified.removeUnifiedConnection({ id: slack.id });
  assertUnifiedError(await rejects(() => ctx.sdk.unified.getUnifiedConnection({ id: slack.id })), 404);
  assertUnifiedError(await rejects(() => ctx.sdk.unified.getUnifiedWebhook({ id: wh.id })), 404);
  assert.equal((await ctx.sdk.unified.listUnifiedConnections({})).length, 6);
  assertUnifiedError(await rejects(() => ctx.sdk.unified.removeUnifiedConnection({ id: slack.id })), 404);
});

test('seeding: deterministic across runs, seed results, reset restores the baseline', async () => {
  const a = await newRun({ seed_config: SEED });
  const b = await newRun({ seed_config: SEED });
  assert.deepEqual(a.run.seed_results.unified, { status: 'seeded', connections: 7 });
  const sa = await admin(a, 'GET', '/admin/state');
  const sb = await admin(b, 'GET', '/admin/state');
  assert.deepEqual(sa.json.state.connections, sb.json.state.connections);
  assert.equal(sa.json.state.connections.length, 7);
  for (const c of sa.json.state.connections) assertSchema('GET', '/unified/connection/{id}', c);
  // notion gets its two categories and their default permissions
  const notion = sa.json.state.connections.find((c) => c.integration_type === 'notion');
  assert.deepEqual(notion.categories, ['kms', 'task']);
  assert.ok(notion.permissions.includes('kms_page_read'));
  // change state, then reset to the seed
  await a.sdk.unified.removeUnifiedConnection({ id: notion.id });
  await a.sdk.unified.createUnifiedConnection({ integrationType: 'box', categories: ['storage'], permissions: [] });
  const reset = await admin(a, 'POST', '/admin/reset');
  assert.equal(reset.status, 200, reset.text);
  const after1 = await admin(a, 'GET', '/admin/state');
  assert.deepEqual(after1.json.state, sa.json.state);
});

test('seeding: a seed_config that does not fit the schema is refused naming the field', async () => {
  const bad = await createScenario({ unified: { connections: [{ integration_type: 'myspace' }] } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.detail, /seed_config\.unified\.connections\[0\]\.integration_type/);
  const typo = await createScenario({ unified: { connection: [] } });
  assert.equal(typo.status, 400);
  assert.match(typo.body.detail, /seed_config\.unified\.connection/);
  const noType = await createScenario({ unified: { connections: [{ categories: ['messaging'] }] } });
  assert.equal(noType.status, 400);
  assert.match(noType.body.detail, /integration_type/);
});

test('category stubs: SDK list calls succeed (bare arrays), marked by header and stub-hits', async () => {
  const ctx = await newRun({ seed_config: SEED });
  const conns = await ctx.sdk.unified.listUnifiedConnections({});
  const byType = Object.fromEntries(conns.map((c) => [c.integrationType, c.id]));
  await admin(ctx, 'POST', '/admin/stub-hits/clear');
  const channels = await ctx.sdk.messaging.listMessagingChannels({ connectionId: byType.slack });
  assert.ok(Array.isArray(channels));
  for (const ch of channels) assert.equal(typeof ch.name, 'string');
  const files = await ctx.sdk.storage.listStorageFiles({ connectionId: byType.googledrive });
  assert.ok(Array.isArray(files));
  const events = await ctx.sdk.calendar.listCalendarEvents({ connectionId: byType.googlecalendar });
  assert.ok(Array.isArray(events));
  const r = await raw(ctx, 'GET', `/messaging/${byType.slack}/channel`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-twin-stub'), 'true');
  assert.ok(Array.isArray(r.json), 'stub list is not a bare array');
  assertSchema('GET', '/messaging/{connection_id}/channel', r.json);
  // single objects keep their in-body markers
  const one = await raw(ctx, 'GET', `/messaging/${byType.slack}/channel/5f3e1a2b3c4d5e6f7a8b9c0d`);
  assert.equal(one.json._twin_stub, true);
  const hits = (await admin(ctx, 'GET', '/admin/stub-hits')).json;
  assert.equal(hits.total_hits, 5);
  assert.deepEqual(hits.summary.map((s) => s.endpoint).sort(), ['GET /calendar/{connection_id}/event',
    'GET /messaging/{connection_id}/channel', 'GET /messaging/{connection_id}/channel/{id}', 'GET /storage/{connection_id}/file']);
});

test('category routes: unknown connection ids are 404 in Unified shape, not stubs', async () => {
  const ctx = await newRun();
  await admin(ctx, 'POST', '/admin/stub-hits/clear');
  const err = await rejects(() => ctx.sdk.messaging.listMessagingChannels({ connectionId: '0123456789abcdef01234567' }));
  assertUnifiedError(err, 404, /Connection 0123456789abcdef01234567 not found/);
  const r = await raw(ctx, 'GET', '/storage/0123456789abcdef01234567/file/5f3e1a2b3c4d5e6f7a8b9c0d');
  assert.equal(r.status, 404);
  assert.equal(r.headers.get('x-twin-stub'), null);
  assert.equal((await admin(ctx, 'GET', '/admin/stub-hits')).json.total_hits, 0);
  const unknownRoute = await raw(ctx, 'GET', '/unified/nothing-here');
  assert.equal(unknownRoute.status, 404);
  assert.equal(unknownRoute.json.statusCode, 404);
});

test('webhooks: create, list, get, patch, remove through the SDK', async () => {
  const ctx = await newRun({ seed_config: SEED });
  const conns = await ctx.sdk.unified.listUnifiedConnections({});
  const slack = conns[0].id;
  const drive = conns[2].id;
  const w1 = await ctx.sdk.unified.createUnifiedWebhook({ webhook: { connectionId: slack, event: 'created',
    objectType: 'messaging_message', hookUrl: 'https://example.com/hooks/a' } });
  assert.match(w1.id, HEX24);
  assert.equal(w1.integrationType, 'slack');
  assert.equal(w1.webhookType, 'virtual');
  assert.equal(w1.isHealthy, true);
  const w2 = await ctx.sdk.unified.createUnifiedWebhook({ webhook: { connectionId: drive, event: 'updated',
    objectType: 'storage_file', hookUrl: 'https://example.com/hooks/b', interval: 15 } });
  assert.equal(w2.interval, 15);
  const r = await raw(ctx, 'GET', '/unified/webhook');
  assertSchema('GET', '/unified/webhook', r.json);
  assert.deepEqual((await ctx.sdk.unified.listUnifiedWebhooks({})).map((w) => w.id), [w1.id, w2.id]);
  assert.deepEqual((await ctx.sdk.unified.listUnifiedWebhooks({ connectionId: drive })).map((w) => w.id), [w2.id]);
  const patched = await ctx.sdk.unified.patchUnifiedWebhook({ id: w1.id, webhook: { connectionId: slack, event: 'updated',
    objectType: 'messaging_message', isPaused: true } });
  assert.equal(patched.event, 'updated');
  assert.equal(patched.isPaused, true);
  assert.equal((await ctx.sdk.unified.getUnifiedWebhook({ id: w1.id })).event, 'updated');
  const g = await raw(ctx, 'GET', `/unified/webhook/${w1.id}`);
  assertSchema('GET', '/unified/webhook/{id}', g.json);
  await ctx.sdk.unified.removeUnifiedWebhook({ id: w1.id });
  assertUnifiedError(await rejects(() => ctx.sdk.unified.getUnifiedWebhook({ id: w1.id })), 404, /Webhook/);
  assert.deepEqual((await ctx.sdk.unified.listUnifiedWebhooks({})).map((w) => w.id), [w2.id]);
});

test('webhooks: validation errors and unknown connections', async () => {
  const ctx = await newRun({ seed_config: SEED });
  const [slack] = await ctx.sdk.unified.listUnifiedConnections({ limit: 1 });
  const noConn = await rejects(() => ctx.sdk.unified.createUnifiedWebhook({ webhook: { connectionId: '0123456789abcdef01234567',
    event: 'created', objectType: 'messaging_message', hookUrl: 'https://example.com/h' } }));
  assertUnifiedError(noConn, 404, /Connection/);
  const wrongCat = await rejects(() => ctx.sdk.unified.createUnifiedWebhook({ webhook: { connectionId: slack.id,
    event: 'created', objectType: 'storage_file', hookUrl: 'https://example.com/h' } }));
  assertUnifiedError(wrongCat, 400, /does not support storage/);
  const badEvent = await raw(ctx, 'POST', '/unified/webhook', { body: { connection_id: slack.id, event: 'exploded',
    object_type: 'messaging_message', hook_url: 'https://example.com/h' } });
  assert.equal(badEvent.status, 400);
  assert.match(badEvent.json.message, /event must be/);
  const noUrl = await raw(ctx, 'POST', '/unified/webhook', { body: { connection_id: slack.id, event: 'created', object_type: 'messaging_message' } });
  assert.equal(noUrl.status, 400);
  assert.deepEqual(await ctx.sdk.unified.listUnifiedWebhooks({}), []);
});

test('webhooks: trigger delivers the virtual webhook to hook_url (delivery log)', async () => {
  const sink = await startReceiver({ path: '/unified' });
  try {
    const ctx = await newRun({ seed_config: SEED });
    const [slack] = await ctx.sdk.unified.listUnifiedConnections({ limit: 1 });
    const wh = await ctx.sdk.unified.createUnifiedWebhook({ webhook: { connectionId: slack.id, event: 'created',
      objectType: 'messaging_message', hookUrl: sink.url } });
    await ctx.sdk.unified.patchUnifiedWebhookTrigger({ id: wh.id });
    await sink.waitFor(1);
    const got = sink.deliveries.map((d) => ({ headers: d.headers, body: JSON.parse(d.body) }));
    assert.equal(got.length, 1);
    assert.equal(got[0].body.webhook.id, wh.id);
    assert.deepEqual(got[0].body.data, []);
    assert.equal(got[0].headers['user-agent'], 'Unified.to');
    const after2 = await ctx.sdk.unified.getUnifiedWebhook({ id: wh.id });
    assert.equal(after2.runs.length, 1);
    const log = await admin(ctx, 'GET', '/admin/webhooks/deliveries');
    assert.equal(log.status, 200, log.text);
    assert.ok(JSON.stringify(log.json).includes(wh.id));
    assertUnifiedError(await rejects(() => ctx.sdk.unified.patchUnifiedWebhookTrigger({ id: '0123456789abcdef01234567' })), 404);
  } finally {
    await sink.close();
  }
});

test('apicalls: category calls are logged (newest first), filterable, fetchable by id', async () => {
  const ctx = await newRun({ seed_config: SEED });
  const conns = await ctx.sdk.unified.listUnifiedConnections({});
  const slack = conns[0].id;
  const box = conns[4].id;
  assert.deepEqual(await ctx.sdk.unified.listUnifiedApicalls({}), []);
  await ctx.sdk.messaging.listMessagingChannels({ connectionId: slack });
  await ctx.sdk.storage.listStorageFiles({ connectionId: box });
  await ctx.sdk.messaging.listMessagingChannels({ connectionId: slack, limit: 5 });
  const calls = await ctx.sdk.unified.listUnifiedApicalls({});
  assert.equal(calls.length, 3);
  assert.deepEqual(calls.map((c) => c.connectionId), [slack, box, slack]);
  assert.equal(calls[1].integrationType, 'box');
  assert.equal(calls[1].method, 'GET');
  assert.equal(calls[1].path, `/storage/${box}/file`);
  assert.equal(calls[1].name, '/storage/file');
  assert.equal(calls[1].status, '200');
  assert.equal(calls[1].type, 'inbound');
  const r = await raw(ctx, 'GET', '/unified/apicall');
  assertSchema('GET', '/unified/apicall', r.json);
  const onlySlack = await ctx.sdk.unified.listUnifiedApicalls({ connectionId: slack });
  assert.equal(onlySlack.length, 2);
  const one = await ctx.sdk.unified.getUnifiedApicall({ id: calls[1].id });
  assert.equal(one.path, `/storage/${box}/file`);
  assertUnifiedError(await rejects(() => ctx.sdk.unified.getUnifiedApicall({ id: '0123456789abcdef01234567' })), 404, /API call/);
  // management calls are not provider calls
  await ctx.sdk.unified.listUnifiedConnections({});
  assert.equal((await ctx.sdk.unified.listUnifiedApicalls({})).length, 3);
});
