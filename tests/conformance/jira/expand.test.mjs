// Jira twin: the expand options of issue reads (names, schema, transitions,
// changelog, editmeta, renderedFields, operations, versionedRepresentations)
// and issue entity properties (the resource and the `properties` parameter),
// on GET issue and both searches, through jira.js; answers validated against
// Jira's description.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, raw, assertSchema, rejects, adf, stopServer } from './helpers.mjs';

let ctx;
before(async () => {
  ctx = await newRun();
  const me = await ctx.jira.myself.getCurrentUser();
  await ctx.jira.projects.createProject({ key: 'EXP', name: 'Expand', projectTypeKey: 'software', leadAccountId: me.accountId });
});
after(async () => { await stopServer(); });

const issue = (summary, extra = {}) =>
  ctx.jira.issues.createIssue({ fields: { project: { key: 'EXP' }, issuetype: { name: 'Task' }, summary, ...extra } });

test('expand=names,schema describe exactly the fields returned', async () => {
  const is = await issue('Names and schema', { labels: ['a'] });
  const got = await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, expand: 'names,schema' });
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}', got);
  assert.deepEqual(Object.keys(got.names).sort(), Object.keys(got.fields).sort());
  assert.deepEqual(Object.keys(got.schema).sort(), Object.keys(got.fields).sort());
  assert.equal(got.names.summary, 'Summary');
  assert.equal(got.names.issuetype, 'Issue Type');
  assert.equal(got.names.customfield_10020, 'Sprint');
  assert.deepEqual(got.schema.summary, { type: 'string', system: 'summary' });
  assert.deepEqual(got.schema.labels, { type: 'array', items: 'string', system: 'labels' });
  assert.equal(got.schema.customfield_10020.customId, 10020);
  // the names match /field
  const fields = await ctx.jira.issueFields.getFields();
  for (const f of fields) if (got.names[f.id]) assert.equal(got.names[f.id], f.name, f.id);
  // with a field list, only those fields are described
  const few = await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, fields: ['summary', 'labels'], expand: 'names' });
  assert.deepEqual(Object.keys(few.names).sort(), ['labels', 'summary']);
  assert.equal(few.schema, undefined);
  // nothing is expanded unless asked for, and options match whole names
  const plain = await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, expand: 'namesX,changelogs' });
  for (const k of ['names', 'schema', 'changelog', 'transitions', 'editmeta', 'renderedFields']) assert.equal(plain[k], undefined, k);
});

test('expand=transitions,editmeta,operations,renderedFields', async () => {
  const is = await issue('Rendered', { description: adf('Hello <world> & friends') });
  const got = await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, expand: 'transitions,editmeta,operations,renderedFields' });
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}', got);
  const tr = await ctx.jira.issues.getTransitions({ issueIdOrKey: is.key });
  assert.deepEqual(got.transitions, tr.transitions);
  assert.deepEqual(got.editmeta, await ctx.jira.issues.getEditIssueMeta({ issueIdOrKey: is.key }));
  assert.equal(got.editmeta.fields.summary.required, true);
  assert.ok(Array.isArray(got.operations.linkGroups));
  assert.equal(got.renderedFields.description, '<p>Hello &lt;world&gt; &amp; friends</p>');
  assert.equal(got.renderedFields.environment, null);
  assert.equal(got.renderedFields.summary, null);
  // dates in Jira's display format, e.g. 23/Nov/26 4:11 PM
  assert.match(got.renderedFields.created, /^\d{2}\/[A-Z][a-z]{2}\/\d{2} \d{1,2}:\d{2} [AP]M$/);
  await ctx.jira.issueComments.addComment({ issueIdOrKey: is.key, comment: adf('A *comment*') });
  const withComment = await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, fields: ['comment'], expand: 'renderedFields' });
  assert.equal(withComment.renderedFields.comment.comments[0].body, '<p>A *comment*</p>');
  assert.equal(withComment.fields.comment.comments[0].body.type, 'doc');
  // the rendered fields cover the fields returned
  assert.deepEqual(Object.keys(got.renderedFields).sort(), Object.keys(got.fields).sort());
});

test('expand=versionedRepresentations replaces fields with versioned values', async () => {
  const is = await issue('Versioned');
  const got = await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, fields: ['summary', 'status'], expand: 'versionedRepresentations' });
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}', got);
  assert.equal(got.fields, undefined);
  assert.equal(got.versionedRepresentations.summary['1'], 'Versioned');
  assert.equal(got.versionedRepresentations.status['1'].name, 'To Do');
});

test('expand=changelog embeds the most recent changes first; the resource pages oldest first', async () => {
  const is = await issue('v0');
  for (const s of ['v1', 'v2', 'v3']) await ctx.jira.issues.editIssue({ issueIdOrKey: is.key, fields: { summary: s } });
  await ctx.jira.issues.doTransition({ issueIdOrKey: is.key, transition: { id: '21' } });
  const got = await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, expand: 'changelog' });
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}', got);
  assert.equal(got.changelog.total, 4);
  assert.equal(got.changelog.startAt, 0);
  assert.equal(got.changelog.histories.length, 4);
  assert.equal(got.changelog.histories[0].items[0].field, 'status');
  assert.deepEqual(got.changelog.histories.slice(1).map((h) => h.items[0].toString), ['v3', 'v2', 'v1']);
  const page = await ctx.jira.issues.getChangeLogs({ issueIdOrKey: is.key });
  assert.deepEqual(page.values.map((h) => h.id), got.changelog.histories.map((h) => h.id).reverse());
});

test('issue properties: set, read, list, select with `properties`, delete', async () => {
  const is = await issue('Props');
  const url = `/rest/api/3/issue/${is.key}/properties/ci`;
  const created = await raw(ctx, 'PUT', url, { body: { build: 42 } });
  assert.equal(created.status, 201);
  const updated = await raw(ctx, 'PUT', url, { body: { build: 43, green: true } });
  assert.equal(updated.status, 200);
  await ctx.jira.issueProperties.setIssueProperty({ issueIdOrKey: is.key, propertyKey: 'deploy', propertyValue: ['prod'] });
  const ci = await ctx.jira.issueProperties.getIssueProperty({ issueIdOrKey: is.key, propertyKey: 'ci' });
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', ci);
  assert.deepEqual(ci, { key: 'ci', value: { build: 43, green: true } });
  const keys = await ctx.jira.issueProperties.getIssuePropertyKeys({ issueIdOrKey: is.key });
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}/properties', keys);
  assert.deepEqual(keys.keys.map((k) => k.key), ['ci', 'deploy']);

  const all = await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, properties: ['*all'] });
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}', all);
  assert.deepEqual(all.properties, { ci: { build: 43, green: true }, deploy: ['prod'] });
  assert.deepEqual((await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, properties: ['deploy'] })).properties, { deploy: ['prod'] });
  assert.deepEqual((await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, properties: ['*all', '-ci'] })).properties, { deploy: ['prod'] });
  assert.deepEqual((await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, properties: ['nope'] })).properties, {});
  assert.equal((await ctx.jira.issues.getIssue({ issueIdOrKey: is.key })).properties, undefined);

  // Jira's limits: keys up to 255 characters, values up to 32768
  const longKey = await raw(ctx, 'PUT', `/rest/api/3/issue/${is.key}/properties/${'k'.repeat(256)}`, { body: { a: 1 } });
  assert.equal(longKey.status, 400);
  assert.deepEqual(longKey.json.errorMessages, ['The property key cannot be longer than 255 characters.']);
  const big = await raw(ctx, 'PUT', url, { body: { blob: 'x'.repeat(33000) } });
  assert.equal(big.status, 400);
  assert.deepEqual(big.json.errorMessages, ['The property value cannot be longer than 32768 characters.']);
  assert.deepEqual((await ctx.jira.issueProperties.getIssueProperty({ issueIdOrKey: is.key, propertyKey: 'ci' })).value,
    { build: 43, green: true });

  await ctx.jira.issueProperties.deleteIssueProperty({ issueIdOrKey: is.key, propertyKey: 'ci' });
  const gone = await rejects(() => ctx.jira.issueProperties.getIssueProperty({ issueIdOrKey: is.key, propertyKey: 'ci' }));
  assert.equal(gone.status, 404);
  assert.deepEqual(gone.data.errorMessages, ["The property with key 'ci' does not exist."]);
  const again = await rejects(() => ctx.jira.issueProperties.deleteIssueProperty({ issueIdOrKey: is.key, propertyKey: 'ci' }));
  assert.equal(again.status, 404);
  assert.deepEqual((await ctx.jira.issues.getIssue({ issueIdOrKey: is.key, properties: ['*all'] })).properties, { deploy: ['prod'] });
  const missing = await rejects(() => ctx.jira.issueProperties.getIssuePropertyKeys({ issueIdOrKey: 'EXP-9999' }));
  assert.equal(missing.status, 404);
});

test('properties given when an issue is created are stored with it', async () => {
  const is = await ctx.jira.issues.createIssue({
    fields: { project: { key: 'EXP' }, issuetype: { name: 'Task' }, summary: 'Born with props' },
    properties: [{ key: 'origin', value: { app: 'importer' } }],
  });
  const p = await ctx.jira.issueProperties.getIssueProperty({ issueIdOrKey: is.key, propertyKey: 'origin' });
  assert.deepEqual(p.value, { app: 'importer' });
  const bad = await rejects(() => ctx.jira.issues.createIssue({
    fields: { project: { key: 'EXP' }, issuetype: { name: 'Task' }, summary: 'Bad props' },
    properties: [{ key: 'x'.repeat(300), value: 1 }],
  }));
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.data.errorMessages, ['The property key cannot be longer than 255 characters.']);
  // the refused create left no issue behind
  const found = await ctx.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'summary ~ "Bad props"', fields: ['summary'] });
  assert.equal(found.issues.length, 0);
  // bulk creates take them per issue; a refused entry is reported, the others go through
  const bulk = await ctx.jira.issues.createIssues({ issueUpdates: [
    { fields: { project: { key: 'EXP' }, issuetype: { name: 'Task' }, summary: 'Bulk good' }, properties: [{ key: 'batch', value: 7 }] },
    { fields: { project: { key: 'EXP' }, issuetype: { name: 'Task' }, summary: 'Bulk bad' }, properties: [{ key: '', value: 1 }] },
  ] });
  assert.equal(bulk.issues.length, 1);
  assert.equal(bulk.errors.length, 1);
  assert.equal(bulk.errors[0].failedElementNumber, 1);
  assert.deepEqual(bulk.errors[0].elementErrors.errorMessages, ['The property key cannot be empty.']);
  const batch = await ctx.jira.issueProperties.getIssueProperty({ issueIdOrKey: bulk.issues[0].key, propertyKey: 'batch' });
  assert.equal(batch.value, 7);
});

test('searches carry names and schema once for all issues, other expansions and properties per issue', async () => {
  const a = await issue('Search one');
  await issue('Search two');
  await ctx.jira.issueProperties.setIssueProperty({ issueIdOrKey: a.key, propertyKey: 'ci', propertyValue: { ok: true } });
  await ctx.jira.issues.editIssue({ issueIdOrKey: a.key, fields: { labels: ['x'] } });

  const enhanced = await ctx.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
    jql: 'project = EXP AND summary ~ "Search" ORDER BY key', fields: ['summary', 'status'],
    expand: 'names,schema,changelog,transitions', properties: ['ci'],
  });
  assert.equal(enhanced.issues.length, 2);
  assert.deepEqual(enhanced.names, { summary: 'Summary', status: 'Status' });
  assert.deepEqual(enhanced.schema.status, { type: 'status', system: 'status' });
  const [one, two] = enhanced.issues;
  assert.equal(one.names, undefined);
  assert.equal(one.schema, undefined);
  assert.equal(one.changelog.total, 1);
  assert.equal(two.changelog.total, 0);
  assert.equal(one.transitions.length, 3);
  assert.deepEqual(one.properties, { ci: { ok: true } });
  assert.deepEqual(two.properties, {});

  const classic = await raw(ctx, 'GET',
    `/rest/api/3/search?jql=${encodeURIComponent('project = EXP AND summary ~ "Search" ORDER BY key')}&fields=summary&expand=names,schema,renderedFields&properties=*all`);
  assert.equal(classic.status, 200);
  assertSchema('GET', '/rest/api/3/search', classic.json);
  assert.deepEqual(classic.json.names, { summary: 'Summary' });
  assert.deepEqual(classic.json.schema, { summary: { type: 'string', system: 'summary' } });
  assert.deepEqual(classic.json.issues[0].renderedFields, { summary: null });
  assert.deepEqual(classic.json.issues[0].properties, { ci: { ok: true } });
  assert.equal(classic.json.issues[0].names, undefined);
});
