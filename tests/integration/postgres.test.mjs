// The PostgreSQL store (`twins serve --store-url`), end to end.  The test
// makes its own throwaway cluster with Debian's PostgreSQL binaries (the newest
// under /usr/lib/postgresql; Debian 12 ships 15)
// (initdb + pg_ctl, a Unix socket in a temp folder, no TCP), so nothing needs
// to be running beforehand; if PostgreSQL cannot start, every test fails.
// PostgreSQL refuses to run as root: as root the cluster runs as the
// `postgres` system user through runuser.
//
// Run: node --test tests/integration/postgres.test.mjs
// (PG_BIN=/usr/lib/postgresql/NN/bin picks another PostgreSQL.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCb, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, chownSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { startServer, api, createRun, randomPortRange, TWINS_BIN } from '../lib/server.mjs';
import { stateOf, stripeFor } from '../lib/run-clients.mjs';

const execFile = promisify(execFileCb);
const PG_BIN = process.env.PG_BIN || newestPostgres('/usr/lib/postgresql');

function newestPostgres(root) {
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).map(Number) : [];
  return join(root, String(versions.length ? Math.max(...versions) : 15), 'bin');
}
// The store contract (every backend's, tests/unit/test_store.c) and what only
// PostgreSQL has (tests/postgres/), both cmocka binaries built by `make unit`.
const CONTRACT_BIN = join(dirname(TWINS_BIN), 'tests', 'test_store');
const PG_ONLY_BIN = join(dirname(TWINS_BIN), 'postgres', 'store_postgres_only');

let dir;            // the cluster's folder: data/, the socket, the log
let conninfo;       // key=value form, for psql and the C contract test
let storeUrl;       // the URI form, as users pass it to --store-url
const servers = [];

/** Runs a PostgreSQL binary as the cluster's owner. */
function asOwner(bin, args, opts = {}) {
  const path = join(PG_BIN, bin);
  if (process.getuid() === 0) return execFile('runuser', ['-u', 'postgres', '--', path, ...args], opts);
  return execFile(path, args, opts);
}

async function startCluster() {
  if (!existsSync(join(PG_BIN, 'initdb'))) throw new Error(`no PostgreSQL at ${PG_BIN} (apt-get install postgresql)`);
  dir = mkdtempSync(join(tmpdir(), 'twins-pg-'));
  if (process.getuid() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  await asOwner('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8',
    '--locale=C.UTF-8', '--no-sync']);
  // fsync off: a test cluster need not survive power loss.
  await asOwner('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '30',
    '-o', `-k ${dir} -c listen_addresses= -F`, 'start']);
  conninfo = `host=${dir} dbname=postgres user=postgres`;
  storeUrl = `postgresql:///postgres?host=${encodeURIComponent(dir)}&user=postgres`;
}

async function psql(sql, db = 'postgres') {
  const { stdout } = await execFile(join(PG_BIN, 'psql'),
    ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-U', 'postgres', '-d', db, '-c', sql]);
  return stdout.trim();
}

async function serve({ nodeId, portRange = randomPortRange(), viaEnv = false } = {}) {
  const args = viaEnv ? [] : ['--store-url', storeUrl];
  const env = viaEnv ? { TWINS_STORE_URL: storeUrl } : {};
  if (nodeId) args.push('--node-id', nodeId);
  const s = await startServer({ args, env, portRange });
  servers.push(s);
  return s;
}

before(async () => { await startCluster(); });
after(async () => {
  for (const s of servers) await s.stop();
  if (dir) {
    await asOwner('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
});

const hash = (v) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** Documents the database holds for a run (any twin, any collection). */
const rowsOfRun = async (runId) =>
  Number(await psql(`SELECT count(*) FROM twins_docs WHERE run = convert_to('${runId}', 'UTF8')`));

/** Runs a cmocka binary against its own database (the C tests drop and
 *  recreate the store's tables); its output on success. */
async function runCTest(bin, db) {
  assert.ok(existsSync(bin), `${bin} missing: run make unit`);
  await psql(`CREATE DATABASE ${db}`);
  const { stdout, stderr } = await execFile(bin, ['--postgres', conninfo.replace('dbname=postgres', `dbname=${db}`)])
    .catch((e) => assert.fail(`${bin} failed:\n${e.stdout}\n${e.stderr}`));
  return stdout + stderr;
}

test('the store contract holds on PostgreSQL (C test binaries)', async () => {
  const contract = await runCTest(CONTRACT_BIN, 'contract');
  // Groups: sqlite, memory, postgres (the contract each), memory-growth,
  // sqlite-file (test_store.c's main).  The PostgreSQL group ran, and ran
  // every case the other backends ran.
  const groups = [...contract.matchAll(/Running (\d+) test\(s\)/g)].map((m) => Number(m[1]));
  assert.equal(groups.length, 5, `no PostgreSQL group in the contract run:\n${contract}`);
  assert.equal(groups[2], groups[0], 'the PostgreSQL group runs the whole contract');
  const passed = [...contract.matchAll(/PASSED\s*\]\s+(\d+) test/g)].map((m) => Number(m[1]));
  assert.deepEqual(passed, groups, contract);

  const only = await runCTest(PG_ONLY_BIN, 'pg_only');
  assert.match(only, /PASSED.*\b4 test/, only);
});

test('provisioning, Stripe through the official SDK, idempotent replay, teardown', async () => {
  const s = await serve({ nodeId: 'a' });
  assert.match(s.logs(), /store PostgreSQL/);
  const run = await createRun(s.url, ['stripe']);
  assert.equal(run.status, 'ready');
  const stripe = stripeFor(run);

  const made = [];
  for (const email of ['ada@example.com', 'alan@example.com', 'grace@example.com'])
    made.push(await stripe.customers.create({ email, name: email.split('@')[0] }));
  const listed = await stripe.customers.list({ limit: 2 });
  assert.deepEqual(listed.data.map((c) => c.id), [made[2].id, made[1].id], 'newest first');
  assert.equal(listed.has_more, true);
  const next = await stripe.customers.list({ limit: 2, starting_after: made[1].id });
  assert.deepEqual(next.data.map((c) => c.id), [made[0].id]);
  const byEmail = await stripe.customers.list({ email: 'alan@example.com' });
  assert.deepEqual(byEmail.data.map((c) => c.id), [made[1].id], 'index filter');
  const got = await stripe.customers.retrieve(made[0].id);
  assert.equal(got.email, 'ada@example.com');
  await assert.rejects(stripe.customers.retrieve('cus_missing'), (e) => e.statusCode === 404 && e.code === 'resource_missing');

  // The same Idempotency-Key replays the first answer and creates nothing.
  const first = await stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'pg-key-1' });
  const again = await stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'pg-key-1' });
  assert.equal(again.id, first.id);
  assert.equal((await stripe.customers.list({ limit: 100 })).data.length, 4);

  // The state is in PostgreSQL, and teardown removes it.
  assert.ok(await rowsOfRun(run.run_id) >= 4);
  const down = await api(s.url, 'POST', `/twin-runs/${run.run_id}/teardown`);
  assert.equal(down.status, 200, down.text);
  assert.equal((await api(s.url, 'GET', `/twin-runs/${run.run_id}`)).body.status, 'cancelled');
  assert.equal(await rowsOfRun(run.run_id), 0);
});

test('a seeded run resets to exactly its seed', async () => {
  const s = await serve({ nodeId: 'seeded' });
  const scenario = (await api(s.url, 'POST', '/scenarios', {
    name: 'pg shop',
    seed_config: { stripe: {
      customers: [{ email: 'ada@example.com', name: 'Ada' }, { email: 'alan@example.com', name: 'Alan' }],
      products: [{ name: 'Mug', prices: [{ currency: 'usd', unit_amount: 1200 }] }],
    } },
  })).body;
  const run = await createRun(s.url, ['stripe'], { scenario_id: scenario.id });
  assert.equal(run.seed_results.stripe.status, 'seeded');
  const stripe = stripeFor(run);
  const seeded = await stripe.customers.list({ limit: 10 });
  assert.deepEqual(seeded.data.map((c) => c.email).sort(), ['ada@example.com', 'alan@example.com']);

  const baseline = hash(await stateOf(s.url, run, 'stripe'));
  await stripe.customers.create({ email: 'late@example.com' });
  await stripe.customers.update(seeded.data[0].id, { name: 'Renamed' });
  await stripe.products.del((await stripe.products.create({ name: 'Temp' })).id);
  assert.notEqual(hash(await stateOf(s.url, run, 'stripe')), baseline);
  for (let i = 0; i < 3; i++) {
    const r = await api(s.url, 'POST', `/twin-runs/${run.run_id}/reset`);
    assert.equal(r.body.status, 'reset_complete');
    assert.equal(hash(await stateOf(s.url, run, 'stripe')), baseline, `reset ${i + 1}`);
    await stripe.customers.create({ email: `again${i}@example.com` });
  }
  // Two runs of one scenario on PostgreSQL hold the same state, ids included.
  const twin = await createRun(s.url, ['stripe'], { scenario_id: scenario.id });
  await api(s.url, 'POST', `/twin-runs/${run.run_id}/reset`);
  assert.deepEqual(await stateOf(s.url, twin, 'stripe'), await stateOf(s.url, run, 'stripe'));
});

test('a restart with the same store URL and node keeps live runs and their state', async () => {
  const portRange = randomPortRange();
  let s = await serve({ nodeId: 'restart', portRange });
  const run = await createRun(s.url, ['stripe', 'slack'], { ttl_minutes: 30 });
  await api(s.url, 'PATCH', `/runs/${run.run_id}/twins/slack/admin/config?token=${run.proxy_token}`, { tier: 'pro' });
  const cus = await stripeFor(run).customers.create({ email: 'kept@example.com' });
  const before = hash(await stateOf(s.url, run, 'stripe'));
  const gone = await createRun(s.url, ['stripe']);
  await api(s.url, 'POST', `/twin-runs/${gone.run_id}/teardown`);
  assert.equal((await s.stop()).code, 0);

  s = await serve({ nodeId: 'restart', portRange, viaEnv: true }); // TWINS_STORE_URL this time
  const r = await api(s.url, 'GET', `/twin-runs/${run.run_id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'ready');
  assert.equal(r.body.twins.stripe.base_url, run.twins.stripe.base_url);
  assert.equal((await stripeFor(run).customers.retrieve(cus.id)).email, 'kept@example.com');
  assert.equal(hash(await stateOf(s.url, run, 'stripe')), before);
  const cfg = await api(s.url, 'GET', `/runs/${run.run_id}/twins/slack/admin/config?token=${run.proxy_token}`);
  assert.equal(cfg.body.tier, 'pro');
  assert.equal((await api(s.url, 'GET', `/twin-runs/${gone.run_id}`)).body.status, 'cancelled');
});

test('two servers on one database share scenarios; a run is served by its own node', async () => {
  const a = await serve({ nodeId: 'node-a' });
  const b = await serve({ nodeId: 'node-b' });
  const made = await api(a.url, 'POST', '/scenarios', { name: 'shared', tags: ['fleet'],
    seed_config: { stripe: { customers: [{ email: 'fleet@example.com' }] } } });
  assert.equal(made.status, 201);
  const seen = await api(b.url, 'GET', `/scenarios/${made.body.id}`);
  assert.equal(seen.status, 200);
  assert.deepEqual(seen.body, made.body);
  const upd = await api(b.url, 'PUT', `/scenarios/${made.body.id}`, { name: 'shared, renamed' });
  assert.equal(upd.status, 200, upd.text);
  assert.equal((await api(a.url, 'GET', `/scenarios/${made.body.id}`)).body.name, 'shared, renamed');
  assert.ok((await api(b.url, 'GET', '/scenarios?tag=fleet')).body.some((x) => x.id === made.body.id));

  // Either node provisions from the shared scenario; each run lives on its node.
  const onA = await createRun(a.url, ['stripe'], { scenario_id: made.body.id });
  const onB = await createRun(b.url, ['stripe'], { scenario_id: made.body.id });
  assert.deepEqual(await stateOf(a.url, onA, 'stripe'), await stateOf(b.url, onB, 'stripe'));
  assert.equal((await api(b.url, 'GET', `/twin-runs/${onA.run_id}`)).status, 404);
  assert.equal((await stripeFor(onA).customers.list()).data[0].email, 'fleet@example.com');

  // A node restarting restores its own runs only, even with the other's in the database.
  await b.stop();
  servers.splice(servers.indexOf(b), 1);
  const b2 = await serve({ nodeId: 'node-b' });
  assert.equal((await api(b2.url, 'GET', `/twin-runs/${onB.run_id}`)).body.status, 'ready');
  assert.equal((await api(b2.url, 'GET', `/twin-runs/${onA.run_id}`)).status, 404);
  assert.equal((await api(a.url, 'GET', `/twin-runs/${onA.run_id}`)).body.status, 'ready');

  const del = await api(a.url, 'DELETE', `/scenarios/${made.body.id}`);
  assert.ok(del.status === 200 || del.status === 204, del.text);
  assert.equal((await api(b2.url, 'GET', `/scenarios/${made.body.id}`)).status, 404);
});

test('a store URL that does not answer stops the server with the reason', async () => {
  await assert.rejects(
    startServer({ args: ['--store-url', 'postgresql:///none?host=/nonexistent-twins-dir&connect_timeout=2'] }),
    /cannot open the store: .*PostgreSQL/);
  await assert.rejects(startServer({ args: ['--store-url', storeUrl, '--data-dir', dir] }),
    /--data-dir and --store-url are exclusive/);
});
