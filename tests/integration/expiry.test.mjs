// The TTL reaper: a run past its expiry becomes `expired`, its twins stop
// answering and its state is freed.  The shortest TTL is one minute, so this
// file waits about that long (it runs alongside the other files).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, createRun } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('a run expires at created + ttl and frees its twins', { timeout: 120000 }, async () => {
  const run = await createRun(srv.url, ['stripe', 'slack'], { ttl_minutes: 1 });
  const keep = await createRun(srv.url, ['stripe'], { ttl_minutes: 10 });
  const base = run.twins.stripe.base_url;
  assert.equal((await api(base, 'GET', '/nope')).status, 404);
  const deadline = Date.parse(run.expires_at);
  assert.ok(Math.abs(deadline - Date.parse(run.created_at) - 60000) < 1000);
  let status;
  while (Date.now() < deadline + 15000) {
    status = (await api(srv.url, 'GET', `/twin-runs/${run.run_id}`)).body;
    if (status.status === 'expired') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(status.status, 'expired');
  assert.ok(Date.now() >= deadline, 'not before its expiry');
  assert.deepEqual(status.twins, {});
  await assert.rejects(fetch(base + '/nope'));
  assert.equal((await api(srv.url, 'POST', `/twin-runs/${run.run_id}/extend`, { ttl_minutes: 5 })).status, 409);
  const expired = await api(srv.url, 'GET', '/twin-runs?status=expired');
  assert.ok(expired.body.some((r) => r.run_id === run.run_id));
  assert.equal((await api(srv.url, 'GET', `/twin-runs/${keep.run_id}`)).body.status, 'ready');
});
