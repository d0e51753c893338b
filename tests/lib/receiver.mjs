// A local HTTP receiver for the webhook deliveries (and push notifications)
// a twin sends out, shared by the conformance suites.
//
// It listens on 127.0.0.1 on a free port and records every request in
// arrival order as { method, url, headers, raw, body }: `raw` is the exact
// bytes received (a Buffer), so signature checks can run over what the twin
// signed, and `body` is the same bytes decoded as UTF-8 for convenience.
//
// Answers default to 200 "ok". `statuses` gives a sequence for the first
// deliveries (e.g. [500, 500] then the default, for retry tests); `respond`
// decides per delivery instead, returning { status, body, headers, delayMs }
// (delayMs holds the answer back, for timeout tests).

import http from 'node:http';

/**
 * @param {object} [opts]
 * @param {string} [opts.path='/hook'] path of `url`
 * @param {number[]} [opts.statuses] status for the 1st, 2nd, ... delivery
 * @param {number} [opts.status=200] status once `statuses` is used up
 * @param {string} [opts.body='ok'] answer body
 * @param {(delivery: object) => {status?: number, body?: string, headers?: object, delayMs?: number}} [opts.respond]
 */
export async function startReceiver(opts = {}) {
  const { path = '/hook', statuses = [], status = 200, body = 'ok', respond } = opts;
  const deliveries = [];
  const wakers = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const delivery = { method: req.method, url: req.url, headers: req.headers, raw, body: raw.toString('utf8') };
      const n = deliveries.length;
      deliveries.push(delivery);
      const answer = respond ? respond(delivery) || {} : {};
      const send = () => {
        res.writeHead(answer.status ?? statuses[n] ?? status, answer.headers);
        res.end(answer.body ?? body);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
      for (const wake of wakers.splice(0)) wake();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;

  // Sleeps until the next delivery arrives or `ms` passes, whichever is first.
  const nextDelivery = (ms) => new Promise((r) => {
    const timer = setTimeout(r, ms);
    wakers.push(() => { clearTimeout(timer); r(); });
  });

  return {
    url: origin + path,
    urlFor: (p) => origin + p,
    port: server.address().port,
    deliveries,
    /**
     * waitFor(n): resolves with all deliveries once there are at least n.
     * waitFor(pred): resolves with the first delivery matching pred.
     * Throws if that does not happen within ms.
     */
    async waitFor(what, ms = 5000) {
      const end = Date.now() + ms;
      for (;;) {
        if (typeof what === 'number') {
          if (deliveries.length >= what) return deliveries;
        } else {
          const hit = deliveries.find(what);
          if (hit) return hit;
        }
        const left = end - Date.now();
        if (left <= 0) break;
        await nextDelivery(Math.min(left, 100));
      }
      const wanted = typeof what === 'number' ? `${what} deliveries` : 'a matching delivery';
      throw new Error(`webhook receiver: expected ${wanted} within ${ms} ms, got ${deliveries.length}`
        + (deliveries.length ? `: ${deliveries.map((d) => `${d.method} ${d.url}`).join(', ')}` : ''));
    },
    close: () => new Promise((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    }),
  };
}
