// Jira twin: JQL on issue entity properties (issue.property[key].path) through
// jira.js: every operator the twin supports, nested paths, lists, dates,
// ORDER BY, properties changed after the fact, and Jira's 400 for malformed
// references.  (Real Jira searches only paths an app declares for indexing;
// the twin has no apps, so every stored property is searchable.)
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, rejects, stopServer } from './helpers.mjs';

let c;
before(async () => {
  c = await newRun();
  const me = await c.jira.myself.getCurrentUser();
  await c.jira.projects.createProject({ key: 'PRP', name: 'Props', projectTypeKey: 'software', leadAccountId: me.accountId });
  const create = (summary, properties) =>
    c.jira.issues.createIssue({ fields: { project: { key: 'PRP' }, issuetype: { name: 'Task' }, summary }, properties });
  const set = (issueIdOrKey, propertyKey, propertyValue) =>
    c.jira.issueProperties.setIssueProperty({ issueIdOrKey, propertyKey, propertyValue });
  // PRP-1 gets its properties with the create, the others through the property resource
  await create('Gold with metrics', [
    { key: 'support', value: { level: 'gold', tier: { rank: 3 } } },
    { key: 'metrics', value: { score: 7, tags: ['red', 'blue'], note: 'flaky login test', due: '2026-01-10' } },
  ]);
  const two = await create('Silver');
  await set(two.key, 'support', { level: 'silver' });
  await set(two.key, 'metrics', { score: 2, tags: ['green'], note: 'stable', due: '2025-06-01' });
  const three = await create('Gold without metrics');
  await set(three.key, 'support', { level: 'gold', tier: { rank: 1 } });
  await create('No properties');
});
after(async () => { await stopServer(); });

const keys = async (jql) =>
  (await c.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql, fields: ['summary'] })).issues.map((i) => i.key);
const sortedKeys = async (jql) => (await keys(jql)).sort();

test('=, !=, IN and NOT IN compare the value at the path', async () => {
  assert.deepEqual(await sortedKeys('project = PRP AND issue.property[support].level = "gold"'), ['PRP-1', 'PRP-3']);
  assert.deepEqual(await sortedKeys('issue.property[support].level = gold'), ['PRP-1', 'PRP-3']);
  // like a field, != does not match issues without a value there
  assert.deepEqual(await sortedKeys('project = PRP AND issue.property[support].level != gold'), ['PRP-2']);
  assert.deepEqual(await sortedKeys('issue.property[support].level IN (silver, bronze)'), ['PRP-2']);
  assert.deepEqual(await sortedKeys('issue.property[support].level NOT IN (silver)'), ['PRP-1', 'PRP-3']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].score = 7'), ['PRP-1']);
  assert.deepEqual(await sortedKeys('issue.property[support].level = platinum'), []);
  // the property key is not a path: an unknown key matches nothing
  assert.deepEqual(await sortedKeys('issue.property[nosuch].level = gold'), []);
});

test('nested paths, list members, ~ text and NOT', async () => {
  assert.deepEqual(await sortedKeys('issue.property[support].tier.rank = 3'), ['PRP-1']);
  assert.deepEqual(await sortedKeys('issue.property[support].tier.rank < 3'), ['PRP-3']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].tags = blue'), ['PRP-1']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].tags IN (green, red)'), ['PRP-1', 'PRP-2']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].note ~ login'), ['PRP-1']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].note ~ "STABLE"'), ['PRP-2']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].note !~ login'), ['PRP-2']);
  assert.deepEqual(await sortedKeys('project = PRP AND NOT issue.property[support].level = gold'), ['PRP-2', 'PRP-4']);
  assert.deepEqual(await sortedKeys('issue.property[support].level = gold AND issue.property[metrics].score > 1'), ['PRP-1']);
});

test('> >= < <= on numbers and dates; IS [NOT] EMPTY', async () => {
  assert.deepEqual(await sortedKeys('issue.property[metrics].score > 5'), ['PRP-1']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].score >= 2'), ['PRP-1', 'PRP-2']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].score <= 2.5'), ['PRP-2']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].due < "2025-12-31"'), ['PRP-2']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].due >= 2026-01-10'), ['PRP-1']);
  assert.deepEqual(await sortedKeys('project = PRP AND issue.property[metrics].score IS EMPTY'), ['PRP-3', 'PRP-4']);
  assert.deepEqual(await sortedKeys('issue.property[metrics].score IS NOT EMPTY'), ['PRP-1', 'PRP-2']);
  assert.deepEqual(await sortedKeys('issue.property[support].tier.rank IS NOT EMPTY'), ['PRP-1', 'PRP-3']);
  assert.deepEqual(await sortedKeys('project = PRP AND issue.property[support].tier.rank IS EMPTY'), ['PRP-2', 'PRP-4']);
  const count = await c.jira.issueSearch.countIssues({ jql: 'issue.property[support].level = gold' });
  assert.equal(count.count, 2);
});

test('ORDER BY a property path: numbers by value, issues without a value last', async () => {
  assert.deepEqual(await keys('project = PRP ORDER BY issue.property[metrics].score ASC'), ['PRP-2', 'PRP-1', 'PRP-3', 'PRP-4']);
  assert.deepEqual(await keys('issue.property[metrics].score IS NOT EMPTY ORDER BY issue.property[metrics].score DESC'), ['PRP-1', 'PRP-2']);
  assert.deepEqual(await keys('issue.property[support].level IS NOT EMPTY ORDER BY issue.property[support].level DESC, key ASC'),
    ['PRP-2', 'PRP-1', 'PRP-3']);
  const classic = await c.jira.issueSearch.searchForIssuesUsingJql({ jql: 'project = PRP ORDER BY issue.property[support].tier.rank' });
  assert.deepEqual(classic.issues.map((i) => i.key), ['PRP-3', 'PRP-1', 'PRP-2', 'PRP-4']);
});

test('searches follow property changes and deletions', async () => {
  const me = await c.jira.myself.getCurrentUser();
  await c.jira.projects.createProject({ key: 'PRQ', name: 'Props later', projectTypeKey: 'software', leadAccountId: me.accountId });
  const is = await c.jira.issues.createIssue({ fields: { project: { key: 'PRQ' }, issuetype: { name: 'Task' }, summary: 'Changing' } });
  const q = 'project = PRQ AND issue.property[state].phase = "beta"';
  assert.deepEqual(await keys(q), []);
  await c.jira.issueProperties.setIssueProperty({ issueIdOrKey: is.key, propertyKey: 'state', propertyValue: { phase: 'beta' } });
  assert.deepEqual(await keys(q), [is.key]);
  await c.jira.issueProperties.setIssueProperty({ issueIdOrKey: is.key, propertyKey: 'state', propertyValue: { phase: 'ga' } });
  assert.deepEqual(await keys(q), []);
  assert.deepEqual(await keys('project = PRQ AND issue.property[state].phase = ga'), [is.key]);
  await c.jira.issueProperties.deleteIssueProperty({ issueIdOrKey: is.key, propertyKey: 'state' });
  assert.deepEqual(await keys('project = PRQ AND issue.property[state].phase IS EMPTY'), [is.key]);
});

test('malformed property references answer 400 with errorMessages', async () => {
  const bad = async (jql) => {
    const e = await rejects(() => c.jira.issueSearch.searchForIssuesUsingJql({ jql }));
    assert.equal(e.status, 400, jql);
    assert.deepEqual(e.data.errors, {}, jql);
    assert.equal(e.data.errorMessages.length, 1, jql);
    return e.data.errorMessages[0];
  };
  assert.match(await bad('issue.property[support.level = gold'), /^Error in the JQL Query: Expecting '\]' but got '='\./);
  assert.match(await bad('issue.property[].level = gold'), /^Error in the JQL Query: Expecting a property key but got '\]'\./);
  assert.match(await bad('issue.property[support]level = gold'), /^Error in the JQL Query: Expecting a property path/);
  assert.match(await bad('issue.property[support]. = gold'), /^Error in the JQL Query: Expecting a property path/);
  assert.match(await bad('project = PRP ORDER BY issue.property[support'), /^Error in the JQL Query: Expecting '\]' but got the end of the query\./);
  assert.match(await bad('issue.property[support].level IS gold'), /can only be used with the value EMPTY or NULL/);
  const enhanced = await rejects(() => c.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'issue.property[].x = 1' }));
  assert.equal(enhanced.status, 400);
  assert.match(enhanced.data.errorMessages[0], /Expecting a property key/);
});
