// Type-check (tsc --noEmit, strict) of the seed page's samples, verbatim,
// against the built ESM declarations. Each sample sits in its own block.
import { Arga, ApiError, Client, type TwinRun } from '../../dist/esm/index.js';

export async function samples(client: Arga): Promise<void> {
  {
    const result = await client.twinRuns.create({
      twins: ['stripe', 'slack'],
      ttlMinutes: 60,
      scenarioId: 'scenario-id',  // optional
    });
    const runId = result.runId;

    const status = await client.twinRuns.get(runId);
    await client.twinRuns.extend(runId, { ttlMinutes: 30 });
    await client.twinRuns.lock(runId);
    await client.twinRuns.teardown(runId);
  }
  {
    const twins = await client.twins.list();
    for (const twin of twins) {
      console.log(twin.name, twin.label, twin.kind);
    }
    // e.g. "stripe", "Stripe", "frontend"
  }
  {
    const { runId } = await client.twins.provision({
      twins: ['stripe', 'slack'],
      ttlMinutes: 60,                    // 1-480 minutes
      scenarioId: 'scenario-uuid',       // optional — pre-seed twin data
    });

    const status = await client.twins.getStatus(runId);
    console.log(status.status); // "provisioning", "ready", or "failed"

    if (status.status === 'ready') {
      for (const [name, twin] of Object.entries(status.twins)) {
        console.log(`${name}: ${twin.baseUrl}`);
        console.log(`  Admin: ${twin.adminUrl}`);
        console.log(`  Env vars:`, twin.envVars);
      }
    }

    await client.twins.extend(runId, { ttlMinutes: 30 });

    await client.twins.teardown(runId);
  }
}

// Typed surface checks.
export async function surface(): Promise<void> {
  const client = new Client({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', timeoutMs: 1000, maxRetries: 0 });
  const run: TwinRun = await client.twinRuns.waitUntilReady('id', { timeoutMs: 10, intervalMs: 1 });
  const url: string = run.twins['google_calendar']!.envVars['GOOGLE_CALENDAR_API_URL']!;
  const lock = await client.twinRuns.lock(run.runId, { signal: AbortSignal.timeout(5) });
  const s: 'locked' | 'already_locked' | (string & {}) = lock.status;
  // @ts-expect-error client.twins has no lock()
  client.twins.lock(run.runId);
  try {
    await client.scenarios.list({ twin: 'slack', tag: 't', includePresets: true });
  } catch (e) {
    if (e instanceof ApiError) {
      const n: number = e.status;
      const d: string = e.detail;
      const r: string | undefined = e.requestId;
      void [n, d, r];
    }
  }
  void [url, s];
}
