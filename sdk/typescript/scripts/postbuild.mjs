// Marks dist/cjs as CommonJS (the package itself is "type": "module") and
// dist/esm as ESM, and checks that src/version.ts matches package.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
writeFileSync(root('dist/cjs/package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');
writeFileSync(root('dist/esm/package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n');

const pkg = JSON.parse(readFileSync(root('package.json'), 'utf8'));
const versionSrc = readFileSync(root('src/version.ts'), 'utf8');
const m = /VERSION\s*=\s*'([^']+)'/.exec(versionSrc);
if (!m || m[1] !== pkg.version) {
  console.error(`src/version.ts (${m?.[1]}) does not match package.json version (${pkg.version})`);
  process.exit(1);
}
