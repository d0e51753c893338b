import { toCamelKeys, toSnakeKeys } from './case.js';
import { ApiError, ConnectionError, TimeoutError } from './errors.js';
import { VERSION } from './version.js';

/** A `fetch`-compatible function (the global `fetch` by default). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options accepted as the last argument of every SDK call. */
export interface RequestOptions {
  /** Aborts the call (including retries and back-off waits). The promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number;
  /** Overrides the client's retry budget for this call (only idempotent calls are retried). */
  maxRetries?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export interface TransportConfig {
  baseUrl: string;
  apiKey: string | undefined;
  fetch: FetchLike;
  timeoutMs: number;
  maxRetries: number;
  headers: Record<string, string>;
}

export interface CallSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** camelCase body; converted to snake_case on the wire. */
  body?: unknown;
  /** Whether the call may be retried (safe to repeat). */
  idempotent: boolean;
}

/** Status codes that are retried (for idempotent calls). */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
/** Upper bound for a server-requested `Retry-After` wait. */
const MAX_RETRY_AFTER_MS = 60_000;

/** Parses `Retry-After` (delta-seconds or HTTP date) into milliseconds, or undefined. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/** Exponential back-off with jitter: attempt 0 → 250–500 ms, 1 → 500–1000 ms, ... capped at 8 s. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Sleeps `ms`, rejecting early with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class Transport {
  readonly config: TransportConfig;

  constructor(config: TransportConfig) {
    this.config = config;
  }

  url(path: string, query?: CallSpec['query']): string {
    let url = this.config.baseUrl + path;
    if (query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) {
        if (v === undefined || v === null) continue;
        params.append(k, String(v));
      }
      const qs = params.toString();
      if (qs) url += `?${qs}`;
    }
    return url;
  }

  /** Performs a call and returns the camelCase-converted JSON answer (undefined for an empty body). */
  async request<T>(spec: CallSpec, options: RequestOptions = {}): Promise<T> {
    const maxRetries = spec.idempotent ? Math.max(0, options.maxRetries ?? this.config.maxRetries) : 0;
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs;
    const url = this.url(spec.path, spec.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-twins-sdk': `typescript/${VERSION}`,
      ...this.config.headers,
      ...options.headers,
    };
    if (this.config.apiKey) headers['authorization'] = `Bearer ${this.config.apiKey}`;
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(toSnakeKeys(spec.body));
      headers['content-type'] = 'application/json';
    }
    const label = `${spec.method} ${spec.path}`;

    for (let attempt = 0; ; attempt++) {
      const { signal } = options;
      if (signal?.aborted) throw abortReason(signal);
      let retryAfterMs: number | undefined;
      let failure: unknown;
      try {
        const res = await this.attempt(url, { method: spec.method, headers, body }, timeoutMs, signal, label);
        if (res.ok) return toCamelKeys<T>(res.body);
        const err = new ApiError({
          status: res.status,
          body: res.body,
          requestId: res.headers.get('x-request-id') ?? undefined,
          headers: res.headers,
          request: label,
          statusText: res.statusText,
        });
        if (!RETRY_STATUSES.has(res.status)) throw err;
        failure = err;
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      } catch (e) {
        if (!(e instanceof ConnectionError) || failure !== undefined) throw e;
        failure = e;
      }
      if (attempt >= maxRetries) throw failure;
      const delay =
        retryAfterMs !== undefined ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : backoffDelay(attempt);
      await sleep(delay, options.signal);
    }
  }

  private async attempt(
    url: string,
    init: { method: string; headers: Record<string, string>; body: string | undefined },
    timeoutMs: number,
    signal: AbortSignal | undefined,
    label: string,
  ): Promise<{ ok: boolean; status: number; statusText: string; headers: Headers; body: unknown }> {
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(signal ? abortReason(signal) : undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      timeoutMs > 0 && Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : undefined;
    try {
      const res = await this.config.fetch(url, {
        method: init.method,
        headers: init.headers,
        body: init.body,
        signal: controller.signal,
      });
      const text = await res.text();
      let parsed: unknown = undefined;
      if (text !== '') {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      return { ok: res.ok, status: res.status, statusText: res.statusText, headers: res.headers, body: parsed };
    } catch (e) {
      if (signal?.aborted) throw abortReason(signal);
      if (timedOut) throw new TimeoutError(`${label} timed out after ${timeoutMs} ms`, timeoutMs);
      throw new ConnectionError(`${label} failed: ${describe(e)}`, { cause: e });
    } finally {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof Error) return `${e.message} (${(cause as { code?: string }).code ?? cause.message})`;
    return e.message;
  }
  return String(e);
}
