// Box comments through box-node-sdk: comments and replies on files, edits by
// their author only, deletion, a file's paged list, the collaborator roles
// that may comment, and the COMMENT_* events and COMMENT.* webhooks.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  WebhooksManager, assertBoxError, assertSchema, raw, receiver, rejects, seededRun, stopServer, userClient,
} from './helpers.mjs';

after(stopServer);

const SEED = {
  users: [{ name: 'Bob Builder', login: 'bob@example.com' }, { name: 'Ada Lovelace', login: 'ada@example.com' },
    { name: 'Uma Uploader', login: 'uma@example.com' }],
  folders: [
    { name: 'Contracts', files: [{ name: 'acme.txt', content: 'ACME master services agreement' }, { name: 'beta.txt', content: 'b' }] },
    { name: 'Payroll', files: [{ name: 'salaries.txt', content: 'secret' }] },
  ],
};

const byName = (entries, name) => entries.find((e) => e.name === name);
const DENIED = 'access_denied_insufficient_permissions';

async function setup() {
  const ctx = await seededRun(SEED);
  const { box } = ctx;
  const root = (await box.folders.getFolderItems('0')).entries;
  const contracts = byName(root, 'Contracts'), payroll = byName(root, 'Payroll');
  const inside = (await box.folders.getFolderItems(contracts.id)).entries;
  const acme = byName(inside, 'acme.txt'), beta = byName(inside, 'beta.txt');
  const salaries = (await box.folders.getFolderItems(payroll.id)).entries[0];
  const me = await box.users.getUserMe();
  return { ctx, box, me, contracts, acme, beta, salaries };
}

const share = (box, folderId, userId, role) =>
  box.userCollaborations.createCollaboration({ item: { type: 'folder', id: folderId }, accessibleBy: { type: 'user', id: userId }, role });

test('comments: create, reply, read back, list with paging and fields, edit, delete with replies', async () => {
  const { box, me, acme, beta } = await setup();
  const first = await box.comments.createComment({ message: 'Please review', item: { id: acme.id, type: 'file' } });
  assertSchema('POST', '/2.0/comments', first);
  assert.equal(first.type, 'comment');
  assert.equal(first.message, 'Please review');
  assert.equal(first.taggedMessage, 'Please review');
  assert.equal(first.isReplyComment, false);
  assert.deepEqual({ id: first.item.id, type: first.item.type }, { id: acme.id, type: 'file' });
  assert.equal(first.createdBy.id, me.id);

  const reply = await box.comments.createComment({ message: 'x', taggedMessage: `@[${me.id}:Admin] done`, item: { id: first.id, type: 'comment' } });
  assert.equal(reply.isReplyComment, true);
  assert.deepEqual({ id: reply.item.id, type: reply.item.type }, { id: first.id, type: 'comment' });
  assert.equal(reply.taggedMessage, `@[${me.id}:Admin] done`);
  assert.equal(reply.message, '@Admin done');
  const third = await box.comments.createComment({ message: 'third', item: { id: acme.id, type: 'file' } });
  await box.comments.createComment({ message: 'elsewhere', item: { id: beta.id, type: 'file' } });

  const got = await box.comments.getCommentById(reply.id);
  assertSchema('GET', '/2.0/comments/{comment_id}', got);
  assert.equal(got.message, '@Admin done');
  assert.equal((await box.files.getFileById(acme.id, { queryParams: { fields: ['comment_count'] } })).commentCount, 3);

  const all = await box.comments.getFileComments(acme.id);
  assertSchema('GET', '/2.0/files/{file_id}/comments', all);
  assert.equal(all.totalCount, 3);
  assert.deepEqual(all.entries.map((c) => c.id), [first.id, reply.id, third.id]);
  assert.equal(all.entries[0].taggedMessage, undefined, 'lists carry the standard representation');
  const page = await box.comments.getFileComments(acme.id, { queryParams: { limit: 1, offset: 1, fields: ['message', 'tagged_message'] } });
  assert.equal(page.totalCount, 3);
  assert.equal(page.limit, 1);
  assert.equal(page.offset, 1);
  assert.deepEqual(page.entries.map((c) => [c.id, c.message, c.taggedMessage, c.createdBy]),
    [[reply.id, '@Admin done', `@[${me.id}:Admin] done`, undefined]]);

  const edited = await box.comments.updateCommentById(third.id, { requestBody: { message: 'third, edited' } });
  assert.equal(edited.message, 'third, edited');
  assert.equal((await box.comments.getCommentById(third.id)).message, 'third, edited');

  // deleting a comment takes its replies with it
  await box.comments.deleteCommentById(first.id);
  assertBoxError(await rejects(() => box.comments.getCommentById(first.id)), 404, 'not_found');
  assertBoxError(await rejects(() => box.comments.getCommentById(reply.id)), 404, 'not_found');
  assert.deepEqual((await box.comments.getFileComments(acme.id)).entries.map((c) => c.id), [third.id]);
});

test('comments: Box errors for bad input, unknown and trashed items', async () => {
  const { ctx, box, acme, beta } = await setup();
  const body = assertBoxError(await rejects(() => box.comments.createComment({ item: { id: acme.id, type: 'file' } })), 400, 'bad_request');
  assert.equal(body.context_info.errors[0].reason, 'missing_parameter');
  const noItem = await raw(ctx, 'POST', '/2.0/comments', { body: { message: 'hi' } });
  assert.equal(noItem.status, 400);
  assert.equal(noItem.json.code, 'bad_request');
  const folderItem = await raw(ctx, 'POST', '/2.0/comments', { body: { message: 'hi', item: { id: acme.id, type: 'folder' } } });
  assert.equal(folderItem.status, 400);
  assert.equal(folderItem.json.context_info.errors[0].name, 'item');
  assertBoxError(await rejects(() => box.comments.createComment({ message: 'x', item: { id: '999', type: 'file' } })), 404, 'not_found');
  assertBoxError(await rejects(() => box.comments.createComment({ message: 'x', item: { id: '999', type: 'comment' } })), 404, 'not_found');
  assertBoxError(await rejects(() => box.comments.getCommentById('999')), 404, 'not_found');
  assertBoxError(await rejects(() => box.comments.getFileComments('999')), 404, 'not_found');
  assertBoxError(await rejects(() => box.comments.getFileComments(acme.id, { queryParams: { limit: -1 } })), 400, 'bad_request');

  // comments of a trashed file are out of reach until it is restored
  const c = await box.comments.createComment({ message: 'on beta', item: { id: beta.id, type: 'file' } });
  await box.files.deleteFileById(beta.id);
  assertBoxError(await rejects(() => box.comments.getCommentById(c.id)), 404, 'not_found');
  assertBoxError(await rejects(() => box.comments.getFileComments(beta.id)), 404, 'trashed');
  await box.trashedFiles.restoreFileFromTrash(beta.id);
  assert.equal((await box.comments.getCommentById(c.id)).message, 'on beta');
});

test('comments: collaborators by role; only the author edits; author or owner deletes; others see 404', async () => {
  const { ctx, box, contracts, acme, salaries } = await setup();
  const { user: bob, box: asBob } = await userClient(ctx, 'bob@example.com');
  const { user: ada, box: asAda } = await userClient(ctx, 'ada@example.com');
  const { user: uma, box: asUma } = await userClient(ctx, 'uma@example.com');
  const mine = await box.comments.createComment({ message: 'owner note', item: { id: acme.id, type: 'file' } });

  // without a collaboration the file and its comments do not exist for Bob
  assertBoxError(await rejects(() => asBob.comments.getFileComments(acme.id)), 404, 'not_found');
  assertBoxError(await rejects(() => asBob.comments.getCommentById(mine.id)), 404, 'not_found');
  assertBoxError(await rejects(() => asBob.comments.createComment({ message: 'x', item: { id: acme.id, type: 'file' } })), 404, 'not_found');

  await share(box, contracts.id, bob.id, 'viewer');
  await share(box, contracts.id, ada.id, 'previewer');
  await share(box, contracts.id, uma.id, 'uploader');
  // viewers and previewers view and add comments; uploaders cannot
  const bobs = await asBob.comments.createComment({ message: 'viewer note', item: { id: acme.id, type: 'file' } });
  assert.equal(bobs.createdBy.id, bob.id);
  const adas = await asAda.comments.createComment({ message: 'previewer reply', item: { id: mine.id, type: 'comment' } });
  assert.equal(adas.isReplyComment, true);
  assert.equal((await asBob.comments.getFileComments(acme.id)).totalCount, 3);
  assertBoxError(await rejects(() => asUma.comments.createComment({ message: 'x', item: { id: acme.id, type: 'file' } })), 403, DENIED);
  const file = await asUma.files.getFileById(acme.id, { queryParams: { fields: ['permissions'] } });
  assert.equal(file.permissions.canComment, false);
  assert.equal((await asBob.files.getFileById(acme.id, { queryParams: { fields: ['permissions'] } })).permissions.canComment, true);
  // the Payroll file stays hidden
  assertBoxError(await rejects(() => asBob.comments.createComment({ message: 'x', item: { id: salaries.id, type: 'file' } })), 404, 'not_found');

  // only the author edits, even the owner cannot
  assertBoxError(await rejects(() => asBob.comments.updateCommentById(mine.id, { requestBody: { message: 'hijack' } })), 403, DENIED);
  assertBoxError(await rejects(() => box.comments.updateCommentById(bobs.id, { requestBody: { message: 'hijack' } })), 403, DENIED);
  assert.equal((await asBob.comments.updateCommentById(bobs.id, { requestBody: { message: 'viewer note 2' } })).message, 'viewer note 2');
  assert.equal((await box.comments.getCommentById(bobs.id)).message, 'viewer note 2');
  // another collaborator cannot delete it; the owner of the file can
  // (the SDK reads no body on deletes, so the error body is checked raw)
  assert.equal((await rejects(() => asAda.comments.deleteCommentById(bobs.id))).responseInfo.statusCode, 403);
  const denied = await raw(ctx, 'DELETE', `/2.0/comments/${bobs.id}`, { headers: { 'as-user': ada.id } });
  assert.equal(denied.status, 403);
  assert.equal(denied.json.code, DENIED);
  await box.comments.deleteCommentById(bobs.id);
  await asAda.comments.deleteCommentById(adas.id);
  assert.deepEqual((await box.comments.getFileComments(acme.id)).entries.map((c) => c.id), [mine.id]);
});

test('comment changes: COMMENT_* events on the streams that see the file, signed COMMENT.* webhooks', async () => {
  const { ctx, box, me, contracts, acme, salaries } = await setup();
  const { user: bob, box: asBob } = await userClient(ctx, 'bob@example.com');
  await share(box, contracts.id, bob.id, 'editor');
  const rx = await receiver();
  try {
    const triggers = ['COMMENT.CREATED', 'COMMENT.UPDATED', 'COMMENT.DELETED'];
    const hook = await box.webhooks.createWebhook({ target: { id: contracts.id, type: 'folder' }, address: rx.url, triggers });
    const start = String((await box.events.getEvents({ streamPosition: 'now' })).nextStreamPosition);
    const c = await asBob.comments.createComment({ message: 'hello', item: { id: acme.id, type: 'file' } });
    await asBob.comments.updateCommentById(c.id, { requestBody: { message: 'hello again' } });
    // a comment outside the hooked folder, on a file Bob cannot see
    const hidden = await box.comments.createComment({ message: 'payroll', item: { id: salaries.id, type: 'file' } });
    await box.comments.deleteCommentById(c.id);

    const want = [['COMMENT.CREATED', 'hello'], ['COMMENT.UPDATED', 'hello again'], ['COMMENT.DELETED', 'hello again']];
    const got = await rx.waitFor(want.length);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rx.deliveries.length, want.length, 'the Payroll comment must not be delivered');
    const payloads = got.map((d) => JSON.parse(d.body));
    assert.deepEqual(payloads.map((p) => [p.trigger, p.source.message]), want);
    const primary = ctx.env.BOX_WEBHOOK_PRIMARY_KEY, secondary = ctx.env.BOX_WEBHOOK_SECONDARY_KEY;
    for (const [i, d] of got.entries()) {
      const p = payloads[i];
      assert.equal(p.webhook.id, hook.id);
      assert.equal(p.source.type, 'comment');
      assert.equal(p.source.id, c.id);
      assert.deepEqual(p.source.item, { id: acme.id, type: 'file' });
      assert.equal(await WebhooksManager.validateMessage(d.body, d.headers, primary, { secondaryKey: secondary }), true);
    }
    assert.equal(payloads[0].created_by.id, bob.id);
    assert.equal(payloads[2].created_by.id, me.id);

    // the owner sees every change; Bob not the comment on the file he cannot reach
    const mine = await box.events.getEvents({ streamPosition: start });
    assert.deepEqual(mine.entries.map((e) => [e.eventType, e.source.id]),
      [['COMMENT_CREATE', c.id], ['COMMENT_EDIT', c.id], ['COMMENT_CREATE', hidden.id], ['COMMENT_DELETE', c.id]]);
    assert.equal(mine.entries[0].source.type, 'comment');
    const bobs = await asBob.events.getEvents({ streamPosition: start });
    assert.deepEqual(bobs.entries.map((e) => [e.eventType, e.source.id]),
      [['COMMENT_CREATE', c.id], ['COMMENT_EDIT', c.id], ['COMMENT_DELETE', c.id]]);
    // admin_logs name the file the comment is on
    const logs = await box.events.getEvents({ streamType: 'admin_logs', eventType: ['COMMENT_CREATE'] });
    assert.deepEqual(logs.entries.map((e) => [e.eventType, e.source.item_id ?? e.source.itemId]),
      [['COMMENT_CREATE', acme.id], ['COMMENT_CREATE', salaries.id]]);
  } finally {
    await rx.close();
  }
});
