import { RunNotReadyError, TimeoutError } from './errors.js';
import { sleep, type RequestOptions, type Transport } from './http.js';
import {
  TERMINAL_STATUSES,
  type CatalogTwin,
  type CreateScenarioParams,
  type CreateTwinRunParams,
  type EnsureTwinEnvironmentParams,
  type ExtendParams,
  type ExtendResult,
  type ListScenariosParams,
  type ListTwinRunsParams,
  type LockResult,
  type ProvisionParams,
  type ProvisionResult,
  type ResetResult,
  type Scenario,
  type TeardownResult,
  type TwinEnvironment,
  type TwinRun,
  type UpdateScenarioParams,
  type WaitUntilReadyOptions,
} from './types.js';

/** Encodes one path segment, refusing empty or non-string ids. */
function seg(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  return encodeURIComponent(value);
}

function runBody(params: CreateTwinRunParams): Record<string, unknown> {
  if (!params || !Array.isArray(params.twins)) throw new TypeError('twins must be an array of twin names');
  return {
    twins: params.twins,
    ttlMinutes: params.ttlMinutes,
    scenarioId: params.scenarioId,
    scenarioPrompt: params.scenarioPrompt,
    public: params.public,
  };
}

/** `client.twinRuns`: canonical twin runs (`/twin-runs`). */
export class TwinRuns {
  constructor(private readonly t: Transport) {}

  /** `POST /twin-runs` → the run status object (201). Not retried (not idempotent). */
  async create(params: CreateTwinRunParams, options?: RequestOptions): Promise<TwinRun> {
    return this.t.request({ method: 'POST', path: '/twin-runs', body: runBody(params), idempotent: false }, options);
  }

  /** `GET /twin-runs/{runId}`. */
  async get(runId: string, options?: RequestOptions): Promise<TwinRun> {
    return this.t.request({ method: 'GET', path: `/twin-runs/${seg('runId', runId)}`, idempotent: true }, options);
  }

  /** `GET /twin-runs[?status=]`. */
  async list(params: ListTwinRunsParams = {}, options?: RequestOptions): Promise<TwinRun[]> {
    return this.t.request(
      { method: 'GET', path: '/twin-runs', query: { status: params?.status }, idempotent: true },
      options,
    );
  }

  /** `POST /twin-runs/{runId}/extend`: expiry becomes now + ttlMinutes. */
  async extend(runId: string, params: ExtendParams = {}, options?: RequestOptions): Promise<ExtendResult> {
    return this.t.request(
      {
        method: 'POST',
        path: `/twin-runs/${seg('runId', runId)}/extend`,
        body: { ttlMinutes: params?.ttlMinutes },
        idempotent: true,
      },
      options,
    );
  }

  /** `POST /twin-runs/{runId}/lock`: revokes public access to base URLs. */
  async lock(runId: string, options?: RequestOptions): Promise<LockResult> {
    return this.t.request(
      { method: 'POST', path: `/twin-runs/${seg('runId', runId)}/lock`, idempotent: true },
      options,
    );
  }

  /** `POST /twin-runs/{runId}/teardown`: destroys the run's state at once. */
  async teardown(runId: string, options?: RequestOptions): Promise<TeardownResult> {
    return this.t.request(
      { method: 'POST', path: `/twin-runs/${seg('runId', runId)}/teardown`, idempotent: true },
      options,
    );
  }

  /** `POST /twin-runs/{runId}/reset`: restores every twin to its provision-time baseline. */
  async reset(runId: string, options?: RequestOptions): Promise<ResetResult> {
    return this.t.request(
      { method: 'POST', path: `/twin-runs/${seg('runId', runId)}/reset`, idempotent: true },
      options,
    );
  }

  /**
   * Polls `get(runId)` until the run is `ready` and returns it. Rejects with
   * `RunNotReadyError` when the run becomes `failed`, `expired` or `cancelled`,
   * with `TimeoutError` after `timeoutMs` (default 120 s), or with the signal's
   * reason when aborted.
   */
  async waitUntilReady(runId: string, options: WaitUntilReadyOptions = {}): Promise<TwinRun> {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const intervalMs = options.intervalMs ?? 1_000;
    const deadline = Date.now() + timeoutMs;
    const { signal } = options;
    let lastStatus: string | undefined;
    const timeout = () =>
      new TimeoutError(
        `twin run ${runId} was not ready within ${timeoutMs} ms` +
          (lastStatus ? ` (last status: ${lastStatus})` : ''),
        timeoutMs,
      );
    for (;;) {
      const remaining = deadline - Date.now();
      // The last poll may run slightly past the deadline (up to 1 s) so it is not cut short.
      const attemptTimeout = Math.min(this.t.config.timeoutMs || Infinity, Math.max(remaining, 1_000));
      const run = await this.get(runId, { signal, timeoutMs: attemptTimeout }).catch((e: unknown) => {
        if (e instanceof TimeoutError && Date.now() >= deadline) throw timeout();
        throw e;
      });
      lastStatus = run.status;
      if (run.status === 'ready') return run;
      if ((TERMINAL_STATUSES as readonly string[]).includes(run.status)) {
        throw new RunNotReadyError(runId, run.status, run, run.error);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw timeout();
      await sleep(Math.min(intervalMs, left), signal);
    }
  }
}

/**
 * `client.twins`: the legacy `/validate/twins/...` quickstart endpoints.
 * There is deliberately no `lock()` here: use `client.twinRuns.lock(runId)`.
 */
export class Twins {
  constructor(private readonly t: Transport) {}

  /** `GET /validate/twins` → the twin catalog. */
  async list(options?: RequestOptions): Promise<CatalogTwin[]> {
    return this.t.request({ method: 'GET', path: '/validate/twins', idempotent: true }, options);
  }

  /** `POST /validate/twins/provision` → `{ runId, status }`. Not retried. */
  async provision(params: ProvisionParams, options?: RequestOptions): Promise<ProvisionResult> {
    return this.t.request(
      { method: 'POST', path: '/validate/twins/provision', body: runBody(params), idempotent: false },
      options,
    );
  }

  /** `GET /validate/twins/provision/{runId}/status` → the run status object. */
  async getStatus(runId: string, options?: RequestOptions): Promise<TwinRun> {
    return this.t.request(
      { method: 'GET', path: `/validate/twins/provision/${seg('runId', runId)}/status`, idempotent: true },
      options,
    );
  }

  /** `POST /validate/twins/provision/{runId}/extend`. */
  async extend(runId: string, params: ExtendParams = {}, options?: RequestOptions): Promise<ExtendResult> {
    return this.t.request(
      {
        method: 'POST',
        path: `/validate/twins/provision/${seg('runId', runId)}/extend`,
        body: { ttlMinutes: params?.ttlMinutes },
        idempotent: true,
      },
      options,
    );
  }

  /** `POST /validate/twins/provision/{runId}/teardown`. */
  async teardown(runId: string, options?: RequestOptions): Promise<TeardownResult> {
    return this.t.request(
      { method: 'POST', path: `/validate/twins/provision/${seg('runId', runId)}/teardown`, idempotent: true },
      options,
    );
  }

  /** `POST /validate/twins/provision/{runId}/reset`. */
  async reset(runId: string, options?: RequestOptions): Promise<ResetResult> {
    return this.t.request(
      { method: 'POST', path: `/validate/twins/provision/${seg('runId', runId)}/reset`, idempotent: true },
      options,
    );
  }
}

/** `client.scenarios`: saved seed scenarios and their long-lived twin environments. */
export class Scenarios {
  constructor(private readonly t: Transport) {}

  /** `POST /scenarios`. `seedConfig` is sent untouched. Not retried. */
  async create(params: CreateScenarioParams, options?: RequestOptions): Promise<Scenario> {
    return this.t.request({ method: 'POST', path: '/scenarios', body: params, idempotent: false }, options);
  }

  /** `GET /scenarios?twin=&tag=&include_presets=true`. */
  async list(params: ListScenariosParams = {}, options?: RequestOptions): Promise<Scenario[]> {
    return this.t.request(
      {
        method: 'GET',
        path: '/scenarios',
        query: {
          twin: params?.twin,
          tag: params?.tag,
          include_presets: params?.includePresets === undefined ? undefined : String(params.includePresets),
        },
        idempotent: true,
      },
      options,
    );
  }

  /** `GET /scenarios/{id}` (saved scenarios and presets). */
  async get(id: string, options?: RequestOptions): Promise<Scenario> {
    return this.t.request({ method: 'GET', path: `/scenarios/${seg('id', id)}`, idempotent: true }, options);
  }

  /** `PUT /scenarios/{id}`: partial update. */
  async update(id: string, patch: UpdateScenarioParams, options?: RequestOptions): Promise<Scenario> {
    return this.t.request(
      { method: 'PUT', path: `/scenarios/${seg('id', id)}`, body: patch ?? {}, idempotent: true },
      options,
    );
  }

  /** `DELETE /scenarios/{id}`. Resolves to the server's answer (if any). */
  async delete(id: string, options?: RequestOptions): Promise<unknown> {
    return this.t.request({ method: 'DELETE', path: `/scenarios/${seg('id', id)}`, idempotent: true }, options);
  }

  /** `POST /scenarios/{id}/twin-environment`: creates the scenario's environment, or returns the existing one. */
  async ensureTwinEnvironment(
    id: string,
    params: EnsureTwinEnvironmentParams = {},
    options?: RequestOptions,
  ): Promise<TwinEnvironment> {
    return this.t.request(
      {
        method: 'POST',
        path: `/scenarios/${seg('id', id)}/twin-environment`,
        body: { twins: params?.twins, public: params?.public },
        idempotent: true,
      },
      options,
    );
  }

  /** `GET /scenarios/{id}/twin-environment`. */
  async getTwinEnvironment(id: string, options?: RequestOptions): Promise<TwinEnvironment> {
    return this.t.request(
      { method: 'GET', path: `/scenarios/${seg('id', id)}/twin-environment`, idempotent: true },
      options,
    );
  }

  /** `POST /scenarios/{id}/twin-environment/reseed`: re-applies the scenario's seed. */
  async reseedTwinEnvironment(id: string, options?: RequestOptions): Promise<Record<string, unknown>> {
    return this.t.request(
      { method: 'POST', path: `/scenarios/${seg('id', id)}/twin-environment/reseed`, idempotent: true },
      options,
    );
  }

  /** `DELETE /scenarios/{id}/twin-environment`. */
  async deleteTwinEnvironment(id: string, options?: RequestOptions): Promise<unknown> {
    return this.t.request(
      { method: 'DELETE', path: `/scenarios/${seg('id', id)}/twin-environment`, idempotent: true },
      options,
    );
  }

  /** `GET /scenario-twin-environments`. */
  async listTwinEnvironments(options?: RequestOptions): Promise<TwinEnvironment[]> {
    return this.t.request({ method: 'GET', path: '/scenario-twin-environments', idempotent: true }, options);
  }
}
