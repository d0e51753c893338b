// A small, in-memory, contract-faithful fake of the twins control plane
// (docs/README.md §2: /twin-runs, /validate/twins, /scenarios and the scenario
// twin environments). It exists so the SDK suite runs before the real server
// does; set TWINS_URL to run the same suite against the real one.
//
// Fake-only extras (never part of the contract):
//   fake.addFault({ method, path, status, headers, body, delayMs, destroy, times })
//       the next `times` (default 1) matching requests get this answer instead
//       (or a delay before the normal answer, or a dropped connection).
//   fake.setRunStatus(runId, status)   force a run into any status.
//   fake.requests                      log of { method, path, headers, body }.
//
// Run standalone: node test/fake-server.mjs [--port 8080] [--api-key KEY]

import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

export const CATALOG = [
  ['discord', 'Discord', 'frontend', ['discord.com', 'api.discord.com', 'discordapp.com']],
  ['dropbox', 'Dropbox', 'frontend', ['api.dropboxapi.com', 'content.dropboxapi.com', 'notify.dropboxapi.com']],
  ['github', 'GitHub', 'frontend', ['api.github.com', 'github.com']],
  ['google_calendar', 'Google Calendar', 'frontend', ['www.googleapis.com', 'calendar.googleapis.com']],
  ['google_drive', 'Google Drive', 'frontend', ['www.googleapis.com', 'content.googleapis.com']],
  ['notion', 'Notion', 'frontend', ['api.notion.com', 'notion.so']],
  ['slack', 'Slack', 'frontend', ['slack.com']],
  ['stripe', 'Stripe', 'frontend', ['api.stripe.com', 'files.stripe.com', 'connect.stripe.com']],
  ['box', 'Box', 'backend', ['api.box.com', 'upload.box.com', 'app.box.com']],
  ['jira', 'Jira', 'backend', ['*.atlassian.net']],
  ['unified', 'Unified', 'backend', ['api.unified.to']],
  ['unstructured', 'Unstructured', 'backend', ['api.unstructuredapp.io', 'platform.unstructuredapp.io']],
].map(([name, label, kind, hosts]) => ({ name, label, kind, show_in_ui: kind === 'frontend', hosts }));

const CATALOG_BY_NAME = new Map(CATALOG.map((t) => [t.name, t]));

function envVarsFor(name, base) {
  const tok = (p) => p + randomBytes(8).toString('hex');
  switch (name) {
    case 'stripe':
      return { STRIPE_API_BASE: base, STRIPE_SECRET_KEY: tok('sk_test_'), STRIPE_WEBHOOK_SECRET: tok('whsec_') };
    case 'slack':
      return { SLACK_API_URL: `${base}/api/`, SLACK_BOT_TOKEN: 'xoxb-F9SXMECOSFOGYR3XKXWN', SLACK_SIGNING_SECRET: tok('') };
    case 'github':
      return { GITHUB_API_URL: base, GITHUB_TOKEN: tok('ghp_') };
    case 'notion':
      return { NOTION_API_URL: base, NOTION_TOKEN: tok('secret_') };
    case 'google_drive':
      return { GOOGLE_DRIVE_API_URL: base, GOOGLE_ACCESS_TOKEN: tok('ya29.') };
    case 'google_calendar':
      return { GOOGLE_CALENDAR_API_URL: base, GOOGLE_ACCESS_TOKEN: tok('ya29.') };
    case 'dropbox':
      return { DROPBOX_API_URL: base, DROPBOX_ACCESS_TOKEN: tok('sl.') };
    case 'discord':
      return { DISCORD_API_URL: `${base}/api`, DISCORD_BOT_TOKEN: tok('') };
    case 'box':
      return { BOX_API_URL: base, BOX_DEVELOPER_TOKEN: tok('') };
    case 'jira':
      return { JIRA_BASE_URL: base, JIRA_API_TOKEN: tok('') };
    case 'unstructured':
      return { UNSTRUCTURED_API_URL: base, UNSTRUCTURED_API_KEY: tok('') };
    case 'unified':
      return { UNIFIED_API_URL: base, UNIFIED_API_KEY: tok('') };
    default:
      return {};
  }
}

const PRESETS = [
  ['ecommerce-checkout', 'E-commerce checkout', ['stripe', 'slack']],
  ['saas-billing', 'SaaS billing and upgrades', ['stripe', 'slack', 'notion']],
  ['cicd-pipeline', 'CI/CD pipeline', ['github', 'slack', 'discord']],
  ['customer-support', 'Customer support', ['slack', 'stripe', 'notion']],
  ['document-collaboration', 'Document collaboration', ['google_drive', 'slack', 'notion']],
  ['payment-fraud', 'Payment fraud and edge cases', ['stripe', 'slack']],
  ['access-control', 'Access control boundaries', ['github', 'slack', 'notion']],
  ['high-volume-messaging', 'High-volume messaging', ['slack', 'discord']],
  ['i18n-unicode', 'Internationalisation and Unicode', ['slack', 'stripe', 'notion']],
  ['calendar-conflicts', 'Calendar conflicts', ['google_calendar', 'slack']],
].map(([slug, name, twins]) => ({
  id: `preset-${slug}`,
  name,
  description: `${name} preset`,
  prompt: null,
  twins,
  seed_config: Object.fromEntries(twins.map((t) => [t, {}])),
  tags: ['preset'],
  is_preset: true,
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T00:00:00.000Z',
}));

const TERMINAL = new Set(['failed', 'expired', 'cancelled']);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class HttpError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

const bad = (detail) => new HttpError(400, detail);

function checkTtl(v) {
  if (v === undefined || v === null) return 60;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 480) {
    throw bad('ttl_minutes must be an integer between 1 and 480');
  }
  return v;
}

function checkTwinNames(twins, field = 'twins') {
  if (!Array.isArray(twins) || twins.length === 0) throw bad(`${field} must be a non-empty array of twin names`);
  for (const t of twins) {
    if (typeof t !== 'string') throw bad(`${field} must be an array of strings`);
    if (!CATALOG_BY_NAME.has(t)) throw bad(`unknown twin: ${t}`);
  }
  return [...new Set(twins)];
}

function countSeed(cfg) {
  const counts = {};
  if (cfg && typeof cfg === 'object') {
    for (const [k, v] of Object.entries(cfg)) if (Array.isArray(v)) counts[k] = v.length;
  }
  return counts;
}

export async function startFakeServer(options = {}) {
  const apiKey = options.apiKey;
  const provisionDelayMs = options.provisionDelayMs ?? 30;
  const runs = new Map();
  const scenarios = new Map();
  const environments = new Map();
  const faults = [];
  const requests = [];
  let nextPort = 41000;
  let origin = '';
  let reqCounter = 0;

  const instance = (runId, name) => {
    const cat = CATALOG_BY_NAME.get(name);
    const base = `http://127.0.0.1:${nextPort++}`;
    return {
      name,
      label: cat.label,
      kind: cat.kind,
      base_url: base,
      admin_url: `${origin}/runs/${runId}/twins/${name}`,
      env_vars: envVarsFor(name, base),
      show_in_ui: cat.show_in_ui,
    };
  };

  const seedResultsFor = (twins, scenario) => {
    const out = {};
    if (!scenario) return out;
    for (const t of twins) {
      const cfg = scenario.seed_config?.[t];
      out[t] = cfg ? { status: 'seeded', ...countSeed(cfg) } : { status: 'skipped' };
    }
    return out;
  };

  const lookupScenario = (id) => {
    const s = scenarios.get(id) ?? PRESETS.find((p) => p.id === id);
    return s;
  };

  const refresh = (run) => {
    const now = Date.now();
    if (!TERMINAL.has(run.status) && now >= Date.parse(run.expires_at)) {
      run.status = 'expired';
      run.twins = {};
    }
    if ((run.status === 'queued' || run.status === 'provisioning') && !run._forced && now >= run._readyAt) {
      run.status = 'ready';
    }
    return run;
  };

  const view = (run) => {
    refresh(run);
    const { _readyAt, _forced, _baselineKind, ...pub } = run;
    return structuredClone(pub);
  };

  const createRun = (body) => {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('body must be a JSON object');
    const twins = checkTwinNames(body.twins);
    const ttl = checkTtl(body.ttl_minutes);
    let scenario = null;
    if (body.scenario_id !== undefined && body.scenario_id !== null) {
      if (typeof body.scenario_id !== 'string') throw bad('scenario_id must be a string');
      scenario = lookupScenario(body.scenario_id);
      if (!scenario) throw new HttpError(404, `scenario not found: ${body.scenario_id}`);
    }
    if (body.public !== undefined && typeof body.public !== 'boolean') throw bad('public must be a boolean');
    const isPublic = body.public ?? true;
    const runId = randomUUID();
    const now = Date.now();
    const run = {
      run_id: runId,
      status: provisionDelayMs > 0 ? 'provisioning' : 'ready',
      twins: Object.fromEntries(twins.map((t) => [t, instance(runId, t)])),
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + ttl * 60_000).toISOString(),
      ttl_minutes: ttl,
      is_public: isPublic,
      locked: false,
      proxy_token: `ptk_${randomBytes(16).toString('hex')}`,
      dashboard_url: `${origin}/runs/${runId}`,
      scenario_id: scenario ? scenario.id : null,
      scenario_prompt: scenario ? null : (body.scenario_prompt ?? null),
      seed_results: seedResultsFor(twins, scenario),
      error: null,
      _readyAt: now + provisionDelayMs,
      _baselineKind: scenario ? 'scenario' : 'empty',
    };
    runs.set(runId, run);
    return run;
  };

  const getRun = (id) => {
    if (!UUID_RE.test(id)) throw bad(`malformed run id: ${id}`);
    const run = runs.get(id.toLowerCase());
    if (!run) throw new HttpError(404, `run not found: ${id}`);
    return refresh(run);
  };

  const requireLive = (run, what) => {
    if (TERMINAL.has(run.status)) throw new HttpError(409, `cannot ${what} run ${run.run_id}: run is ${run.status}`);
  };

  const runAction = (id, action, body) => {
    const run = getRun(id);
    switch (action) {
      case 'extend': {
        requireLive(run, 'extend');
        const ttl = checkTtl(body?.ttl_minutes);
        run.ttl_minutes = ttl;
        run.expires_at = new Date(Date.now() + ttl * 60_000).toISOString();
        return [200, { status: 'extended', ttl_minutes: ttl, expires_at: run.expires_at }];
      }
      case 'lock': {
        requireLive(run, 'lock');
        const already = run.locked;
        run.locked = true;
        run.is_public = false;
        return [200, { status: already ? 'already_locked' : 'locked', run_id: run.run_id, is_public: false }];
      }
      case 'teardown': {
        if (!TERMINAL.has(run.status)) {
          run.status = 'cancelled';
          run._forced = true;
        }
        run.twins = {};
        return [200, { status: 'cleaning_up', run_id: run.run_id }];
      }
      case 'reset': {
        requireLive(run, 'reset');
        const names = Object.keys(run.twins);
        const scenario = run.scenario_id ? lookupScenario(run.scenario_id) : null;
        return [
          200,
          {
            run_id: run.run_id,
            status: 'reset_complete',
            baseline_kind: run._baselineKind,
            factory_reset: Object.fromEntries(names.map((n) => [n, { status: 'ok' }])),
            seed_results: seedResultsFor(names, scenario),
          },
        ];
      }
      default:
        throw new HttpError(404, 'not found');
    }
  };

  const validateScenario = (body, partial) => {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('body must be a JSON object');
    if (!partial || body.name !== undefined) {
      if (typeof body.name !== 'string' || body.name.trim() === '') throw bad('name is required');
    }
    if (body.twins !== undefined) checkTwinNames(body.twins);
    if (body.tags !== undefined && (!Array.isArray(body.tags) || body.tags.some((t) => typeof t !== 'string'))) {
      throw bad('tags must be an array of strings');
    }
    if (body.seed_config !== undefined) {
      const sc = body.seed_config;
      if (!sc || typeof sc !== 'object' || Array.isArray(sc)) throw bad('seed_config must be an object keyed by twin name');
      for (const t of Object.keys(sc)) if (!CATALOG_BY_NAME.has(t)) throw bad(`seed_config: unknown twin: ${t}`);
    }
  };

  const getScenario = (id) => {
    const s = lookupScenario(id);
    if (!s) throw new HttpError(404, `scenario not found: ${id}`);
    return s;
  };

  const envView = (env) => structuredClone(env);

  async function route(method, url, body) {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const parts = path.split('/').slice(1).map(decodeURIComponent);
    const q = url.searchParams;

    if (method === 'GET' && path === '/health') return [200, { status: 'ok' }];

    // --- /twin-runs ---
    if (parts[0] === 'twin-runs') {
      if (parts.length === 1) {
        if (method === 'POST') return [201, view(createRun(body))];
        if (method === 'GET') {
          const status = q.get('status');
          const list = [...runs.values()].map(view).filter((r) => !status || r.status === status);
          return [200, list];
        }
      } else if (parts.length === 2) {
        if (method === 'GET') return [200, view(getRun(parts[1]))];
        if (method === 'DELETE') return runAction(parts[1], 'teardown');
      } else if (parts.length === 3 && method === 'POST') {
        if (['extend', 'lock', 'teardown', 'reset'].includes(parts[2])) return runAction(parts[1], parts[2], body);
      }
      throw new HttpError(parts.length <= 3 ? 405 : 404, 'not found');
    }

    // --- /validate/twins ---
    if (parts[0] === 'validate' && parts[1] === 'twins') {
      if (parts.length === 2 && method === 'GET') return [200, structuredClone(CATALOG)];
      if (parts.length === 3 && parts[2] === 'provision' && method === 'POST') {
        const run = createRun(body);
        return [201, { run_id: run.run_id, status: refresh(run).status }];
      }
      if (parts.length === 5 && parts[2] === 'provision') {
        const [, , , id, action] = parts;
        if (action === 'status' && method === 'GET') return [200, view(getRun(id))];
        if (method === 'POST' && ['extend', 'teardown', 'reset'].includes(action)) {
          return runAction(id, action, body);
        }
      }
      throw new HttpError(404, 'not found');
    }

    // --- /scenarios ---
    if (parts[0] === 'scenarios') {
      if (parts.length === 1) {
        if (method === 'POST') {
          validateScenario(body, false);
          const now = new Date().toISOString();
          const s = {
            id: randomUUID(),
            name: body.name,
            description: body.description ?? null,
            prompt: body.prompt ?? null,
            twins: body.twins ?? Object.keys(body.seed_config ?? {}),
            seed_config: body.seed_config ?? {},
            tags: body.tags ?? [],
            is_preset: false,
            created_at: now,
            updated_at: now,
          };
          scenarios.set(s.id, s);
          return [201, structuredClone(s)];
        }
        if (method === 'GET') {
          const twin = q.get('twin');
          const tag = q.get('tag');
          const withPresets = q.get('include_presets') === 'true';
          const all = [...(withPresets ? PRESETS : []), ...scenarios.values()];
          return [
            200,
            structuredClone(all.filter((s) => (!twin || s.twins.includes(twin)) && (!tag || s.tags.includes(tag)))),
          ];
        }
        throw new HttpError(405, 'method not allowed');
      }
      const id = parts[1];
      if (parts.length === 2) {
        if (method === 'GET') return [200, structuredClone(getScenario(id))];
        if (method === 'PUT' || method === 'DELETE') {
          const s = getScenario(id);
          if (s.is_preset) throw new HttpError(403, `preset scenarios are read-only: ${id}`);
          if (method === 'DELETE') {
            scenarios.delete(id);
            environments.delete(id);
            return [204, undefined];
          }
          validateScenario(body, true);
          for (const k of ['name', 'description', 'prompt', 'twins', 'seed_config', 'tags']) {
            if (body[k] !== undefined) s[k] = body[k];
          }
          s.updated_at = new Date().toISOString();
          return [200, structuredClone(s)];
        }
        throw new HttpError(405, 'method not allowed');
      }
      if (parts[2] === 'twin-environment') {
        const s = getScenario(id);
        if (parts.length === 3) {
          if (method === 'POST') {
            const existing = environments.get(id);
            if (existing) return [200, envView(existing)];
            const twins = body?.twins !== undefined ? checkTwinNames(body.twins) : s.twins;
            if (!twins.length) throw bad('scenario has no twins; pass twins');
            const envId = randomUUID();
            const env = {
              scenario_id: id,
              environment_id: envId,
              status: 'ready',
              is_public: body?.public ?? true,
              proxy_token: `ptk_${randomBytes(16).toString('hex')}`,
              twins: Object.fromEntries(twins.map((t) => [t, instance(envId, t)])),
              seed_results: seedResultsFor(twins, s),
              created_at: new Date().toISOString(),
            };
            environments.set(id, env);
            return [201, envView(env)];
          }
          const env = environments.get(id);
          if (!env) throw new HttpError(404, `no twin environment for scenario: ${id}`);
          if (method === 'GET') return [200, envView(env)];
          if (method === 'DELETE') {
            environments.delete(id);
            return [200, { status: 'deleted', scenario_id: id }];
          }
          throw new HttpError(405, 'method not allowed');
        }
        if (parts.length === 4 && parts[3] === 'reseed' && method === 'POST') {
          const env = environments.get(id);
          if (!env) throw new HttpError(404, `no twin environment for scenario: ${id}`);
          env.seed_results = seedResultsFor(Object.keys(env.twins), s);
          return [200, { scenario_id: id, status: 'reseeded', seed_results: structuredClone(env.seed_results) }];
        }
      }
      throw new HttpError(404, 'not found');
    }

    if (method === 'GET' && path === '/scenario-twin-environments') {
      return [200, [...environments.values()].map(envView)];
    }

    throw new HttpError(404, `not found: ${method} ${path}`);
  }

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url, 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      const requestId = `req_${++reqCounter}`;
      let body;
      let parseError = false;
      if (raw !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          parseError = true;
        }
      }
      requests.push({ method: req.method, path: url.pathname, query: url.search, headers: req.headers, body, raw });
      const send = (status, payload, extra = {}) => {
        const headers = { 'x-request-id': requestId, ...extra };
        if (payload === undefined) {
          res.writeHead(status, headers);
          return res.end();
        }
        const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(text);
      };

      const i = faults.findIndex(
        (f) => (!f.method || f.method === req.method) && (f.path instanceof RegExp ? f.path.test(url.pathname) : !f.path || f.path === url.pathname),
      );
      if (i >= 0) {
        const f = faults[i];
        f.times = (f.times ?? 1) - 1;
        if (f.times <= 0) faults.splice(i, 1);
        if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
        if (f.destroy) return req.socket.destroy();
        if (f.status) return send(f.status, f.body ?? { detail: `injected ${f.status}` }, f.headers);
      }

      if (apiKey && url.pathname !== '/health' && req.headers.authorization !== `Bearer ${apiKey}`) {
        return send(401, { detail: 'missing or invalid API key' });
      }
      if (parseError) return send(400, { detail: 'request body is not valid JSON' });
      try {
        const [status, payload] = await route(req.method, url, body);
        send(status, payload);
      } catch (e) {
        if (e instanceof HttpError) send(e.status, { detail: e.message });
        else send(500, { detail: String(e?.stack ?? e) });
      }
    });
  });

  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;

  return {
    url: origin,
    requests,
    runs,
    addFault(f) {
      faults.push({ ...f });
    },
    clearFaults() {
      faults.length = 0;
    },
    setRunStatus(runId, status) {
      const run = runs.get(runId);
      if (!run) throw new Error(`no run ${runId}`);
      run.status = status;
      run._forced = true;
      if (TERMINAL.has(status)) run.twins = {};
      if (status === 'failed') run.error = 'injected failure';
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// Standalone mode (never under `node --test`, which sets NODE_TEST_CONTEXT).
if (process.argv[1] === fileURLToPath(import.meta.url) && !process.env.NODE_TEST_CONTEXT) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const fake = await startFakeServer({ port: Number(arg('--port') ?? 0), apiKey: arg('--api-key') });
  console.log(`fake twins control plane on ${fake.url}`);
}
