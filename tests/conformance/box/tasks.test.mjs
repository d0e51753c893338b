// Box tasks and task assignments through box-node-sdk: tasks on files,
// assignments resolved by their assignee, completion rules, who may manage
// them, Box's errors, and the TASK_* events and TASK_ASSIGNMENT.* webhooks.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { assertBoxError, assertSchema, raw, receiver, rejects, seededRun, stopServer, userClient } from './helpers.mjs';

const utils = createRequire(import.meta.url)('box-node-sdk/lib/internal/utils');

after(stopServer);

const SEED = {
  users: [{ name: 'Bob Builder', login: 'bob@example.com' }, { name: 'Ada Lovelace', login: 'ada@example.com' },
    { name: 'Uma Uploader', login: 'uma@example.com' }],
  folders: [
    { name: 'Contracts', files: [{ name: 'acme.txt', content: 'ACME master services agreement' }] },
    { name: 'Payroll', files: [{ name: 'salaries.txt', content: 'secret' }] },
  ],
};
const DENIED = 'access_denied_insufficient_permissions';

async function setup() {
  const ctx = await seededRun(SEED);
  const { box } = ctx;
  const root = (await box.folders.getFolderItems('0')).entries;
  const contracts = root.find((e) => e.name === 'Contracts'), payroll = root.find((e) => e.name === 'Payroll');
  const acme = (await box.folders.getFolderItems(contracts.id)).entries[0];
  const salaries = (await box.folders.getFolderItems(payroll.id)).entries[0];
  const users = {};
  for (const login of ['bob@example.com', 'ada@example.com', 'uma@example.com']) users[login.split('@')[0]] = await userClient(ctx, login);
  const share = (userId, role) => box.userCollaborations.createCollaboration({
    item: { type: 'folder', id: contracts.id }, accessibleBy: { type: 'user', id: userId }, role });
  return { ctx, box, me: await box.users.getUserMe(), contracts, acme, salaries, ...users, share };
}

test('tasks: create, assign, resolve by the assignee, completion rules, update, list, delete', async () => {
  const { box, me, acme, bob, ada, share } = await setup();
  await share(bob.user.id, 'viewer');
  await share(ada.user.id, 'editor');
  const task = await box.tasks.createTask({ item: { id: acme.id, type: 'file' }, action: 'complete', message: 'Sign it',
    dueAt: utils.deserializeDateTime('2030-01-01T10:00:00Z') });
  assertSchema('POST', '/2.0/tasks', task);
  assert.equal(task.action, 'complete');
  assert.equal(task.message, 'Sign it');
  assert.equal(task.completionRule, 'all_assignees');
  assert.equal(task.isCompleted, false);
  assert.equal(task.item.id, acme.id);
  assert.equal(task.createdBy.id, me.id);
  assert.equal(task.taskAssignmentCollection.totalCount, 0);
  assert.equal(new Date(task.rawData.due_at).toISOString(), '2030-01-01T10:00:00.000Z');

  const toBob = await box.taskAssignments.createTaskAssignment({ task: { id: task.id, type: 'task' }, assignTo: { id: bob.user.id } });
  assertSchema('POST', '/2.0/task_assignments', toBob);
  assert.equal(toBob.resolutionState, 'incomplete');
  assert.equal(toBob.assignedTo.id, bob.user.id);
  assert.equal(toBob.assignedBy.id, me.id);
  assert.equal(toBob.item.id, acme.id);
  const toAda = await box.taskAssignments.createTaskAssignment({ task: { id: task.id, type: 'task' }, assignTo: { login: 'ada@example.com' } });
  assert.equal(toAda.assignedTo.id, ada.user.id);

  // only the assignee resolves; "complete" tasks take completed, not approved
  assertBoxError(await rejects(() => box.taskAssignments.updateTaskAssignmentById(toBob.id, { requestBody: { resolutionState: 'completed' } })), 403, DENIED);
  assertBoxError(await rejects(() => bob.box.taskAssignments.updateTaskAssignmentById(toBob.id, { requestBody: { resolutionState: 'approved' } })), 400, 'bad_request');
  const done = await bob.box.taskAssignments.updateTaskAssignmentById(toBob.id, { requestBody: { resolutionState: 'completed', message: 'signed' } });
  assert.equal(done.resolutionState, 'completed');
  assert.equal(done.message, 'signed');
  assert.ok(done.completedAt);
  // all_assignees: one of two is not enough; any_assignee is
  assert.equal((await box.tasks.getTaskById(task.id)).isCompleted, false);
  const anyRule = await box.tasks.updateTaskById(task.id, { requestBody: { completionRule: 'any_assignee', message: 'Sign it soon' } });
  assert.equal(anyRule.isCompleted, true);
  assert.equal(anyRule.message, 'Sign it soon');
  await box.tasks.updateTaskById(task.id, { requestBody: { completionRule: 'all_assignees' } });
  await ada.box.taskAssignments.updateTaskAssignmentById(toAda.id, { requestBody: { resolutionState: 'completed' } });
  const complete = await box.tasks.getTaskById(task.id);
  assertSchema('GET', '/2.0/tasks/{task_id}', complete);
  assert.equal(complete.isCompleted, true);
  assert.deepEqual(complete.taskAssignmentCollection.entries.map((e) => [e.assignedTo.id, e.resolutionState]),
    [[bob.user.id, 'completed'], [ada.user.id, 'completed']]);

  const review = await bob.box.tasks.createTask({ item: { id: acme.id, type: 'file' }, action: 'review' });
  const asg = await bob.box.taskAssignments.createTaskAssignment({ task: { id: review.id, type: 'task' }, assignTo: { id: ada.user.id } });
  assert.equal((await ada.box.taskAssignments.updateTaskAssignmentById(asg.id, { requestBody: { resolutionState: 'rejected' } })).resolutionState, 'rejected');
  assert.equal((await bob.box.taskAssignments.getTaskAssignmentById(asg.id)).resolutionState, 'rejected');

  const list = await box.tasks.getFileTasks(acme.id);
  assertSchema('GET', '/2.0/files/{file_id}/tasks', list);
  assert.deepEqual(list.entries.map((t) => [t.id, t.action]), [[task.id, 'complete'], [review.id, 'review']]);
  const assignments = await box.taskAssignments.getTaskAssignments(task.id);
  assertSchema('GET', '/2.0/tasks/{task_id}/assignments', assignments);
  assert.equal(assignments.totalCount, 2);

  // removing an assignment, then the task with the rest
  await box.taskAssignments.deleteTaskAssignmentById(toAda.id);
  assertBoxError(await rejects(() => box.taskAssignments.getTaskAssignmentById(toAda.id)), 404, 'not_found');
  assert.equal((await box.taskAssignments.getTaskAssignments(task.id)).totalCount, 1);
  await box.tasks.deleteTaskById(task.id);
  assertBoxError(await rejects(() => box.tasks.getTaskById(task.id)), 404, 'not_found');
  assertBoxError(await rejects(() => box.taskAssignments.getTaskAssignmentById(toBob.id)), 404, 'not_found');
  assert.deepEqual((await box.tasks.getFileTasks(acme.id)).entries.map((t) => t.id), [review.id]);
});

test('tasks: Box errors, roles and visibility across users', async () => {
  const { ctx, box, acme, salaries, bob, ada, uma, share } = await setup();
  const task = await box.tasks.createTask({ item: { id: acme.id, type: 'file' } });
  assert.equal(task.action, 'review');
  // bad input
  let r = await raw(ctx, 'POST', '/2.0/tasks', { body: { action: 'review' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.context_info.errors[0].reason, 'missing_parameter');
  r = await raw(ctx, 'POST', '/2.0/tasks', { body: { item: { id: acme.id, type: 'file' }, action: 'approve' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.context_info.errors[0].name, 'action');
  r = await raw(ctx, 'POST', '/2.0/tasks', { body: { item: { id: acme.id, type: 'file' }, due_at: 'soon' } });
  assert.equal(r.status, 400);
  assertBoxError(await rejects(() => box.tasks.createTask({ item: { id: '999', type: 'file' } })), 404, 'not_found');
  assertBoxError(await rejects(() => box.tasks.getTaskById('999')), 404, 'not_found');
  assertBoxError(await rejects(() => box.taskAssignments.createTaskAssignment({ task: { id: task.id, type: 'task' }, assignTo: { id: '999' } })), 404, 'not_found');
  await box.taskAssignments.createTaskAssignment({ task: { id: task.id, type: 'task' }, assignTo: { id: bob.user.id } });
  assertBoxError(await rejects(() => box.taskAssignments.createTaskAssignment({ task: { id: task.id, type: 'task' }, assignTo: { id: bob.user.id } })), 400, 'bad_request');

  // other users: tasks on files they cannot reach do not exist
  const hidden = await box.tasks.createTask({ item: { id: salaries.id, type: 'file' } });
  assertBoxError(await rejects(() => bob.box.tasks.getTaskById(task.id)), 404, 'not_found');
  assertBoxError(await rejects(() => bob.box.tasks.getFileTasks(acme.id)), 404, 'not_found');
  await share(bob.user.id, 'previewer');
  await share(ada.user.id, 'viewer');
  await share(uma.user.id, 'uploader');
  assert.equal((await bob.box.tasks.getTaskById(task.id)).id, task.id);
  assertBoxError(await rejects(() => bob.box.tasks.getTaskById(hidden.id)), 404, 'not_found');
  // previewers create tasks; uploaders cannot
  const bobs = await bob.box.tasks.createTask({ item: { id: acme.id, type: 'file' }, message: 'mine' });
  assertBoxError(await rejects(() => uma.box.tasks.createTask({ item: { id: acme.id, type: 'file' } })), 403, DENIED);
  // the creator or the owner edits; another collaborator cannot
  assertBoxError(await rejects(() => ada.box.tasks.updateTaskById(bobs.id, { requestBody: { message: 'x' } })), 403, DENIED);
  assert.equal((await box.tasks.updateTaskById(bobs.id, { requestBody: { message: 'owner edit' } })).message, 'owner edit');
  assert.equal((await rejects(() => ada.box.tasks.deleteTaskById(bobs.id))).responseInfo.statusCode, 403);
  await bob.box.tasks.deleteTaskById(bobs.id);
  assert.deepEqual((await ada.box.tasks.getFileTasks(acme.id)).entries.map((t) => t.id), [task.id]);
});

test('task changes: TASK_* events, TASK_ASSIGNMENT.* webhooks with the assignment as source', async () => {
  const { ctx, box, contracts, acme, salaries, bob, share } = await setup();
  await share(bob.user.id, 'editor');
  const rx = await receiver();
  try {
    const hook = await box.webhooks.createWebhook({ target: { id: contracts.id, type: 'folder' }, address: rx.url,
      triggers: ['TASK_ASSIGNMENT.CREATED', 'TASK_ASSIGNMENT.UPDATED'] });
    const start = String((await box.events.getEvents({ streamPosition: 'now' })).nextStreamPosition);
    const task = await box.tasks.createTask({ item: { id: acme.id, type: 'file' }, action: 'complete' });
    const asg = await box.taskAssignments.createTaskAssignment({ task: { id: task.id, type: 'task' }, assignTo: { id: bob.user.id } });
    await bob.box.taskAssignments.updateTaskAssignmentById(asg.id, { requestBody: { resolutionState: 'completed' } });
    const other = await box.tasks.createTask({ item: { id: salaries.id, type: 'file' } });
    await box.taskAssignments.createTaskAssignment({ task: { id: other.id, type: 'task' }, assignTo: { id: bob.user.id } });

    const got = await rx.waitFor(2);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rx.deliveries.length, 2, 'the Payroll assignment must not be delivered');
    const payloads = got.map((d) => JSON.parse(d.body));
    assert.deepEqual(payloads.map((p) => [p.trigger, p.source.type, p.source.id, p.source.resolution_state]),
      [['TASK_ASSIGNMENT.CREATED', 'task_assignment', asg.id, 'incomplete'], ['TASK_ASSIGNMENT.UPDATED', 'task_assignment', asg.id, 'completed']]);
    assert.equal(payloads[1].created_by.id, bob.user.id);
    assert.equal(payloads[0].webhook.id, hook.id);

    const events = await box.events.getEvents({ streamPosition: start });
    assert.deepEqual(events.entries.map((e) => [e.eventType, e.source.id]),
      [['TASK_CREATE', task.id], ['TASK_ASSIGNMENT_CREATE', asg.id], ['TASK_ASSIGNMENT_UPDATE', asg.id],
        ['TASK_CREATE', other.id], ['TASK_ASSIGNMENT_CREATE', events.entries[4]?.source.id]]);
    // Bob's stream leaves out the Payroll task he cannot see
    const bobs = await bob.box.events.getEvents({ streamPosition: start });
    assert.deepEqual(bobs.entries.map((e) => e.eventType), ['TASK_CREATE', 'TASK_ASSIGNMENT_CREATE', 'TASK_ASSIGNMENT_UPDATE']);
  } finally {
    await rx.close();
  }
});
