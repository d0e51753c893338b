/** Base class of every error the SDK throws on its own (not aborts: those rethrow the signal's reason). */
export class TwinsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The control plane answered with a non-2xx status. */
export class ApiError extends TwinsError {
  /** HTTP status code, e.g. 400, 404, 409. */
  readonly status: number;
  /** `body.detail` when the server sent `{"detail": "..."}`, else the status text. */
  readonly detail: string;
  /** The parsed JSON body (or the raw text when it was not JSON, or `undefined` when empty). */
  readonly body: unknown;
  /** The `x-request-id` response header, when present. */
  readonly requestId: string | undefined;
  /** Response headers. */
  readonly headers: Headers | undefined;
  /** Method and path of the failed call, e.g. `POST /twin-runs`. */
  readonly request: string | undefined;

  constructor(init: {
    status: number;
    detail?: string;
    body?: unknown;
    requestId?: string | undefined;
    headers?: Headers;
    request?: string;
    statusText?: string;
  }) {
    const detail = init.detail ?? detailOf(init.body) ?? init.statusText ?? `HTTP ${init.status}`;
    super(`${init.status}${init.request ? ` (${init.request})` : ''}: ${detail}`);
    this.status = init.status;
    this.detail = detail;
    this.body = init.body;
    this.requestId = init.requestId;
    this.headers = init.headers;
    this.request = init.request;
  }
}

/** A single attempt took longer than `timeoutMs`, or `waitUntilReady` ran out of time. */
export class TimeoutError extends TwinsError {
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number) {
    super(message);
    this.timeoutMs = timeoutMs;
  }
}

/** The request never got an HTTP answer (connection refused/reset, DNS failure, ...). */
export class ConnectionError extends TwinsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `waitUntilReady` saw the run reach a terminal status other than `ready`. */
export class RunNotReadyError extends TwinsError {
  /** The run's status: `failed`, `expired` or `cancelled`. */
  readonly status: string;
  /** The run status object last read. */
  readonly run: unknown;
  constructor(runId: string, status: string, run: unknown, error?: unknown) {
    super(`twin run ${runId} is ${status}${typeof error === 'string' && error ? `: ${error}` : ''}`);
    this.status = status;
    this.run = run;
  }
}

function detailOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'detail' in body) {
    const d = (body as { detail: unknown }).detail;
    if (typeof d === 'string') return d;
    if (d !== undefined && d !== null) return JSON.stringify(d);
  }
  if (typeof body === 'string' && body.trim() !== '') return body.trim().slice(0, 500);
  return undefined;
}
