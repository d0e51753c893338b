// Unstructured Platform API (/api/v1): sources, destinations, workflows and
// jobs, stateful in the twin.  The TypeScript SDK implements partition only,
// so these go through plain fetch with the shapes of the Platform API's own
// description (SourceConnectorInformation, WorkflowInformation, JobInformation, ...).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, createScenario, admin, platform, raw, assertSchema, assertOfficial422, stopServer } from './helpers.mjs';

after(stopServer);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const S3 = { name: 'Invoices bucket', type: 's3', config: { remote_url: 's3://acme-invoices/2026/', recursive: true } };
const PG = { name: 'Warehouse', type: 'postgres', config: { host: 'db.internal', database: 'docs', table_name: 'elements' } };

const SEED = {
  unstructured: {
    sources: [{ name: 'Drive folder', type: 'google_drive', config: { drive_id: 'abc' } }, { name: 'Invoices', type: 's3' }],
    destinations: [{ name: 'Vectors', type: 'pinecone', config: { index_name: 'docs' } }],
    workflows: [
      { name: 'Nightly ingest', workflow_type: 'advanced', source: 'Drive folder', destination: 'Vectors', schedule: 'daily' },
      { name: 'Invoices', workflow_type: 'basic', source: 'Invoices', destination: 'Vectors', status: 'inactive' },
    ],
  },
};

test('auth: the platform takes the API key header or a bearer token; none is 401', async () => {
  const ctx = await newRun();
  const none = await raw(ctx, 'GET', '/api/v1/sources/');
  assert.equal(none.status, 401);
  assert.equal(typeof none.json.detail, 'string');
  const bad = await raw(ctx, 'GET', '/api/v1/sources/', { headers: { 'unstructured-api-key': 'wrong' } });
  assert.equal(bad.status, 401);
  const bearer = await raw(ctx, 'GET', '/api/v1/sources/', { auth: `Bearer ${ctx.key}` });
  assert.equal(bearer.status, 200);
  assert.deepEqual(bearer.json, []);
});

test('sources: create, get, list (source_type filter), update config, delete', async () => {
  const ctx = await newRun();
  const c = await platform(ctx, 'POST', '/api/v1/sources/', { body: S3 });
  assert.equal(c.status, 200, c.text);
  assertSchema('POST', '/api/v1/sources/', c.json);
  assert.match(c.json.id, UUID);
  assert.deepEqual(c.json.config, S3.config);
  assert.equal(c.json.updated_at, null);
  const d = await platform(ctx, 'POST', '/api/v1/sources/', { body: { name: 'Box', type: 'box', config: { box_app_config: '{}' } } });
  const g = await platform(ctx, 'GET', `/api/v1/sources/${c.json.id}`);
  assert.deepEqual(g.json, c.json);
  assertSchema('GET', '/api/v1/sources/{source_id}', g.json);
  const all = await platform(ctx, 'GET', '/api/v1/sources/');
  assertSchema('GET', '/api/v1/sources/', all.json);
  assert.deepEqual(all.json.map((s) => s.name), ['Invoices bucket', 'Box']);
  const boxes = await platform(ctx, 'GET', '/api/v1/sources/?source_type=box');
  assert.deepEqual(boxes.json.map((s) => s.id), [d.json.id]);
  const u = await platform(ctx, 'PUT', `/api/v1/sources/${c.json.id}`, { body: { config: { remote_url: 's3://acme-invoices/2027/' } } });
  assert.equal(u.status, 200, u.text);
  assertSchema('PUT', '/api/v1/sources/{source_id}', u.json);
  assert.equal(u.json.config.remote_url, 's3://acme-invoices/2027/');
  assert.ok(u.json.updated_at);
  const del = await platform(ctx, 'DELETE', `/api/v1/sources/${c.json.id}`);
  assert.equal(del.status, 200);
  assert.match(del.json.detail, /successfully deleted/);
  const gone = await platform(ctx, 'GET', `/api/v1/sources/${c.json.id}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.json.detail, `Source connector with id ${c.json.id} not found`);
});

test('connectors: FastAPI 422s for bad bodies, ids and filters', async () => {
  const ctx = await newRun();
  const missing = await platform(ctx, 'POST', '/api/v1/sources/', { body: { name: 'x' } });
  assert.equal(missing.status, 422);
  assertOfficial422(missing.json);
  assert.deepEqual(missing.json.detail.map((d) => [d.type, d.loc.join('.')]), [['missing', 'body.type'], ['missing', 'body.config']]);
  const badType = await platform(ctx, 'POST', '/api/v1/destinations/', { body: { name: 'x', type: 'floppy', config: {} } });
  assert.equal(badType.status, 422);
  assert.equal(badType.json.detail[0].type, 'enum');
  assert.match(badType.json.detail[0].msg, /'pinecone'/);
  const badId = await platform(ctx, 'GET', '/api/v1/destinations/not-a-uuid');
  assert.equal(badId.status, 422);
  assert.deepEqual(badId.json.detail[0].loc, ['path', 'destination_id']);
  const badFilter = await platform(ctx, 'GET', '/api/v1/sources/?source_type=floppy');
  assert.equal(badFilter.status, 422);
  const badJson = await platform(ctx, 'POST', '/api/v1/sources/', { body: '{oops', encode: 'raw', headers: { 'content-type': 'application/json' } });
  assert.equal(badJson.status, 422);
  assert.equal(badJson.json.detail[0].type, 'json_invalid');
  const unknown = await platform(ctx, 'DELETE', '/api/v1/destinations/3c90c3cc-0d44-4b50-8888-8dd25736052a');
  assert.equal(unknown.status, 404);
});

test('workflows: create with connectors (default nodes, schedule), get, update, list filters, delete', async () => {
  const ctx = await newRun();
  const src = (await platform(ctx, 'POST', '/api/v1/sources/', { body: S3 })).json;
  const dst = (await platform(ctx, 'POST', '/api/v1/destinations/', { body: PG })).json;
  const c = await platform(ctx, 'POST', '/api/v1/workflows/', { body: { name: 'Invoices to warehouse', workflow_type: 'advanced',
    source_id: src.id, destination_id: dst.id, schedule: 'every 6 hours' } });
  assert.equal(c.status, 200, c.text);
  assertSchema('POST', '/api/v1/workflows/', c.json);
  const w = c.json;
  assert.deepEqual(w.sources, [src.id]);
  assert.deepEqual(w.destinations, [dst.id]);
  assert.equal(w.status, 'active');
  assert.deepEqual(w.schedule, { crontab_entries: [{ cron_expression: '0 */6 * * *' }] });
  assert.deepEqual(w.workflow_nodes.map((n) => [n.type, n.subtype, n.settings.strategy]),
    [['partition', 'unstructured_api', 'hi_res'], ['chunk', 'chunk_by_title', undefined]]);
  const custom = await platform(ctx, 'POST', '/api/v1/workflows/', { body: { name: 'Custom', workflow_type: 'custom',
    workflow_nodes: [{ name: 'Partitioner', type: 'partition', subtype: 'vlm', settings: { provider: 'anthropic' } }] } });
  assert.equal(custom.status, 200, custom.text);
  assert.match(custom.json.workflow_nodes[0].id, UUID);
  assert.deepEqual(custom.json.sources, []);
  const u = await platform(ctx, 'PUT', `/api/v1/workflows/${w.id}`, { body: { name: 'Invoices nightly', schedule: 'daily' } });
  assert.equal(u.status, 200, u.text);
  assertSchema('PUT', '/api/v1/workflows/{workflow_id}', u.json);
  assert.equal(u.json.name, 'Invoices nightly');
  assert.equal(u.json.schedule.crontab_entries[0].cron_expression, '0 0 * * *');
  assert.deepEqual((await platform(ctx, 'GET', `/api/v1/workflows/${w.id}`)).json, u.json);
  const bySource = await platform(ctx, 'GET', `/api/v1/workflows/?source_id=${src.id}`);
  assertSchema('GET', '/api/v1/workflows/', bySource.json);
  assert.deepEqual(bySource.json.map((x) => x.id), [w.id]);
  const page = await platform(ctx, 'GET', '/api/v1/workflows/?page=2&page_size=1');
  assert.deepEqual(page.json.map((x) => x.id), [custom.json.id]);
  // connectors in use stay
  const inUse = await platform(ctx, 'DELETE', `/api/v1/sources/${src.id}`);
  assert.equal(inUse.status, 409);
  const del = await platform(ctx, 'DELETE', `/api/v1/workflows/${w.id}`);
  assert.equal(del.status, 200);
  assert.equal((await platform(ctx, 'GET', `/api/v1/workflows/${w.id}`)).status, 404);
  assert.equal((await platform(ctx, 'DELETE', `/api/v1/sources/${src.id}`)).status, 200);
});

test('workflows: validation (422) and unknown connectors (404)', async () => {
  const ctx = await newRun();
  const missing = await platform(ctx, 'POST', '/api/v1/workflows/', { body: { schedule: 'hourly' } });
  assert.equal(missing.status, 422);
  assertOfficial422(missing.json);
  assert.deepEqual(missing.json.detail.map((d) => d.loc.join('.')).sort(), ['body.name', 'body.schedule', 'body.workflow_type']);
  const ghost = await platform(ctx, 'POST', '/api/v1/workflows/', { body: { name: 'x', workflow_type: 'basic',
    source_id: '3c90c3cc-0d44-4b50-8888-8dd25736052a' } });
  assert.equal(ghost.status, 404);
  assert.equal(ghost.json.detail, 'Source connector with id 3c90c3cc-0d44-4b50-8888-8dd25736052a not found');
  const badStatus = await platform(ctx, 'GET', '/api/v1/workflows/?status=paused');
  assert.equal(badStatus.status, 422);
  assert.deepEqual((await platform(ctx, 'GET', '/api/v1/workflows/')).json, []);
});

test('jobs: a run creates a job that moves SCHEDULED -> IN_PROGRESS -> COMPLETED on later reads', async () => {
  const ctx = await newRun({ seed_config: SEED });
  const wf = (await platform(ctx, 'GET', '/api/v1/workflows/')).json[0];
  const run = await platform(ctx, 'POST', `/api/v1/workflows/${wf.id}/run`);
  assert.equal(run.status, 202, run.text);
  assertSchema('POST', '/api/v1/workflows/{workflow_id}/run', run.json);
  const job = run.json;
  assert.equal(job.status, 'SCHEDULED');
  assert.equal(job.workflow_id, wf.id);
  assert.equal(job.workflow_name, 'Nightly ingest');
  assert.equal(job.job_type, 'ephemeral');
  // one active job per workflow
  const again = await platform(ctx, 'POST', `/api/v1/workflows/${wf.id}/run`);
  assert.equal(again.status, 409);
  const r1 = await platform(ctx, 'GET', `/api/v1/jobs/${job.id}`);
  assertSchema('GET', '/api/v1/jobs/{job_id}', r1.json);
  assert.equal(r1.json.status, 'IN_PROGRESS');
  assert.equal(r1.json._reads, undefined);
  const r2 = await platform(ctx, 'GET', `/api/v1/jobs/${job.id}`);
  assert.equal(r2.json.status, 'COMPLETED');
  assert.match(r2.json.runtime, /^PT\d+S$/);
  assert.deepEqual(r2.json.output_node_files.map((f) => f.node_id), wf.workflow_nodes.map((n) => n.id));
  assert.equal((await platform(ctx, 'GET', `/api/v1/jobs/${job.id}`)).json.status, 'COMPLETED');
  // completed jobs can not be cancelled; a new run can start
  const late = await platform(ctx, 'POST', `/api/v1/jobs/${job.id}/cancel`);
  assert.equal(late.status, 400);
  const second = await platform(ctx, 'POST', `/api/v1/workflows/${wf.id}/run`);
  assert.equal(second.status, 202);
  const list = await platform(ctx, 'GET', `/api/v1/jobs/?workflow_id=${wf.id}`);
  assertSchema('GET', '/api/v1/jobs/', list.json);
  assert.deepEqual(list.json.map((j) => [j.id, j.status]), [[job.id, 'COMPLETED'], [second.json.id, 'IN_PROGRESS']]);
  const done = await platform(ctx, 'GET', '/api/v1/jobs/?status=COMPLETED');
  assert.deepEqual(done.json.map((j) => j.id), [job.id, second.json.id]);
});

test('jobs: cancel stops an active job; inactive workflows do not run; unknown ids', async () => {
  const ctx = await newRun({ seed_config: SEED });
  const [nightly, invoices] = (await platform(ctx, 'GET', '/api/v1/workflows/')).json;
  const job = (await platform(ctx, 'POST', `/api/v1/workflows/${nightly.id}/run`)).json;
  const c = await platform(ctx, 'POST', `/api/v1/jobs/${job.id}/cancel`);
  assert.equal(c.status, 200);
  assertSchema('POST', '/api/v1/jobs/{job_id}/cancel', c.json);
  assert.deepEqual(c.json, { id: job.id, status: 'cancelled', message: 'Job successfully cancelled.' });
  assert.equal((await platform(ctx, 'GET', `/api/v1/jobs/${job.id}`)).json.status, 'STOPPED');
  assert.equal((await platform(ctx, 'GET', `/api/v1/jobs/${job.id}`)).json.status, 'STOPPED');
  assert.equal(invoices.status, 'inactive');
  const inactive = await platform(ctx, 'POST', `/api/v1/workflows/${invoices.id}/run`);
  assert.equal(inactive.status, 400);
  assert.equal((await platform(ctx, 'GET', '/api/v1/jobs/3c90c3cc-0d44-4b50-8888-8dd25736052a')).status, 404);
  assert.equal((await platform(ctx, 'POST', '/api/v1/workflows/3c90c3cc-0d44-4b50-8888-8dd25736052a/run')).status, 404);
  assert.equal((await platform(ctx, 'GET', '/api/v1/jobs/?workflow_id=zzz')).status, 422);
});

test('seeding: deterministic across runs, seed results, reset restores the baseline; bad seeds refused', async () => {
  const a = await newRun({ seed_config: SEED });
  const b = await newRun({ seed_config: SEED });
  assert.deepEqual(a.run.seed_results.unstructured, { status: 'seeded', sources: 2, destinations: 1, workflows: 2 });
  const sa = (await admin(a, 'GET', '/admin/state')).json.state;
  const sb = (await admin(b, 'GET', '/admin/state')).json.state;
  assert.deepEqual(sa, sb);
  const wfs = (await platform(a, 'GET', '/api/v1/workflows/')).json;
  assert.deepEqual(wfs.map((w) => [w.name, w.workflow_type, w.status]), [['Nightly ingest', 'advanced', 'active'], ['Invoices', 'basic', 'inactive']]);
  const sources = (await platform(a, 'GET', '/api/v1/sources/')).json;
  assert.deepEqual(wfs[0].sources, [sources[0].id]);
  assert.deepEqual(sources[1].config, {});
  // change, then reset
  await platform(a, 'POST', `/api/v1/workflows/${wfs[0].id}/run`);
  await platform(a, 'DELETE', `/api/v1/workflows/${wfs[1].id}`);
  assert.equal((await admin(a, 'POST', '/admin/reset')).status, 200);
  assert.deepEqual((await admin(a, 'GET', '/admin/state')).json.state, sa);
  // seeds that do not fit are refused with the field named
  const typo = await createScenario({ unstructured: { source: [] } });
  assert.equal(typo.status, 400);
  assert.match(typo.body.detail, /seed_config\.unstructured\.source/);
  const badType = await createScenario({ unstructured: { workflows: [{ name: 'x', workflow_type: 'turbo' }] } });
  assert.equal(badType.status, 400);
  assert.match(badType.body.detail, /workflows\[0\]\.workflow_type/);
  // references to unknown connectors fail at provision time
  const ghost = await createScenario({ unstructured: { workflows: [{ name: 'x', source: 'nowhere' }] } });
  assert.ok(ghost.status < 300);
  const res = await fetch(`${a.controlUrl}/twin-runs`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ twins: ['unstructured'], scenario_id: ghost.body.id }) });
  const body = await res.json();
  const seeded = body.seed_results?.unstructured;
  assert.ok(res.status >= 400 || seeded?.status === 'error', `ghost reference seeded: ${JSON.stringify(body).slice(0, 300)}`);
  if (seeded) assert.match(seeded.error, /no source named "nowhere"/);
});
