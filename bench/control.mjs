// Control-plane and footprint figures against a running server.
// Usage: node bench/control.mjs URL PID [runs-for-rss]
import { readFileSync } from 'node:fs';

const [url, pid, manyArg] = process.argv.slice(2);
const MANY = Number(manyArg || 10000);
const ALL = ['stripe', 'slack', 'github', 'google_drive', 'google_calendar', 'dropbox', 'notion', 'discord', 'box',
  'jira', 'unstructured', 'unified'];

const rssKiB = () => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
const post = (path, body) => fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body) }).then((r) => r.json());
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

async function timeIt(fn) {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, v];
}

// Warm-up, then 200 provision/teardown pairs of all twelve twins.
for (let i = 0; i < 20; i++) { const r = await post('/twin-runs', { twins: ALL }); await post(`/twin-runs/${r.run_id}/teardown`, {}); }
const create = [], teardown = [], health = [];
for (let i = 0; i < 200; i++) {
  const [tc, r] = await timeIt(() => post('/twin-runs', { twins: ALL }));
  const [tt] = await timeIt(() => post(`/twin-runs/${r.run_id}/teardown`, {}));
  const [th] = await timeIt(() => fetch(url + '/health').then((x) => x.text()));
  create.push(tc); teardown.push(tt); health.push(th);
}
// Seeding: a twelve-twin run from a scenario of a few hundred objects.
const seed = {
  stripe: {
    customers: Array.from({ length: 300 }, (_, i) => ({ email: `c${i}@example.com`, name: `Customer ${i}` })),
    products: Array.from({ length: 50 }, (_, i) => ({ name: `Product ${i}`,
      prices: [{ currency: 'usd', unit_amount: 100 + i }, { currency: 'eur', unit_amount: 90 + i }] })),
  },
};
const scenario = await post('/scenarios', { name: 'bench seed', twins: ALL, seed_config: seed });
const seeded = [], resets = [];
let objects = 0;
for (let i = 0; i < 30; i++) {
  const [ts, r] = await timeIt(() => post('/twin-runs', { twins: ALL, scenario_id: scenario.id }));
  const c = r.seed_results.stripe;
  objects = c.customers + c.products + c.prices;
  const [tr] = await timeIt(() => post(`/twin-runs/${r.run_id}/reset`, {}));
  seeded.push(ts); resets.push(tr);
  await post(`/twin-runs/${r.run_id}/teardown`, {});
}

const before = rssKiB();
for (let i = 0; i < MANY; i++) {
  const r = await post('/twin-runs', { twins: ['stripe'], ttl_minutes: 60 });
  if (!r.run_id) throw new Error(JSON.stringify(r));
}
const after = rssKiB();
const f = (x) => x.toFixed(2);
console.log(`provision 12 twins: p50 ${f(pct(create, 0.5))} ms, p99 ${f(pct(create, 0.99))} ms`);
console.log(`teardown 12 twins:  p50 ${f(pct(teardown, 0.5))} ms, p99 ${f(pct(teardown, 0.99))} ms`);
console.log(`provision 12 twins seeded with ${objects} objects: p50 ${f(pct(seeded, 0.5))} ms; reset to that seed: p50 ${f(pct(resets, 0.5))} ms`);
console.log(`GET /health (client round trip, same client): p50 ${f(pct(health, 0.5))} ms`);
console.log(`${MANY} live one-twin runs: RSS +${((after - before) / 1024).toFixed(1)} MiB, ${((after - before) / MANY).toFixed(1)} KiB per run`);
