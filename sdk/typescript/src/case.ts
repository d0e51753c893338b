/**
 * Key-case conversion between the wire (snake_case) and the SDK (camelCase).
 *
 * The conversion is schema-aware: some fields hold *user data* whose keys must
 * never be rewritten.
 *
 * - Map-valued fields: the field's value is an object whose keys are user data
 *   (twin names such as `google_calendar`, env var names such as
 *   `GOOGLE_CALENDAR_API_URL`). Those keys are kept as they are; the values
 *   under them are converted normally.
 * - Opaque fields: the field's whole subtree is user data (a scenario's
 *   `seed_config`) and is passed through untouched, in both directions.
 *
 * Field names are matched in either spelling (`env_vars` / `envVars`), so the
 * same rules apply to requests and responses.
 */

/** Fields whose value is a map keyed by user data (keys kept, values converted). */
export const MAP_FIELDS: ReadonlySet<string> = new Set([
  'twins',
  'env_vars',
  'envVars',
  'seed_results',
  'seedResults',
  'factory_reset',
  'factoryReset',
]);

/** Fields whose entire subtree is user data (passed through untouched). */
export const OPAQUE_FIELDS: ReadonlySet<string> = new Set(['seed_config', 'seedConfig']);

/** `ttl_minutes` → `ttlMinutes`. Leading underscores and non-snake keys are left alone. */
export function snakeToCamel(key: string): string {
  if (!key.includes('_')) return key;
  const lead = /^_*/.exec(key)?.[0] ?? '';
  const rest = key.slice(lead.length);
  return lead + rest.replace(/_+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** `ttlMinutes` → `ttl_minutes`; `isPublic` → `is_public`. Already-snake keys are unchanged. */
export function camelToSnake(key: string): string {
  if (!/[A-Z]/.test(key)) return key;
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function convert(value: unknown, keyFn: (k: string) => string, keepKeys: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, keyFn, false));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const newKey = keepKeys ? key : keyFn(key);
    if (!keepKeys && OPAQUE_FIELDS.has(key)) {
      out[newKey] = v;
    } else if (!keepKeys && MAP_FIELDS.has(key) && isPlainObject(v)) {
      // Keys of this object are user data; its values are ordinary objects.
      const inner: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(v)) {
        if (mv === undefined) continue;
        inner[mk] = convert(mv, keyFn, false);
      }
      out[newKey] = inner;
    } else {
      out[newKey] = convert(v, keyFn, false);
    }
  }
  return out;
}

/** Converts a wire (snake_case) value to SDK (camelCase) keys, preserving user-data keys. */
export function toCamelKeys<T = unknown>(value: unknown): T {
  return convert(value, snakeToCamel, false) as T;
}

/** Converts an SDK (camelCase) value to wire (snake_case) keys, preserving user-data keys. Drops `undefined` fields. */
export function toSnakeKeys<T = unknown>(value: unknown): T {
  return convert(value, camelToSnake, false) as T;
}
