// The shared webhook receiver (tests/lib/receiver.mjs) that the conformance
// suites rely on: exact bytes, status sequences, waitFor and close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startReceiver } from '../lib/receiver.mjs';

// Sends body in the given chunks so a multi-byte character can straddle two.
function post(url, chunks, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

test('records method, url, headers and the exact raw bytes', async () => {
  const rx = await startReceiver({ path: '/in' });
  try {
    assert.match(rx.url, /^http:\/\/127\.0\.0\.1:\d+\/in$/);
    const bytes = Buffer.from('{"name":"Zoë 🎉"}');
    const cut = bytes.indexOf(0xf0) + 2;  // in the middle of the emoji
    const res = await post(rx.urlFor('/in?x=1'), [bytes.subarray(0, cut), bytes.subarray(cut)], { 'x-sig': 'abc' });
    assert.deepEqual(res, { status: 200, text: 'ok' });
    const [d] = await rx.waitFor(1);
    assert.equal(d.method, 'POST');
    assert.equal(d.url, '/in?x=1');
    assert.equal(d.headers['x-sig'], 'abc');
    assert.ok(Buffer.isBuffer(d.raw));
    assert.ok(d.raw.equals(bytes));
    assert.equal(d.body, '{"name":"Zoë 🎉"}');
  } finally {
    await rx.close();
  }
});

test('answers a status sequence, then the default; respond overrides', async () => {
  const rx = await startReceiver({ statuses: [500, 503], status: 204, body: '' });
  try {
    const got = [];
    for (let i = 0; i < 4; i++) got.push((await post(rx.url, ['x'])).status);
    assert.deepEqual(got, [500, 503, 204, 204]);
    assert.equal(rx.deliveries.length, 4);
  } finally {
    await rx.close();
  }
  const rx2 = await startReceiver({ respond: (d) => (d.body === 'bad' ? { status: 400, body: 'no' } : undefined) });
  try {
    assert.deepEqual(await post(rx2.url, ['bad']), { status: 400, text: 'no' });
    assert.deepEqual(await post(rx2.url, ['good']), { status: 200, text: 'ok' });
  } finally {
    await rx2.close();
  }
});

test('waitFor a count or a predicate, and fails after the timeout', async () => {
  const rx = await startReceiver();
  try {
    setTimeout(() => { post(rx.url, ['one']); }, 50);
    setTimeout(() => { post(rx.url, ['two']); }, 100);
    const hit = await rx.waitFor((d) => d.body === 'two', 2000);
    assert.equal(hit.body, 'two');
    assert.equal((await rx.waitFor(2, 10)).length, 2);
    await assert.rejects(rx.waitFor(3, 150), /expected 3 deliveries within 150 ms, got 2/);
    await assert.rejects(rx.waitFor((d) => d.body === 'three', 150), /a matching delivery/);
  } finally {
    await rx.close();
  }
});
