// Jira twin conformance: jira.js 5.4 (Version3Client, Version2Client,
// AgileClient) against a live twins server, state asserted through later
// calls, Jira's error shapes, scopes, pagination, webhooks and seeding;
// stateful answers validated against Jira's own description.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver } from '../../lib/receiver.mjs';
import crypto from 'node:crypto';
import {
  newRun, client, admin, raw, assertSchema, rejects, adf, stopServer, createScenario,
  Version2Client, Version3Client,
} from './helpers.mjs';

let ctx;
before(async () => { ctx = await newRun(); });
after(async () => { await stopServer(); });

async function project(c, key, name = `Project ${key}`) {
  const me = await c.jira.myself.getCurrentUser();
  return c.jira.projects.createProject({ key, name, projectTypeKey: 'software', leadAccountId: me.accountId });
}

async function issue(c, projectKey, summary, extra = {}) {
  return c.jira.issues.createIssue({ fields: { project: { key: projectKey }, issuetype: { name: 'Task' }, summary, ...extra } });
}

// ---- auth and scopes ----

test('missing, malformed and unknown credentials get Jira\'s 401; Bearer and Basic work', async () => {
  const none = await raw(ctx, 'GET', '/rest/api/3/myself', { auth: false });
  assert.equal(none.status, 401);
  assert.deepEqual(none.json, { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} });
  const bad = await raw(ctx, 'GET', '/rest/api/3/myself', { auth: false, headers: { authorization: 'Token abc' } });
  assert.equal(bad.status, 401);
  const e = await rejects(() => client(ctx.base, 'not-a-token').myself.getCurrentUser());
  assert.equal(e.status, 401);
  assert.deepEqual(e.data.errorMessages, ['Client must be authenticated to access this resource.']);
  const me = await ctx.jira.myself.getCurrentUser();
  assert.equal(me.emailAddress, ctx.env.JIRA_EMAIL);
  assertSchema('GET', '/rest/api/3/myself', me);
  const viaBasic = await ctx.basic.myself.getCurrentUser();
  assert.equal(viaBasic.accountId, me.accountId);
  // stub routes need credentials too
  const stub = await raw(ctx, 'GET', '/rest/api/3/dashboard', { auth: false });
  assert.equal(stub.status, 401);
  // serverInfo is public
  const si = await raw(ctx, 'GET', '/rest/api/3/serverInfo', { auth: false });
  assert.equal(si.status, 200);
  assert.equal(si.json.deploymentType, 'Cloud');
  assertSchema('GET', '/rest/api/3/serverInfo', si.json);
});

test('every answer carries a fresh X-Arequestid: public, authenticated, refused, unknown URL, injected fault', async () => {
  const c = await newRun();
  const ids = [];
  const expectId = (r, status) => {
    assert.equal(r.status, status);
    const id = r.headers.get('x-arequestid');
    assert.match(id || '', /^[A-Za-z0-9]{8,}$/);
    ids.push(id);
  };
  expectId(await raw(c, 'GET', '/rest/api/3/serverInfo', { auth: false }), 200);
  expectId(await raw(c, 'GET', '/rest/api/2/serverInfo', { auth: false }), 200);
  expectId(await raw(c, 'GET', '/rest/api/3/myself'), 200);
  expectId(await raw(c, 'GET', '/rest/api/3/myself', { auth: false }), 401);
  expectId(await raw(c, 'GET', '/rest/api/3/no-such-resource'), 404);
  const f = await admin(c, 'POST', '/admin/faults', { route: 'GET /rest/api/3/serverInfo', status: 503, count: 1 });
  assert.equal(f.status, 201);
  expectId(await raw(c, 'GET', '/rest/api/3/serverInfo', { auth: false }), 503);
  assert.equal(new Set(ids).size, ids.length);
});

test('scopes: default_token_scopes, parent scopes and disabled_scopes', async () => {
  const c = await newRun();
  await project(c, 'SCP');
  let r = await admin(c, 'PATCH', '/admin/config', { default_token_scopes: ['read:jira-work'] });
  assert.equal(r.status, 200);
  const e = await rejects(() => issue(c, 'SCP', 'nope'));
  assert.equal(e.status, 403);
  assert.deepEqual(e.data, { errorMessages: ['The user does not have permission. Missing scope: write:jira-work'], errors: {} });
  const me = await rejects(() => c.jira.myself.getCurrentUser());
  assert.equal(me.status, 403);
  assert.match(me.data.errorMessages[0], /Missing scope: read:jira-user/);
  await c.jira.projects.getProject({ projectIdOrKey: 'SCP' });
  // manage:jira-configuration implies manage:jira-project and read:jira-work
  await admin(c, 'PATCH', '/admin/config', { default_token_scopes: ['manage:jira-configuration'] });
  const comp = await c.jira.projectComponents.createComponent({ project: 'SCP', name: 'API' });
  assert.equal(comp.name, 'API');
  await c.jira.projects.getProject({ projectIdOrKey: 'SCP' });
  // write:jira-work implies read:jira-work; disabled_scopes wins over the grant
  await admin(c, 'PATCH', '/admin/config', { default_token_scopes: ['write:jira-work'], disabled_scopes: ['read:jira-work'] });
  const d = await rejects(() => c.jira.projects.getProject({ projectIdOrKey: 'SCP' }));
  assert.equal(d.status, 403);
  assert.match(d.data.errorMessages[0], /Missing scope: read:jira-work/);
  await issue(c, 'SCP', 'allowed');
  const wh = await rejects(() => c.jira.webhooks.getDynamicWebhooksForApp());
  assert.equal(wh.status, 403);
  assert.match(wh.data.errorMessages[0], /manage:jira-webhook/);
});

test('routes answer under /rest/api/2 and /rest/api/latest too', async () => {
  const c = await newRun();
  await project(c, 'ALI');
  const v2 = new Version2Client({ host: c.base, authentication: { oauth2: { accessToken: c.token } } });
  const created = await v2.issues.createIssue({ fields: { project: { key: 'ALI' }, issuetype: { name: 'Bug' }, summary: 'via v2' } });
  assert.equal(created.key, 'ALI-1');
  const got = await c.jira.issues.getIssue({ issueIdOrKey: 'ALI-1' });
  assert.equal(got.fields.summary, 'via v2');
  const latest = await raw(c, 'GET', '/rest/api/latest/issue/ALI-1');
  assert.equal(latest.status, 200);
  assert.equal(latest.json.key, 'ALI-1');
});

// ---- projects, components, versions, metadata, users ----

test('projects: create, get, duplicate key, search pagination', async () => {
  const c = await newRun();
  const p = await project(c, 'PRA', 'Alpha');
  assert.equal(p.key, 'PRA');
  assert.ok(p.id);
  await project(c, 'PRB', 'Beta');
  await project(c, 'PRC', 'Gamma');
  const got = await c.jira.projects.getProject({ projectIdOrKey: 'PRA' });
  assert.equal(got.name, 'Alpha');
  assert.equal(String(got.id), String(p.id));
  assertSchema('GET', '/rest/api/3/project/{projectIdOrKey}', got);
  const dup = await rejects(() => project(c, 'PRA'));
  assert.equal(dup.status, 400);
  assert.deepEqual(dup.data.errorMessages, []);
  assert.ok(dup.data.errors.projectKey);
  const missing = await rejects(() => c.jira.projects.getProject({ projectIdOrKey: 'NOPE' }));
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.data, { errorMessages: ["No project could be found with key 'NOPE'."], errors: {} });
  const page1 = await c.jira.projects.searchProjects({ maxResults: 2 });
  assert.equal(page1.total, 3);
  assert.equal(page1.isLast, false);
  assert.deepEqual(page1.values.map((x) => x.key), ['PRA', 'PRB']);
  assertSchema('GET', '/rest/api/3/project/search', page1);
  const page2 = await c.jira.projects.searchProjects({ startAt: 2, maxResults: 2 });
  assert.equal(page2.isLast, true);
  assert.deepEqual(page2.values.map((x) => x.key), ['PRC']);
  const q = await c.jira.projects.searchProjects({ query: 'gam' });
  assert.deepEqual(q.values.map((x) => x.key), ['PRC']);
  // keys is an array: jira.js joins it with commas, other clients repeat the key (keys=A&keys=B)
  const joined = await c.jira.projects.searchProjects({ keys: ['PRA', 'PRC'] });
  assert.deepEqual(joined.values.map((x) => x.key), ['PRA', 'PRC']);
  const repeated = await raw(c, 'GET', '/rest/api/3/project/search?keys=PRC&keys=prb');
  assert.equal(repeated.status, 200);
  assert.deepEqual(repeated.json.values.map((x) => x.key), ['PRB', 'PRC']);
  // id filters like keys (jira.js joins the array; other clients repeat id=)
  const all = (await c.jira.projects.searchProjects({})).values;
  const byKey = Object.fromEntries(all.map((x) => [x.key, x.id]));
  const byId = await c.jira.projects.searchProjects({ id: [Number(byKey.PRA), Number(byKey.PRC)] });
  assert.deepEqual(byId.values.map((x) => x.key), ['PRA', 'PRC']);
  assert.equal(byId.total, 2);
  const idRepeated = await raw(c, 'GET', `/rest/api/3/project/search?id=${byKey.PRB}&id=${byKey.PRC}`);
  assert.deepEqual(idRepeated.json.values.map((x) => x.key), ['PRB', 'PRC']);
  assert.deepEqual((await c.jira.projects.searchProjects({ id: [99999] })).values, []);
  // status: every project here is live; archived or deleted ones would be listed only on request
  assert.equal((await c.jira.projects.searchProjects({ status: ['live'] })).total, 3);
  assert.equal((await c.jira.projects.searchProjects({ status: ['archived'] })).total, 0);
  assert.equal((await c.jira.projects.searchProjects({ status: ['archived', 'deleted'] })).values.length, 0);
  assert.equal((await raw(c, 'GET', '/rest/api/3/project/search?status=deleted&status=live')).json.total, 3);
  const badStatus = await rejects(() => c.jira.projects.searchProjects({ status: ['gone'] }));
  assert.equal(badStatus.status, 400);
  assert.match(badStatus.data.errorMessages[0], /gone/);
  // out-of-range paging is clamped, and the links echo the clamped page
  const odd = await raw(c, 'GET', '/rest/api/3/project/search?startAt=-4&maxResults=-1');
  assert.equal(odd.status, 200);
  assert.equal(odd.json.startAt, 0);
  assert.equal(odd.json.maxResults, 50);
  assert.equal(odd.json.values.length, 3);
  assert.match(odd.json.self, /\/rest\/api\/3\/project\/search\?startAt=0&maxResults=50$/);
  const mid = await raw(c, 'GET', '/rest/api/3/project/search?startAt=1&maxResults=1');
  assert.match(mid.json.self, /startAt=1&maxResults=1$/);
  assert.match(mid.json.nextPage, /startAt=2&maxResults=1$/);
});

test('components and versions: create, list, update, delete', async () => {
  const c = await newRun();
  await project(c, 'CV');
  const comp = await c.jira.projectComponents.createComponent({ project: 'CV', name: 'Backend', description: 'server' });
  assertSchema('POST', '/rest/api/3/component', comp);
  const upd = await c.jira.projectComponents.updateComponent({ id: comp.id, name: 'Server' });
  assert.equal(upd.name, 'Server');
  const list = await c.jira.projectComponents.getProjectComponents({ projectIdOrKey: 'CV' });
  assert.deepEqual(list.map((x) => x.name), ['Server']);
  const ver = await c.jira.projectVersions.createVersion({ projectId: Number((await c.jira.projects.getProject({ projectIdOrKey: 'CV' })).id), name: '1.0' });
  assert.equal(ver.released, false);
  assertSchema('POST', '/rest/api/3/version', ver);
  await c.jira.projectVersions.updateVersion({ id: ver.id, released: true });
  const vers = await c.jira.projectVersions.getProjectVersions({ projectIdOrKey: 'CV' });
  assert.equal(vers[0].released, true);
  const is = await issue(c, 'CV', 'with component', { components: [{ name: 'Server' }], fixVersions: [{ id: ver.id }] });
  const got = await c.jira.issues.getIssue({ issueIdOrKey: is.key });
  assert.equal(got.fields.components[0].name, 'Server');
  assert.equal(got.fields.fixVersions[0].name, '1.0');
  await c.jira.projectComponents.deleteComponent({ id: comp.id });
  const gone = await rejects(() => c.jira.projectComponents.getComponent({ id: comp.id }));
  assert.equal(gone.status, 404);
});

test('issue types, priorities, statuses, resolutions and fields follow Jira\'s shapes', async () => {
  const types = await ctx.jira.issueTypes.getIssueAllTypes();
  assert.ok(types.some((t) => t.name === 'Bug') && types.some((t) => t.name === 'Task'));
  assertSchema('GET', '/rest/api/3/issuetype', types);
  const prios = await ctx.jira.issuePriorities.getPriorities();
  assert.deepEqual(prios.map((p) => p.name), ['Highest', 'High', 'Medium', 'Low', 'Lowest']);
  assertSchema('GET', '/rest/api/3/priority', prios);
  const statuses = await ctx.jira.workflowStatuses.getStatuses();
  assert.deepEqual(statuses.map((s) => s.statusCategory.key), ['new', 'indeterminate', 'done']);
  assertSchema('GET', '/rest/api/3/status', statuses);
  const res = await ctx.jira.issueResolutions.getResolutions();
  assert.equal(res[0].name, 'Done');
  assertSchema('GET', '/rest/api/3/resolution', res);
  const fields = await ctx.jira.issueFields.getFields();
  assert.ok(fields.find((f) => f.id === 'summary').clauseNames.includes('summary'));
  assertSchema('GET', '/rest/api/3/field', fields);
  const cats = await ctx.jira.workflowStatusCategories.getStatusCategories();
  assertSchema('GET', '/rest/api/3/statuscategory', cats);
});

test('users: search, bulk, assignable', async () => {
  const sid = await createScenario({ jira: { users: [{ display_name: 'Ada Lovelace', email: 'ada@example.com' }, { display_name: 'Alan Turing', email: 'alan@example.com' }], projects: [{ key: 'USR', name: 'Users' }] } });
  const c = await newRun({ scenario_id: sid });
  const found = await c.jira.userSearch.findUsers({ query: 'ada' });
  assert.deepEqual(found.map((u) => u.displayName), ['Ada Lovelace']);
  assertSchema('GET', '/rest/api/3/user/search', found);
  const alan = (await c.jira.userSearch.findUsers({ query: 'alan@example.com' }))[0];
  const bulk = await c.jira.users.bulkGetUsers({ accountId: [found[0].accountId, alan.accountId] });
  assert.equal(bulk.total, 2);
  assertSchema('GET', '/rest/api/3/user/bulk', bulk);
  const repeated = await raw(c, 'GET', `/rest/api/3/user/bulk?accountId=${encodeURIComponent(alan.accountId)}&accountId=${encodeURIComponent(found[0].accountId)}`);
  assert.equal(repeated.status, 200);
  assert.deepEqual(repeated.json.values.map((u) => u.displayName).sort(), ['Ada Lovelace', 'Alan Turing']);
  const noIds = await raw(c, 'GET', '/rest/api/3/user/bulk?accountId=');
  assert.equal(noIds.status, 400);
  assert.deepEqual(noIds.json.errorMessages, ['You must specify at least one accountId.']);
  const assignable = await c.jira.userSearch.findAssignableUsers({ project: 'USR' });
  assert.equal(assignable.length, 3);
  const one = await c.jira.users.getUser({ accountId: alan.accountId });
  assert.equal(one.emailAddress, 'alan@example.com');
});

// ---- issues ----

test('create issue: keys per project, plain description wrapped in ADF, ADF kept as is', async () => {
  const c = await newRun();
  await project(c, 'ISS');
  await project(c, 'OTH');
  const a = await issue(c, 'ISS', 'First', { description: 'plain words' });
  const b = await issue(c, 'ISS', 'Second', { description: adf('rich') });
  const o = await issue(c, 'OTH', 'Other');
  assert.deepEqual([a.key, b.key, o.key], ['ISS-1', 'ISS-2', 'OTH-1']);
  assertSchema('POST', '/rest/api/3/issue', a);
  const got = await c.jira.issues.getIssue({ issueIdOrKey: 'ISS-1' });
  assert.deepEqual(got.fields.description, adf('plain words'));
  assert.equal(got.fields.status.name, 'To Do');
  assert.equal(got.fields.status.statusCategory.key, 'new');
  assert.equal(got.fields.priority.name, 'Medium');
  assert.equal(got.fields.reporter.accountId, (await c.jira.myself.getCurrentUser()).accountId);
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}', got);
  const byId = await c.jira.issues.getIssue({ issueIdOrKey: b.id });
  assert.deepEqual(byId.fields.description, adf('rich'));
  const only = await c.jira.issues.getIssue({ issueIdOrKey: 'ISS-1', fields: ['summary', 'status'] });
  assert.deepEqual(Object.keys(only.fields).sort(), ['status', 'summary']);
  // fields repeated (fields=a&fields=b), as Jira's description has its arrays
  const rep = await raw(c, 'GET', '/rest/api/3/issue/ISS-1?fields=summary&fields=status');
  assert.equal(rep.status, 200);
  assert.deepEqual(Object.keys(rep.json.fields).sort(), ['status', 'summary']);
});

test('create validation and 404s use Jira\'s error shapes', async () => {
  const c = await newRun();
  await project(c, 'VAL');
  const noSummary = await rejects(() => c.jira.issues.createIssue({ fields: { project: { key: 'VAL' }, issuetype: { name: 'Task' } } }));
  assert.equal(noSummary.status, 400);
  assert.deepEqual(noSummary.data, { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } });
  const noProject = await rejects(() => c.jira.issues.createIssue({ fields: { project: { key: 'ZZZ' }, issuetype: { name: 'Task' }, summary: 'x' } }));
  assert.equal(noProject.status, 400);
  assert.ok(noProject.data.errors.project);
  const badType = await rejects(() => c.jira.issues.createIssue({ fields: { project: { key: 'VAL' }, issuetype: { name: 'Saga' }, summary: 'x' } }));
  assert.ok(badType.data.errors.issuetype);
  const nf = await rejects(() => c.jira.issues.getIssue({ issueIdOrKey: 'VAL-99' }));
  assert.equal(nf.status, 404);
  assert.deepEqual(nf.data, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
});

test('edit records changelog entries; expand=changelog,transitions', async () => {
  const c = await newRun();
  await project(c, 'EDT');
  const is = await issue(c, 'EDT', 'Old title');
  await c.jira.issues.editIssue({ issueIdOrKey: is.key, fields: { summary: 'New title', labels: ['backend'], priority: { name: 'High' } } });
  await c.jira.issues.editIssue({ issueIdOrKey: is.key, update: { labels: [{ add: 'urgent' }] } });
  const got = await c.jira.issues.getIssue({ issueIdOrKey: is.key, expand: 'changelog,transitions' });
  assert.equal(got.fields.summary, 'New title');
  assert.deepEqual(got.fields.labels, ['backend', 'urgent']);
  assert.equal(got.fields.priority.name, 'High');
  assert.equal(got.changelog.total, 2);
  // the embedded changelog starts from the most recent change
  assert.deepEqual(got.changelog.histories[0].items.map((i) => i.field), ['labels']);
  const items = got.changelog.histories[1].items;
  assert.deepEqual(items.map((i) => i.field).sort(), ['labels', 'priority', 'summary']);
  assert.equal(items.find((i) => i.field === 'summary').fromString, 'Old title');
  assert.equal(got.transitions.length, 3);
  const cl = await c.jira.issues.getChangeLogs({ issueIdOrKey: is.key });
  assert.equal(cl.total, 2);
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}/changelog', cl);
  const bad = await rejects(() => c.jira.issues.editIssue({ issueIdOrKey: is.key, fields: { summary: '' } }));
  assert.equal(bad.status, 400);
  assert.equal(bad.data.errors.summary, 'You must specify a summary of the issue.');
});

test('transitions: To Do -> In Progress -> Done with status categories and resolution', async () => {
  const c = await newRun();
  await project(c, 'TRN');
  const is = await issue(c, 'TRN', 'Work');
  const tr = await c.jira.issues.getTransitions({ issueIdOrKey: is.key });
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}/transitions', tr);
  const byName = Object.fromEntries(tr.transitions.map((t) => [t.to.name, t.id]));
  await c.jira.issues.doTransition({ issueIdOrKey: is.key, transition: { id: byName['In Progress'] } });
  let got = await c.jira.issues.getIssue({ issueIdOrKey: is.key });
  assert.equal(got.fields.status.name, 'In Progress');
  assert.equal(got.fields.status.statusCategory.key, 'indeterminate');
  assert.equal(got.fields.resolution, null);
  await c.jira.issues.doTransition({ issueIdOrKey: is.key, transition: { id: byName.Done } });
  got = await c.jira.issues.getIssue({ issueIdOrKey: is.key, expand: 'changelog' });
  assert.equal(got.fields.status.statusCategory.key, 'done');
  assert.equal(got.fields.resolution.name, 'Done');
  assert.ok(got.fields.resolutiondate);
  const statusItems = got.changelog.histories.flatMap((h) => h.items).filter((i) => i.field === 'status');
  assert.deepEqual(statusItems.map((i) => `${i.fromString}->${i.toString}`), ['In Progress->Done', 'To Do->In Progress']);
  const bad = await rejects(() => c.jira.issues.doTransition({ issueIdOrKey: is.key, transition: { id: '999' } }));
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.data.errorMessages, ["Transition id '999' is not valid for this issue."]);
});

test('assign, bulk create and delete', async () => {
  const c = await newRun();
  await project(c, 'ASG');
  const me = await c.jira.myself.getCurrentUser();
  const bulk = await c.jira.issues.createIssues({ issueUpdates: [
    { fields: { project: { key: 'ASG' }, issuetype: { name: 'Task' }, summary: 'one' } },
    { fields: { project: { key: 'ASG' }, issuetype: { name: 'Task' } } },
    { fields: { project: { key: 'ASG' }, issuetype: { name: 'Bug' }, summary: 'three' } },
  ] });
  assert.deepEqual(bulk.issues.map((i) => i.key), ['ASG-1', 'ASG-2']);
  assert.equal(bulk.errors.length, 1);
  assert.equal(bulk.errors[0].failedElementNumber, 1);
  assert.ok(bulk.errors[0].elementErrors.errors.summary);
  await c.jira.issues.assignIssue({ issueIdOrKey: 'ASG-1', accountId: me.accountId });
  let got = await c.jira.issues.getIssue({ issueIdOrKey: 'ASG-1' });
  assert.equal(got.fields.assignee.accountId, me.accountId);
  const mine = await c.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'assignee = currentUser()', fields: ['summary'] });
  assert.deepEqual(mine.issues.map((i) => i.key), ['ASG-1']);
  await c.jira.issues.assignIssue({ issueIdOrKey: 'ASG-1', accountId: null });
  got = await c.jira.issues.getIssue({ issueIdOrKey: 'ASG-1' });
  assert.equal(got.fields.assignee, null);
  await c.jira.issues.deleteIssue({ issueIdOrKey: 'ASG-2' });
  const gone = await rejects(() => c.jira.issues.getIssue({ issueIdOrKey: 'ASG-2' }));
  assert.equal(gone.status, 404);
});

test('comments: ADF bodies, CRUD and pagination', async () => {
  const c = await newRun();
  await project(c, 'CMT');
  const is = await issue(c, 'CMT', 'Discuss');
  const c1 = await c.jira.issueComments.addComment({ issueIdOrKey: is.key, comment: 'first' });
  assert.deepEqual(c1.body, adf('first'));
  assertSchema('POST', '/rest/api/3/issue/{issueIdOrKey}/comment', c1);
  await c.jira.issueComments.addComment({ issueIdOrKey: is.key, comment: adf('second') });
  await c.jira.issueComments.addComment({ issueIdOrKey: is.key, comment: 'third' });
  const page = await c.jira.issueComments.getComments({ issueIdOrKey: is.key, startAt: 1, maxResults: 1 });
  assert.equal(page.total, 3);
  assert.equal(page.comments.length, 1);
  assert.deepEqual(page.comments[0].body, adf('second'));
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}/comment', page);
  await c.jira.issueComments.updateComment({ issueIdOrKey: is.key, id: c1.id, body: 'edited' });
  const one = await c.jira.issueComments.getComment({ issueIdOrKey: is.key, id: c1.id });
  assert.deepEqual(one.body, adf('edited'));
  await c.jira.issueComments.deleteComment({ issueIdOrKey: is.key, id: c1.id });
  const after1 = await c.jira.issueComments.getComments({ issueIdOrKey: is.key });
  assert.equal(after1.total, 2);
  const empty = await rejects(() => c.jira.issueComments.addComment({ issueIdOrKey: is.key, comment: '' }));
  assert.equal(empty.status, 400);
  const got = await c.jira.issues.getIssue({ issueIdOrKey: is.key });
  assert.equal(got.fields.comment.total, 2);
});

test('worklogs, watchers and votes', async () => {
  const c = await newRun();
  await project(c, 'WRK');
  const is = await issue(c, 'WRK', 'Log me');
  const w = await c.jira.issueWorklogs.addWorklog({ issueIdOrKey: is.key, timeSpent: '1h 30m', comment: 'did it' });
  assert.equal(w.timeSpentSeconds, 5400);
  assert.equal(w.timeSpent, '1h 30m');
  await c.jira.issueWorklogs.addWorklog({ issueIdOrKey: is.key, timeSpentSeconds: 600 });
  const wl = await c.jira.issueWorklogs.getIssueWorklog({ issueIdOrKey: is.key });
  assert.equal(wl.total, 2);
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}/worklog', wl);
  const got = await c.jira.issues.getIssue({ issueIdOrKey: is.key });
  assert.equal(got.fields.timespent, 6000);
  const me = await c.jira.myself.getCurrentUser();
  let watchers = await c.jira.issueWatchers.getIssueWatchers({ issueIdOrKey: is.key });
  assert.equal(watchers.watchCount, 1);
  assert.equal(watchers.isWatching, true);
  await c.jira.issueWatchers.removeWatcher({ issueIdOrKey: is.key, accountId: me.accountId });
  watchers = await c.jira.issueWatchers.getIssueWatchers({ issueIdOrKey: is.key });
  assert.equal(watchers.watchCount, 0);
  await c.jira.issueWatchers.addWatcher({ issueIdOrKey: is.key, accountId: me.accountId });
  watchers = await c.jira.issueWatchers.getIssueWatchers({ issueIdOrKey: is.key });
  assert.equal(watchers.watchers[0].accountId, me.accountId);
  await c.jira.issueVotes.addVote({ issueIdOrKey: is.key });
  const votes = await c.jira.issueVotes.getVotes({ issueIdOrKey: is.key });
  assert.equal(votes.votes, 1);
  assert.equal(votes.hasVoted, true);
  assertSchema('GET', '/rest/api/3/issue/{issueIdOrKey}/votes', votes);
  await c.jira.issueVotes.removeVote({ issueIdOrKey: is.key });
  assert.equal((await c.jira.issueVotes.getVotes({ issueIdOrKey: is.key })).votes, 0);
});

test('issue links, remote links and properties', async () => {
  const c = await newRun();
  await project(c, 'LNK');
  const a = await issue(c, 'LNK', 'Blocker');
  const b = await issue(c, 'LNK', 'Blocked');
  await c.jira.issueLinks.linkIssues({ type: { name: 'Blocks' }, inwardIssue: { key: a.key }, outwardIssue: { key: b.key } });
  const ga = await c.jira.issues.getIssue({ issueIdOrKey: a.key });
  assert.equal(ga.fields.issuelinks.length, 1);
  assert.equal(ga.fields.issuelinks[0].outwardIssue.key, b.key);
  assert.equal(ga.fields.issuelinks[0].type.outward, 'blocks');
  const gb = await c.jira.issues.getIssue({ issueIdOrKey: b.key });
  assert.equal(gb.fields.issuelinks[0].inwardIssue.key, a.key);
  const link = await c.jira.issueLinks.getIssueLink({ linkId: ga.fields.issuelinks[0].id });
  assertSchema('GET', '/rest/api/3/issueLink/{linkId}', link);
  await c.jira.issueLinks.deleteIssueLink({ linkId: link.id });
  assert.equal((await c.jira.issues.getIssue({ issueIdOrKey: b.key })).fields.issuelinks.length, 0);
  const rl = await c.jira.issueRemoteLinks.createOrUpdateRemoteIssueLink({ issueIdOrKey: a.key, object: { url: 'https://example.com/pr/1', title: 'PR 1' } });
  assert.ok(rl.id);
  const rls = await c.jira.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: a.key });
  assert.equal(rls[0].object.title, 'PR 1');
  await c.jira.issueRemoteLinks.deleteRemoteIssueLinkById({ issueIdOrKey: a.key, linkId: String(rl.id) });
  assert.equal((await c.jira.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: a.key })).length, 0);
  await c.jira.issueProperties.setIssueProperty({ issueIdOrKey: a.key, propertyKey: 'ci', propertyValue: { build: 42 } });
  const prop = await c.jira.issueProperties.getIssueProperty({ issueIdOrKey: a.key, propertyKey: 'ci' });
  assert.deepEqual(prop.value, { build: 42 });
  const keys = await c.jira.issueProperties.getIssuePropertyKeys({ issueIdOrKey: a.key });
  assert.deepEqual(keys.keys.map((k) => k.key), ['ci']);
  await c.jira.issueProperties.deleteIssueProperty({ issueIdOrKey: a.key, propertyKey: 'ci' });
  const gone = await rejects(() => c.jira.issueProperties.getIssueProperty({ issueIdOrKey: a.key, propertyKey: 'ci' }));
  assert.equal(gone.status, 404);
});

test('attachments: multipart upload with X-Atlassian-Token, metadata, content, delete', async () => {
  const c = await newRun();
  await project(c, 'ATT');
  const is = await issue(c, 'ATT', 'Files');
  const up = await c.jira.issueAttachments.addAttachment({ issueIdOrKey: is.key, attachment: { filename: 'notes.txt', file: Buffer.from('hello jira'), mimeType: 'text/plain' } });
  assert.equal(up.length, 1);
  assert.equal(up[0].filename, 'notes.txt');
  assert.equal(up[0].size, 10);
  const meta = await c.jira.issueAttachments.getAttachment({ id: up[0].id });
  assert.equal(meta.mimeType, 'text/plain');
  assertSchema('GET', '/rest/api/3/attachment/{id}', meta);
  const content = await raw(c, 'GET', `/rest/api/3/attachment/content/${up[0].id}`);
  assert.equal(content.text, 'hello jira');
  const got = await c.jira.issues.getIssue({ issueIdOrKey: is.key });
  assert.equal(got.fields.attachment[0].id, up[0].id);
  // without the XSRF header Jira refuses the upload
  const fd = new FormData();
  fd.append('file', new Blob(['x']), 'x.txt');
  const res = await fetch(`${c.base}/rest/api/3/issue/${is.key}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${c.token}` }, body: fd });
  assert.equal(res.status, 403);
  const am = await c.jira.issueAttachments.getAttachmentMeta();
  assert.equal(am.enabled, true);
  await c.jira.issueAttachments.removeAttachment({ id: up[0].id });
  assert.equal((await rejects(() => c.jira.issueAttachments.getAttachment({ id: up[0].id }))).status, 404);
});

// ---- search ----

async function searchFixture() {
  const c = await newRun();
  await project(c, 'SRC');
  await project(c, 'ELS');
  await issue(c, 'SRC', 'Login broken', { issuetype: { name: 'Bug' }, priority: { name: 'Highest' }, labels: ['auth'] });
  await issue(c, 'SRC', 'Write docs', { priority: { name: 'Low' }, description: 'explain the login flow' });
  await issue(c, 'SRC', 'Refactor', { priority: { name: 'High' }, labels: ['tech-debt'] });
  await issue(c, 'ELS', 'Elsewhere');
  await c.jira.issues.doTransition({ issueIdOrKey: 'SRC-3', transition: { id: '21' } });
  return c;
}

test('search (startAt) with a JQL subset and ORDER BY', async () => {
  const c = await searchFixture();
  const all = await c.jira.issueSearch.searchForIssuesUsingJql({ jql: 'project = SRC ORDER BY priority DESC', maxResults: 2 });
  assert.equal(all.total, 3);
  assert.deepEqual(all.issues.map((i) => i.key), ['SRC-1', 'SRC-3']);
  assertSchema('GET', '/rest/api/3/search', all);
  const next = await c.jira.issueSearch.searchForIssuesUsingJql({ jql: 'project = SRC ORDER BY priority DESC', startAt: 2, maxResults: 2 });
  assert.deepEqual(next.issues.map((i) => i.key), ['SRC-2']);
  const q = async (jql) => (await c.jira.issueSearch.searchForIssuesUsingJqlPost({ jql, fields: ['summary'] })).issues.map((i) => i.key).sort();
  assert.deepEqual(await q('status = "In Progress"'), ['SRC-3']);
  assert.deepEqual(await q('labels = auth'), ['SRC-1']);
  assert.deepEqual(await q('issuetype = Bug'), ['SRC-1']);
  assert.deepEqual(await q('text ~ "login"'), ['SRC-1', 'SRC-2']);
  assert.deepEqual(await q('project = SRC AND (priority = Low OR labels = tech-debt)'), ['SRC-2', 'SRC-3']);
  assert.deepEqual(await q('project in (SRC, ELS) AND statusCategory != Done AND priority >= High'), ['SRC-1', 'SRC-3']);
  assert.deepEqual(await q('labels is EMPTY'), ['ELS-1', 'SRC-2']);
  assert.deepEqual(await q('key = SRC-2'), ['SRC-2']);
  const created = await c.jira.issueSearch.searchForIssuesUsingJql({ jql: 'project = SRC ORDER BY created DESC' });
  assert.deepEqual(created.issues.map((i) => i.key), ['SRC-3', 'SRC-2', 'SRC-1']);
});

test('search/jql pages with nextPageToken; counts', async () => {
  const c = await searchFixture();
  const p1 = await c.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = SRC ORDER BY key ASC', maxResults: 2, fields: ['summary', 'status'] });
  assert.deepEqual(p1.issues.map((i) => i.key), ['SRC-1', 'SRC-2']);
  assert.equal(p1.isLast, false);
  assert.ok(p1.nextPageToken);
  assert.equal(p1.issues[0].fields.summary, 'Login broken');
  const rep = await raw(c, 'GET', '/rest/api/3/search/jql?jql=project%20%3D%20SRC%20ORDER%20BY%20key%20ASC&fields=summary&fields=status');
  assert.equal(rep.status, 200);
  assert.deepEqual(Object.keys(rep.json.issues[0].fields).sort(), ['status', 'summary']);
  const p2 = await c.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = SRC ORDER BY key ASC', maxResults: 2, nextPageToken: p1.nextPageToken, fields: ['summary'] });
  assert.deepEqual(p2.issues.map((i) => i.key), ['SRC-3']);
  assert.equal(p2.isLast, true);
  assert.equal(p2.nextPageToken, undefined);
  const ids = await c.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'project = ELS' });
  assert.deepEqual(ids.issues, [{ id: ids.issues[0].id }]);
  const count = await c.jira.issueSearch.countIssues({ jql: 'project = SRC AND priority in (Highest, High)' });
  assert.equal(count.count, 2);
  const cnt = await raw(c, 'POST', '/rest/api/3/search/count', { body: { jql: 'project = ELS' } });
  assert.equal(cnt.json.count, 1);
  // project by key, id or name, alone, in AND and in OR, counted and listed alike
  const els = await c.jira.projects.getProject({ projectIdOrKey: 'ELS' });
  const countOf = async (jql) => (await raw(c, 'POST', '/rest/api/3/search/count', { body: { jql } })).json.count;
  const keysOf = async (jql) => (await c.jira.issueSearch.searchForIssuesUsingJqlPost({ jql, fields: ['summary'] })).issues.map((i) => i.key).sort();
  for (const [jql, keys] of [
    ['project = "Project SRC"', ['SRC-1', 'SRC-2', 'SRC-3']],
    [`project = ${els.id} AND summary ~ Elsewhere`, ['ELS-1']],
    ['project = src OR project = ELS', ['ELS-1', 'SRC-1', 'SRC-2', 'SRC-3']],
    ['project in (SRC, ELS) AND labels is EMPTY', ['ELS-1', 'SRC-2']],
    ['project != SRC', ['ELS-1']],
    ['NOT project = SRC', ['ELS-1']],
  ]) {
    assert.deepEqual(await keysOf(jql), keys, jql);
    assert.equal(await countOf(jql), keys.length, jql);
  }
  const unbounded = await rejects(() => c.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: '' }));
  assert.equal(unbounded.status, 400);
  assert.match(unbounded.data.errorMessages[0], /Unbounded JQL/);
});

test('invalid JQL answers 400 with Jira\'s errorMessages', async () => {
  const c = await searchFixture();
  const unknown = await rejects(() => c.jira.issueSearch.searchForIssuesUsingJql({ jql: 'flavour = vanilla' }));
  assert.equal(unknown.status, 400);
  assert.deepEqual(unknown.data.errorMessages, ["Field 'flavour' does not exist or you do not have permission to view it."]);
  const noProject = await rejects(() => c.jira.issueSearch.searchForIssuesUsingJql({ jql: 'project = NOPE' }));
  assert.deepEqual(noProject.data.errorMessages, ["The value 'NOPE' does not exist for the field 'project'."]);
  const syntax = await rejects(() => c.jira.issueSearch.searchForIssuesUsingJql({ jql: 'project = SRC AND' }));
  assert.equal(syntax.status, 400);
  assert.match(syntax.data.errorMessages[0], /^Error in the JQL Query: Expecting/);
  const fn = await rejects(() => c.jira.issueSearch.searchForIssuesUsingJql({ jql: 'assignee = whoever()' }));
  assert.deepEqual(fn.data.errorMessages, ["Unable to find JQL function 'whoever()'."]);
});

// ---- agile ----

test('agile: boards, sprints (create/start/close), moving issues to sprints and the backlog', async () => {
  const c = await newRun();
  await project(c, 'AGL');
  for (const s of ['a', 'b', 'c']) await issue(c, 'AGL', s);
  const boards = await c.agile.board.getAllBoards({ projectKeyOrId: 'AGL' });
  assert.equal(boards.total, 1);
  const board = boards.values[0];
  assert.equal(board.location.projectKey, 'AGL');
  const sprint = await c.agile.sprint.createSprint({ name: 'Sprint 1', originBoardId: board.id, goal: 'ship' });
  assert.equal(sprint.state, 'future');
  await c.agile.sprint.moveIssuesToSprintAndRank({ sprintId: sprint.id, issues: ['AGL-1', 'AGL-2'] });
  const inSprint = await c.agile.sprint.getIssuesForSprint({ sprintId: sprint.id });
  assert.deepEqual(inSprint.issues.map((i) => i.key), ['AGL-1', 'AGL-2']);
  assert.equal(inSprint.issues[0].fields.customfield_10020[0].name, 'Sprint 1');
  const backlog = await c.agile.board.getIssuesForBacklog({ boardId: board.id });
  assert.deepEqual(backlog.issues.map((i) => i.key), ['AGL-3']);
  const noDates = await rejects(() => c.agile.sprint.partiallyUpdateSprint({ sprintId: sprint.id, state: 'active' }));
  assert.equal(noDates.status, 400);
  const started = await c.agile.sprint.partiallyUpdateSprint({ sprintId: sprint.id, state: 'active', startDate: '2026-01-01T00:00:00.000Z', endDate: '2026-01-15T00:00:00.000Z' });
  assert.equal(started.state, 'active');
  const sprints = await c.agile.board.getAllSprints({ boardId: board.id, state: 'active' });
  assert.deepEqual(sprints.values.map((s) => s.id), [sprint.id]);
  const jqlSprint = await c.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'sprint in openSprints()', fields: ['summary'] });
  assert.equal(jqlSprint.issues.length, 2);
  await c.agile.backlog.moveIssuesToBacklog({ issues: ['AGL-2'] });
  await c.jira.issues.doTransition({ issueIdOrKey: 'AGL-1', transition: { id: '31' } });
  await c.agile.sprint.moveIssuesToSprintAndRank({ sprintId: sprint.id, issues: ['AGL-3'] });
  const closed = await c.agile.sprint.partiallyUpdateSprint({ sprintId: sprint.id, state: 'closed' });
  assert.equal(closed.state, 'closed');
  assert.ok(closed.completeDate);
  // unfinished AGL-3 went back to the backlog; done AGL-1 stays in the closed sprint
  const after = await c.agile.sprint.getIssuesForSprint({ sprintId: sprint.id });
  assert.deepEqual(after.issues.map((i) => i.key), ['AGL-1']);
  const bl = await c.agile.board.getIssuesForBacklog({ boardId: board.id });
  assert.deepEqual(bl.issues.map((i) => i.key).sort(), ['AGL-1', 'AGL-2', 'AGL-3']);
  const nb = await rejects(() => c.agile.board.getBoard({ boardId: 999 }));
  assert.equal(nb.status, 404);
});

// ---- webhooks ----

test('webhooks: register, signed jira:issue_created / comment_created deliveries, list and delete', async () => {
  const c = await newRun();
  await project(c, 'HK');
  await project(c, 'QT');
  const rx = await startReceiver();
  const { url, deliveries: got } = rx;
  try {
    const reg = await raw(c, 'POST', '/rest/api/3/webhook', { body: { url, secret: 's3cret', webhooks: [
      { events: ['jira:issue_created', 'comment_created'], jqlFilter: 'project = HK' },
      { events: ['bogus:event'], jqlFilter: 'project = HK' },
    ] } });
    assert.equal(reg.status, 200);
    assert.equal(typeof reg.json.webhookRegistrationResult[0].createdWebhookId, 'number');
    assert.ok(reg.json.webhookRegistrationResult[1].errors.length);
    const list = await c.jira.webhooks.getDynamicWebhooksForApp();
    assert.equal(list.total, 1);
    assert.deepEqual(list.values[0].events, ['jira:issue_created', 'comment_created']);
    assertSchema('GET', '/rest/api/3/webhook', list);
    await issue(c, 'QT', 'filtered out');
    const is = await issue(c, 'HK', 'hooked');
    await c.jira.issueComments.addComment({ issueIdOrKey: is.key, comment: 'hello' });
    await rx.waitFor(2, 15000);
    assert.equal(got.length, 2);
    // deliveries travel in parallel: take them by event, not by arrival
    const byEvent = (e) => (e.json.webhookEvent === 'jira:issue_created' ? 0 : 1);
    const [created, comment] = got.map((g) => ({ ...g, json: JSON.parse(g.body) })).sort((x, y) => byEvent(x) - byEvent(y));
    assert.equal(created.json.webhookEvent, 'jira:issue_created');
    assert.equal(created.json.issue.key, is.key);
    assert.deepEqual(created.json.matchedWebhookIds, [reg.json.webhookRegistrationResult[0].createdWebhookId]);
    const sig = 'sha256=' + crypto.createHmac('sha256', 's3cret').update(created.raw).digest('hex');
    assert.equal(created.headers['x-hub-signature'], sig);
    assert.equal(comment.json.webhookEvent, 'comment_created');
    assert.deepEqual(comment.json.comment.body, adf('hello'));
    await c.jira.webhooks.deleteWebhookById({ webhookIds: [reg.json.webhookRegistrationResult[0].createdWebhookId] });
    assert.equal((await c.jira.webhooks.getDynamicWebhooksForApp()).total, 0);
  } finally {
    await rx.close();
  }
});

// ---- seeding ----

const SEED = {
  jira: {
    users: [{ display_name: 'Grace Hopper', email: 'grace@example.com' }],
    projects: [{
      key: 'SEED', name: 'Seeded', description: 'from a scenario',
      issues: [
        { summary: 'Crash on start', description: 'stack trace', issuetype: 'Bug', priority: 'Highest', status: 'In Progress', assignee: 'Grace Hopper', labels: ['crash'], comments: [{ body: 'repro attached' }, 'second'] },
        { summary: 'Ship it', status: 'Done' },
        { summary: 'Plan' },
      ],
    }],
  },
};

test('seeding: projects, issues with status/labels/comments; deterministic across runs; reset', async () => {
  const sid = await createScenario(SEED);
  const c = await newRun({ scenario_id: sid });
  const sr = c.run.seed_results.jira;
  assert.equal(sr.status, 'seeded');
  assert.deepEqual([sr.projects, sr.issues, sr.comments, sr.users], [1, 3, 2, 1]);
  const crash = await c.jira.issues.getIssue({ issueIdOrKey: 'SEED-1' });
  assert.equal(crash.fields.status.name, 'In Progress');
  assert.equal(crash.fields.issuetype.name, 'Bug');
  assert.equal(crash.fields.priority.name, 'Highest');
  assert.equal(crash.fields.assignee.displayName, 'Grace Hopper');
  assert.deepEqual(crash.fields.description, adf('stack trace'));
  assert.deepEqual(crash.fields.comment.comments.map((x) => x.body), [adf('repro attached'), adf('second')]);
  const done = await c.jira.issues.getIssue({ issueIdOrKey: 'SEED-2' });
  assert.equal(done.fields.resolution.name, 'Done');
  const search = await c.jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = SEED AND status = "In Progress"', fields: ['summary'] });
  assert.deepEqual(search.issues.map((i) => i.key), ['SEED-1']);
  const c2 = await newRun({ scenario_id: sid });
  const crash2 = await c2.jira.issues.getIssue({ issueIdOrKey: 'SEED-1' });
  assert.equal(crash2.id, crash.id);
  assert.equal(crash2.fields.assignee.accountId, crash.fields.assignee.accountId);
  assert.equal(crash2.fields.created, crash.fields.created);
  // mutate, then reset back to the seed
  await c.jira.issues.deleteIssue({ issueIdOrKey: 'SEED-3' });
  const reset = await admin(c, 'POST', '/admin/reset');
  assert.ok(reset.status < 300, JSON.stringify(reset.json));
  const back = await c.jira.issues.getIssue({ issueIdOrKey: 'SEED-3' });
  assert.equal(back.fields.summary, 'Plan');
});

test('seed validation rejects unknown statuses with a field path', async () => {
  const bad = { jira: { projects: [{ key: 'BAD', name: 'Bad', issues: [{ summary: 'x', status: 'Limbo' }] }] } };
  const sid = await createScenario(bad);
  const url = ctx.controlUrl;
  const res = await fetch(`${url}/twin-runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ twins: ['jira'], scenario_id: sid }) });
  const body = await res.json();
  const sr = body.seed_results?.jira ?? body;
  assert.match(JSON.stringify(sr), /status/);
  assert.match(JSON.stringify(sr), /Limbo/);
});

test('stateful routes are reported as stateful in /admin/openapi; stubs still answer', async () => {
  const o = await admin(ctx, 'GET', '/admin/openapi');
  assert.equal(o.status, 200);
  const text = JSON.stringify(o.json);
  assert.match(text, /\/rest\/api\/3\/issue\/\{issueIdOrKey\}/);
  const stub = await raw(ctx, 'GET', '/rest/api/3/dashboard');
  assert.equal(stub.status, 200);
  assert.equal(stub.headers.get('x-twin-stub'), 'true');
});
