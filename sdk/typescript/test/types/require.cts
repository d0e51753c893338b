// CommonJS consumers get the same types through the "require" condition.
import sdk = require('@twins/sdk');

const client = new sdk.Arga({ baseUrl: 'http://127.0.0.1:1' });
export const p: Promise<sdk.TwinRun> = client.twinRuns.get('x');
