// Unit tests of the schema-aware key conversion (no server).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sdk } from './helpers.mjs';

const { toCamelKeys, toSnakeKeys, snakeToCamel, camelToSnake } = sdk;

test('snakeToCamel / camelToSnake', () => {
  assert.equal(snakeToCamel('ttl_minutes'), 'ttlMinutes');
  assert.equal(snakeToCamel('run_id'), 'runId');
  assert.equal(snakeToCamel('status'), 'status');
  assert.equal(snakeToCamel('_private'), '_private');
  assert.equal(camelToSnake('ttlMinutes'), 'ttl_minutes');
  assert.equal(camelToSnake('includePresets'), 'include_presets');
  assert.equal(camelToSnake('isPublic'), 'is_public');
  assert.equal(camelToSnake('already_snake'), 'already_snake');
});

test('wire → SDK: map keys (twins, env_vars, seed_results, factory_reset) kept, values converted', () => {
  const wire = {
    run_id: 'r',
    twins: {
      google_calendar: {
        base_url: 'http://a',
        admin_url: 'http://b',
        show_in_ui: true,
        env_vars: { GOOGLE_CALENDAR_API_URL: 'http://a', GOOGLE_ACCESS_TOKEN: 'x' },
      },
    },
    seed_results: { google_drive: { status: 'seeded', file_count: 2 } },
    factory_reset: { google_drive: { status: 'ok' } },
  };
  assert.deepEqual(toCamelKeys(wire), {
    runId: 'r',
    twins: {
      google_calendar: {
        baseUrl: 'http://a',
        adminUrl: 'http://b',
        showInUi: true,
        envVars: { GOOGLE_CALENDAR_API_URL: 'http://a', GOOGLE_ACCESS_TOKEN: 'x' },
      },
    },
    seedResults: { google_drive: { status: 'seeded', fileCount: 2 } },
    factoryReset: { google_drive: { status: 'ok' } },
  });
});

test('seed_config / seedConfig is opaque in both directions', () => {
  const seed = { google_drive: { folders: [{ name: 'x', files: [{ mime_type: 'text/plain', someCamel: 1 }] }] } };
  assert.deepEqual(toCamelKeys({ seed_config: seed, is_preset: false }), { seedConfig: seed, isPreset: false });
  assert.deepEqual(toSnakeKeys({ seedConfig: seed, scenarioId: 's' }), { seed_config: seed, scenario_id: 's' });
  // The same object identity is not required, but contents must be byte-identical.
  assert.equal(JSON.stringify(toSnakeKeys({ seedConfig: seed }).seed_config), JSON.stringify(seed));
});

test('SDK → wire: twins arrays untouched, envVars map keys kept, undefined dropped', () => {
  assert.deepEqual(toSnakeKeys({ twins: ['google_calendar'], ttlMinutes: undefined, public: true }), {
    twins: ['google_calendar'],
    public: true,
  });
  assert.deepEqual(toSnakeKeys({ twins: { googleThing: { envVars: { myVar: '1' } } } }), {
    twins: { googleThing: { env_vars: { myVar: '1' } } },
  });
});

test('arrays of objects, nulls and primitives', () => {
  assert.deepEqual(toCamelKeys([{ run_id: 1, error: null }, 'x', 3]), [{ runId: 1, error: null }, 'x', 3]);
  assert.equal(toCamelKeys(null), null);
  assert.equal(toCamelKeys('s'), 's');
});
