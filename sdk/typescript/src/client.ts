import { Transport, type FetchLike } from './http.js';
import { Scenarios, TwinRuns, Twins } from './resources.js';

export interface ClientOptions {
  /**
   * Control-plane origin, e.g. `http://127.0.0.1:8080` (a path prefix is kept).
   * Defaults to the `TWINS_URL` environment variable.
   */
  baseUrl?: string;
  /** API key sent as `Authorization: Bearer <apiKey>`. Defaults to `TWINS_API_KEY`. */
  apiKey?: string;
  /** `fetch` implementation (default: the global `fetch`). */
  fetch?: FetchLike;
  /** Per-attempt timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Retries for idempotent calls on 429/502/503/504 and connection errors (default 2). */
  maxRetries?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

function env(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = proc?.env?.[name];
  return v === '' ? undefined : v;
}

/** Client for the twins control plane. Also exported as `Arga`. */
export class Client {
  /** Canonical twin runs (`/twin-runs`). */
  readonly twinRuns: TwinRuns;
  /** Legacy quickstart helpers (`/validate/twins/...`); no `lock()`. */
  readonly twins: Twins;
  /** Saved scenarios and their twin environments. */
  readonly scenarios: Scenarios;
  /** Normalised base URL (no trailing slash). */
  readonly baseUrl: string;

  constructor(options: ClientOptions = {}) {
    const baseUrl = options.baseUrl ?? env('TWINS_URL');
    if (!baseUrl) throw new TypeError('baseUrl is required (or set TWINS_URL)');
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new TypeError(`baseUrl is not a valid URL: ${baseUrl}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TypeError(`baseUrl must be http(s): ${baseUrl}`);
    }
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (typeof fetchImpl !== 'function') throw new TypeError('no fetch implementation available; pass options.fetch');
    const timeoutMs = options.timeoutMs ?? 30_000;
    const maxRetries = options.maxRetries ?? 2;
    if (!(timeoutMs >= 0)) throw new RangeError('timeoutMs must be >= 0 (0 disables the timeout)');
    if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) throw new RangeError('maxRetries must be an integer >= 0');
    const transport = new Transport({
      baseUrl: this.baseUrl,
      apiKey: options.apiKey ?? env('TWINS_API_KEY'),
      // Call through a wrapper so a bare global fetch is never invoked with a foreign `this`.
      fetch: (input, init) => fetchImpl(input, init),
      timeoutMs,
      maxRetries,
      headers: { ...options.headers },
    });
    this.twinRuns = new TwinRuns(transport);
    this.twins = new Twins(transport);
    this.scenarios = new Scenarios(transport);
  }
}

/** Alias of `Client`, so code written for the reference platform (`new Arga({...})`) runs unchanged. */
export { Client as Arga };
