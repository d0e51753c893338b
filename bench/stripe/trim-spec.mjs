// Writes a subset of the Stripe OpenAPI description for Prism: only the two
// benchmarked operations (POST /v1/customers, GET /v1/customers/{customer})
// and every component they reach, with expandable fields collapsed (below).
// start on the whole 2.5 MB document on a 2-core machine; the subset answers
// those two routes with the same schemas, examples and request validation.
// Usage: node trim-spec.mjs <stripe.com.json> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';

const [src, out, mode] = process.argv.slice(2);
const collapseExpansions = mode !== '--keep-expansions';
const doc = JSON.parse(readFileSync(src, 'utf8'));
// Stripe marks expandable fields as anyOf [id string, $ref...] plus an
// x-expansionResources copy of the refs.  Without expand[] the API (and all
// three servers) answer the id string, so keep only that branch: otherwise
// the expansion cycles (customer -> subscription -> customer ...) make
// Prism's dereference + decycle step run for many minutes.
function collapse(node) {
  if (Array.isArray(node)) return node.map(collapse);
  if (!node || typeof node !== 'object') return node;
  const outNode = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'x-expansionResources') continue;
    outNode[k] = collapse(v);
  }
  if (node['x-expansionResources'] && Array.isArray(outNode.anyOf)) {
    const ids = outNode.anyOf.filter((s) => !s.$ref);
    if (ids.length === 1) { delete outNode.anyOf; Object.assign(outNode, ids[0]); }
    else outNode.anyOf = ids;
  }
  return outNode;
}
if (collapseExpansions) doc.components = collapse(doc.components), doc.paths = collapse(doc.paths);
const keep = { '/v1/customers': ['post'], '/v1/customers/{customer}': ['get'] };
const paths = {};
for (const [p, methods] of Object.entries(keep)) {
  const item = doc.paths[p];
  if (!item) throw new Error(`missing path ${p}`);
  paths[p] = {};
  for (const [k, v] of Object.entries(item)) {
    if (!['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'].includes(k) || methods.includes(k)) paths[p][k] = v;
  }
}
const comps = {};
const seen = new Set();
const queue = [paths];
while (queue.length) {
  const node = queue.pop();
  if (Array.isArray(node)) { queue.push(...node); continue; }
  if (!node || typeof node !== 'object') continue;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/') && !seen.has(v)) {
      seen.add(v);
      const [, , kind, name] = v.split('/');
      const target = doc.components?.[kind]?.[name];
      if (target === undefined) throw new Error(`dangling ${v}`);
      (comps[kind] ??= {})[name] = target;
      queue.push(target);
    } else queue.push(v);
  }
}
const trimmed = { ...doc, paths, components: { ...comps, securitySchemes: doc.components?.securitySchemes } };
if (!trimmed.components.securitySchemes) delete trimmed.components.securitySchemes;
delete trimmed['x-stripeOperations'];
writeFileSync(out, JSON.stringify(trimmed));
console.error(`trim-spec: ${Object.keys(paths).length} paths, ${seen.size} components, ${JSON.stringify(trimmed).length} bytes`);
