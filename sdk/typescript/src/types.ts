/** Lifecycle status of a twin run. */
export type RunStatusValue = 'queued' | 'provisioning' | 'ready' | 'failed' | 'expired' | 'cancelled';

/** Terminal statuses: a run in one of these never becomes ready. */
export const TERMINAL_STATUSES: readonly RunStatusValue[] = ['failed', 'expired', 'cancelled'];

/** One twin of one run. */
export interface TwinInstance {
  /** Catalog name, e.g. `stripe`, `google_calendar`. */
  name: string;
  label: string;
  kind: 'frontend' | 'backend' | (string & {});
  /** Where the app sends this service's API calls. */
  baseUrl: string;
  /** Private base for this twin's `/admin/...` endpoints. */
  adminUrl: string;
  /** Environment variables an app sets to use the twin; names are kept exactly (e.g. `STRIPE_API_BASE`). */
  envVars: Record<string, string>;
  showInUi: boolean;
  [key: string]: unknown;
}

/** Seeding outcome for one twin. */
export interface SeedResult {
  status: 'seeded' | 'skipped' | 'error' | (string & {});
  error?: string;
  [count: string]: unknown;
}

/** The run status object (`GET /twin-runs/{id}`, `GET /validate/twins/provision/{id}/status`). */
export interface TwinRun {
  runId: string;
  status: RunStatusValue | (string & {});
  /** Twin name → instance. Keys are catalog names exactly as on the wire (`google_drive`). */
  twins: Record<string, TwinInstance>;
  createdAt: string;
  expiresAt: string;
  ttlMinutes: number;
  isPublic: boolean;
  locked: boolean;
  /** Secret granting private access to base URLs and admin URLs. */
  proxyToken: string;
  dashboardUrl?: string | null;
  scenarioId?: string | null;
  /** Twin name → seeding result. */
  seedResults?: Record<string, SeedResult> | null;
  error?: string | null;
  [key: string]: unknown;
}

export interface CreateTwinRunParams {
  /** Catalog names, e.g. `['stripe', 'slack']`. */
  twins: string[];
  /** 1–480, server default 60. */
  ttlMinutes?: number;
  /** Saved scenario id or preset id (e.g. `preset-ecommerce-checkout`). */
  scenarioId?: string;
  /** Free-text scenario (ignored when `scenarioId` is given). */
  scenarioPrompt?: string;
  /** Whether base URLs answer without the proxy token (server default true). */
  public?: boolean;
}

export interface ListTwinRunsParams {
  status?: RunStatusValue | (string & {});
}

export interface ExtendParams {
  /** New TTL from now (not added to the current one), 1–480; server default 60. */
  ttlMinutes?: number;
}

export interface ExtendResult {
  status: 'extended' | (string & {});
  ttlMinutes: number;
  expiresAt: string;
  [key: string]: unknown;
}

export interface LockResult {
  status: 'locked' | 'already_locked' | (string & {});
  runId: string;
  isPublic: boolean;
  [key: string]: unknown;
}

export interface TeardownResult {
  status: 'cleaning_up' | (string & {});
  runId: string;
  [key: string]: unknown;
}

export interface ResetResult {
  runId: string;
  status: 'reset_complete' | (string & {});
  baselineKind: 'scenario' | 'empty' | (string & {});
  /** Twin name → `{ status: 'ok' }`. */
  factoryReset: Record<string, { status: string; [key: string]: unknown }>;
  /** Twin name → seeding result. */
  seedResults: Record<string, SeedResult>;
  [key: string]: unknown;
}

export interface WaitUntilReadyOptions {
  /** Total time to wait (default 120 000 ms). Rejects with `TimeoutError` when exceeded. */
  timeoutMs?: number;
  /** Delay between polls (default 1 000 ms). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** A catalog entry (`GET /validate/twins`). */
export interface CatalogTwin {
  name: string;
  label: string;
  kind: 'frontend' | 'backend' | (string & {});
  showInUi: boolean;
  /** Real host names the twin stands in for. */
  hosts: string[];
  [key: string]: unknown;
}

export type ProvisionParams = CreateTwinRunParams;

export interface ProvisionResult {
  runId: string;
  status: RunStatusValue | (string & {});
  [key: string]: unknown;
}

/** Seed data keyed by twin name; passed to and from the server untouched. */
export type SeedConfig = Record<string, unknown>;

export interface Scenario {
  id: string;
  name: string;
  description?: string | null;
  prompt?: string | null;
  twins: string[];
  /** Passed through untouched: keys are exactly as the server stores them. */
  seedConfig: SeedConfig;
  tags: string[];
  isPreset: boolean;
  createdAt?: string | null;
  updatedAt?: string | null;
  [key: string]: unknown;
}

export interface CreateScenarioParams {
  name: string;
  description?: string;
  twins?: string[];
  /** Seed data keyed by twin name. Sent untouched (no case conversion). */
  seedConfig?: SeedConfig;
  tags?: string[];
  prompt?: string;
}

export type UpdateScenarioParams = Partial<CreateScenarioParams>;

export interface ListScenariosParams {
  /** Only scenarios using this twin. */
  twin?: string;
  /** Only scenarios with this tag. */
  tag?: string;
  /** Include the built-in presets. */
  includePresets?: boolean;
}

export interface EnsureTwinEnvironmentParams {
  twins?: string[];
  public?: boolean;
}

/** A long-lived scenario environment with stable URLs per twin. */
export interface TwinEnvironment {
  scenarioId: string;
  status: string;
  /** Twin name → instance (stable URLs). */
  twins: Record<string, TwinInstance>;
  [key: string]: unknown;
}
