// Runs a command with a fresh `twins serve` (started by ./server.mjs; TWINS_BIN
// picks the binary), exported to the command as TWINS_URL; stops the server
// afterwards and exits with the command's status.
//   node tests/lib/with-server.mjs CMD [ARGS...]
import { spawn } from 'node:child_process';
import { startServer } from './server.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node tests/lib/with-server.mjs CMD [ARGS...]');
  process.exit(2);
}
const server = await startServer();
const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, TWINS_URL: server.url } });
const status = await new Promise((resolve) => {
  child.on('error', (e) => { console.error(`with-server: ${e.message}`); resolve(127); });
  child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
});
await server.stop();
process.exit(status);
