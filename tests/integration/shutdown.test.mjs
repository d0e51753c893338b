// Stopping the server: the engine calls every twin's on_stop hook before the
// HTTP server closes, so requests a twin holds open (Dropbox's parked
// longpolls) are answered and the process exits 0 at once instead of
// waiting for them (or being killed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, createRun } from '../lib/server.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Parks a longpoll on a fresh Dropbox twin of srv; resolves to { answer }, the
 *  pending answer (wrapped: an async function returning a promise would wait for it). */
async function parkLongpoll(srv) {
  const run = await createRun(srv.url, ['dropbox']);
  const twin = run.twins.dropbox;
  const auth = { authorization: `Bearer ${twin.env_vars.DROPBOX_ACCESS_TOKEN}` };
  const latest = await api(twin.base_url, 'POST', '/2/files/list_folder/get_latest_cursor', { path: '' }, auth);
  assert.equal(latest.status, 200, latest.text);
  const held = api(twin.base_url, 'POST', '/2/files/list_folder/longpoll', { cursor: latest.body.cursor, timeout: 300 });
  let settled = false;
  held.finally(() => { settled = true; }).catch(() => {});
  await sleep(300);
  assert.equal(settled, false, 'the longpoll answered before the server was stopped');
  return { answer: held };
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`${signal} answers a parked longpoll (changes false) and the server exits 0 promptly`, async () => {
    const srv = await startServer();
    try {
      const { answer: held } = await parkLongpoll(srv);
      const started = Date.now();
      const exit = await srv.stop(signal);
      const took = Date.now() - started;
      assert.deepEqual(exit, { code: 0, signal: null }, `exit ${JSON.stringify(exit)}: ${srv.logs()}`);
      assert.ok(took < 3000, `stopping took ${took} ms`);
      const answer = await held;
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { changes: false });
      assert.match(srv.logs(), /shutting down/);
    } finally {
      await srv.stop();
    }
  });
}

test('a server holding no requests still stops at once', async () => {
  const srv = await startServer();
  try {
    await createRun(srv.url, ['dropbox', 'slack']);
    const started = Date.now();
    const exit = await srv.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(Date.now() - started < 3000);
  } finally {
    await srv.stop();
  }
});
