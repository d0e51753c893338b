// Box per-user trees and collaborations through box-node-sdk: each user has
// their own root, other users' items answer 404 until a collaboration
// shares them, and the collaboration's role gates what the collaborator may do.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  WebhooksManager, seededRun, userClient, admin, assertBoxError, assertSchema, newRun, raw, readAll, receiver, rejects,
  stopServer, stream,
} from './helpers.mjs';

after(stopServer);

const SEED = {
  users: [{ name: 'Bob Builder', login: 'bob@example.com' }, { name: 'Ada Lovelace', login: 'ada@example.com' }],
  folders: [
    { name: 'Contracts', files: [{ name: 'acme.txt', content: 'ACME master services agreement' }],
      folders: [{ name: 'Drafts', files: [{ name: 'draft.md', content: 'acme draft' }] }] },
    { name: 'Payroll', files: [{ name: 'salaries.txt', content: 'secret acme numbers' }] },
  ],
};

const seeded = (seed = SEED) => seededRun(seed);

const names = (entries) => entries.map((e) => e.name);
const byName = (entries, name) => entries.find((e) => e.name === name);
const upload = (box, parentId, name, content) =>
  box.uploads.uploadFile({ attributes: { name, parent: { id: parentId } }, file: stream(content) });
const DENIED = 'access_denied_insufficient_permissions';

test('collaborations: 404 without access, viewer reads but cannot write (403), editor uploads, removal revokes', async () => {
  const ctx = await seeded();
  const { box } = ctx;
  const { user: bob, box: asBob } = await userClient(ctx, 'bob@example.com');
  const root = await box.folders.getFolderItems('0');
  const contracts = byName(root.entries, 'Contracts'), payroll = byName(root.entries, 'Payroll');
  const inside = await box.folders.getFolderItems(contracts.id);
  const drafts = byName(inside.entries, 'Drafts'), acme = byName(inside.entries, 'acme.txt');

  // Bob's own root is empty and the admin's items do not exist for him
  assert.deepEqual(names((await asBob.folders.getFolderItems('0')).entries), []);
  assertBoxError(await rejects(() => asBob.folders.getFolderById(contracts.id)), 404, 'not_found');
  assertBoxError(await rejects(() => asBob.folders.getFolderItems(drafts.id)), 404, 'not_found');
  assertBoxError(await rejects(() => asBob.files.getFileById(acme.id)), 404, 'not_found');
  // downloads are read as bytes, so the SDK leaves the error body unparsed
  assert.equal((await rejects(() => asBob.downloads.downloadFile(acme.id))).responseInfo.statusCode, 404);
  assertBoxError(await rejects(() => upload(asBob, contracts.id, 'x.txt', 'x')), 404, 'not_found');
  assert.equal((await asBob.search.searchForContent({ query: 'acme' })).entries.length, 0);

  // share Contracts with Bob as a viewer
  const collab = await box.userCollaborations.createCollaboration({
    item: { type: 'folder', id: contracts.id }, accessibleBy: { type: 'user', id: bob.id }, role: 'viewer' });
  assertSchema('POST', '/2.0/collaborations', collab);
  assert.equal(collab.status, 'accepted');
  assert.equal(collab.role, 'viewer');
  assert.equal(collab.accessibleBy.id, bob.id);
  assert.equal(collab.item.id, contracts.id);

  // the folder shows in Bob's root; he reads it and what lies below it
  assert.deepEqual(names((await asBob.folders.getFolderItems('0')).entries), ['Contracts']);
  const seen = await asBob.folders.getFolderById(contracts.id, { queryParams: { fields: ['permissions', 'owned_by', 'path_collection'] } });
  assert.equal(seen.ownedBy.login, 'admin@twins.example');
  assert.equal(seen.permissions.canUpload, false);
  assert.equal(seen.permissions.canDownload, true);
  assert.deepEqual(seen.pathCollection.entries.map((e) => e.id), ['0']);
  assert.deepEqual(names((await asBob.folders.getFolderItems(contracts.id)).entries), ['Drafts', 'acme.txt']);
  assert.deepEqual(names((await asBob.folders.getFolderItems(drafts.id)).entries), ['draft.md']);
  assert.equal((await readAll(await asBob.downloads.downloadFile(acme.id))).toString(), 'ACME master services agreement');
  assert.deepEqual(names((await asBob.search.searchForContent({ query: 'acme' })).entries).sort(), ['acme.txt', 'draft.md']);
  assertBoxError(await rejects(() => asBob.folders.getFolderById(payroll.id)), 404, 'not_found');

  // a viewer cannot write or share
  assertBoxError(await rejects(() => upload(asBob, contracts.id, 'bob.txt', 'from bob')), 403, DENIED);
  assertBoxError(await rejects(() => upload(asBob, drafts.id, 'bob.txt', 'from bob')), 403, DENIED);
  assertBoxError(await rejects(() => asBob.files.updateFileById(acme.id, { requestBody: { name: 'mine.txt' } })), 403, DENIED);
  // the SDK reads no body on DELETE; the raw answer carries Box's error
  assert.equal((await rejects(() => asBob.files.deleteFileById(acme.id))).responseInfo.statusCode, 403);
  const del = await raw(ctx, 'DELETE', `/2.0/files/${acme.id}`, { headers: { 'as-user': bob.id } });
  assert.equal(del.status, 403);
  assert.equal(del.json.code, DENIED);
  assertBoxError(await rejects(() => asBob.folders.createFolder({ name: 'Sub', parent: { id: drafts.id } })), 403, DENIED);
  assertBoxError(await rejects(() => asBob.userCollaborations.createCollaboration({
    item: { type: 'folder', id: contracts.id }, accessibleBy: { type: 'user', login: 'ada@example.com' }, role: 'viewer' })), 403, DENIED);

  // the folder's collaborations, and the collaboration itself, for owner and collaborator
  const list = await box.listCollaborations.getFolderCollaborations(contracts.id);
  assertSchema('GET', '/2.0/folders/{folder_id}/collaborations', list);
  assert.deepEqual(list.entries.map((e) => e.id), [collab.id]);
  assert.equal((await asBob.userCollaborations.getCollaborationById(collab.id)).role, 'viewer');

  // promoted to editor, Bob uploads; the file belongs to the folder's owner
  const upd = await box.userCollaborations.updateCollaborationById(collab.id, { requestBody: { role: 'editor' } });
  assertSchema('PUT', '/2.0/collaborations/{collaboration_id}', upd);
  assert.equal(upd.role, 'editor');
  const made = (await upload(asBob, drafts.id, 'bob.txt', 'from bob')).entries[0];
  assert.equal(made.ownedBy.login, 'admin@twins.example');
  assert.equal(made.createdBy.id, bob.id);
  assert.ok(names((await box.folders.getFolderItems(drafts.id)).entries).includes('bob.txt'));

  // removing the collaboration takes the access away again
  await box.userCollaborations.deleteCollaborationById(collab.id);
  assertBoxError(await rejects(() => asBob.folders.getFolderById(contracts.id)), 404, 'not_found');
  assertBoxError(await rejects(() => asBob.files.getFileById(made.id)), 404, 'not_found');
  assertBoxError(await rejects(() => asBob.userCollaborations.getCollaborationById(collab.id)), 404, 'not_found');
  assert.deepEqual(names((await asBob.folders.getFolderItems('0')).entries), []);
  assert.equal((await box.listCollaborations.getFolderCollaborations(contracts.id)).entries.length, 0);
});

test('collaborations: bad input, duplicates, file collaborations, leaving, ownership transfer', async () => {
  const ctx = await seeded();
  const { box } = ctx;
  const { user: bob, box: asBob } = await userClient(ctx, 'bob@example.com');
  const contracts = byName((await box.folders.getFolderItems('0')).entries, 'Contracts');
  const acme = byName((await box.folders.getFolderItems(contracts.id)).entries, 'acme.txt');
  const make = (body) => box.userCollaborations.createCollaboration(body);
  const item = { type: 'folder', id: contracts.id };
  assertBoxError(await rejects(() => make({ item, accessibleBy: { type: 'user', id: bob.id }, role: 'boss' })), 400, 'bad_request');
  assertBoxError(await rejects(() => make({ item, accessibleBy: { type: 'user', id: '99999' }, role: 'viewer' })), 404, 'not_found');
  assertBoxError(await rejects(() => make({ item: { type: 'folder', id: '123' }, accessibleBy: { type: 'user', id: bob.id }, role: 'viewer' })), 404, 'not_found');
  const c = await make({ item, accessibleBy: { type: 'user', login: 'BOB@example.com' }, role: 'previewer' });
  assert.equal(c.accessibleBy.id, bob.id);
  assertBoxError(await rejects(() => make({ item, accessibleBy: { type: 'user', id: bob.id }, role: 'editor' })), 400, 'user_already_collaborator');
  // a previewer sees but cannot download
  assert.equal((await rejects(() => asBob.downloads.downloadFile(acme.id))).responseInfo.statusCode, 403);

  // a collaboration on a single file
  const { box: asAda, user: ada } = await userClient(ctx, 'ada@example.com');
  const fc = await make({ item: { type: 'file', id: acme.id }, accessibleBy: { type: 'user', id: ada.id }, role: 'viewer' });
  assert.equal(fc.item.type, 'file');
  assert.equal((await asAda.files.getFileById(acme.id)).name, 'acme.txt');
  assertBoxError(await rejects(() => asAda.folders.getFolderById(contracts.id)), 404, 'not_found');
  assert.deepEqual(names((await asAda.folders.getFolderItems('0')).entries), ['acme.txt']);
  const files = await box.listCollaborations.getFileCollaborations(acme.id);
  assertSchema('GET', '/2.0/files/{file_id}/collaborations', files);
  assert.equal(files.entries.length, 1);

  // a collaborator may leave
  await asAda.userCollaborations.deleteCollaborationById(fc.id);
  assertBoxError(await rejects(() => asAda.files.getFileById(acme.id)), 404, 'not_found');

  // role "owner" hands the folder over (204); the old owner stays as co-owner
  const none = await box.userCollaborations.updateCollaborationById(c.id, { requestBody: { role: 'owner' } });
  assert.equal(none, undefined);
  assert.equal((await asBob.folders.getFolderById(contracts.id)).ownedBy.id, bob.id);
  assert.deepEqual(names((await asBob.folders.getFolderItems('0')).entries), ['Contracts']);
  const now = (await asBob.listCollaborations.getFolderCollaborations(contracts.id)).entries;
  assert.deepEqual(now.map((e) => [e.accessibleBy.login, e.role]), [['admin@twins.example', 'co-owner']]);
  assert.equal((await upload(box, contracts.id, 'still.txt', 'co-owner writes')).entries[0].ownedBy.id, bob.id);
});

test('pending invitations by email are accepted by the invitee', async () => {
  const ctx = await seeded();
  const { box } = ctx;
  const contracts = byName((await box.folders.getFolderItems('0')).entries, 'Contracts');
  const inv = await box.userCollaborations.createCollaboration({
    item: { type: 'folder', id: contracts.id }, accessibleBy: { type: 'user', login: 'newbie@example.com' }, role: 'editor' });
  assert.equal(inv.status, 'pending');
  assert.equal(inv.inviteEmail, 'newbie@example.com');
  await box.users.createUser({ name: 'Newbie', login: 'newbie@example.com' });
  const { box: asNew } = await userClient(ctx, 'newbie@example.com');
  assertBoxError(await rejects(() => asNew.folders.getFolderById(contracts.id)), 404, 'not_found');
  const pending = await asNew.listCollaborations.getCollaborations({ status: 'pending' });
  assertSchema('GET', '/2.0/collaborations', pending);
  assert.deepEqual(pending.entries.map((e) => e.id), [inv.id]);
  assert.equal((await box.listCollaborations.getCollaborations({ status: 'pending' })).entries.length, 0);
  // only the invitee answers
  assertBoxError(await rejects(() => box.userCollaborations.updateCollaborationById(inv.id, { requestBody: { status: 'accepted' } })), 403, DENIED);
  const ok = await asNew.userCollaborations.updateCollaborationById(inv.id, { requestBody: { status: 'accepted' } });
  assert.equal(ok.status, 'accepted');
  assert.equal((await asNew.folders.getFolderById(contracts.id)).name, 'Contracts');
  assert.equal((await asNew.listCollaborations.getCollaborations({ status: 'pending' })).entries.length, 0);
});

test('events follow visibility; admin_logs are for admins', async () => {
  const ctx = await seeded();
  const { box } = ctx;
  const { user: bob, box: asBob } = await userClient(ctx, 'bob@example.com');
  const root = (await box.folders.getFolderItems('0')).entries;
  const contracts = byName(root, 'Contracts'), payroll = byName(root, 'Payroll');
  const start = String((await asBob.events.getEvents({ streamPosition: 'now' })).nextStreamPosition);
  await upload(box, payroll.id, 'bonus.txt', 'private');
  await box.userCollaborations.createCollaboration({
    item: { type: 'folder', id: contracts.id }, accessibleBy: { type: 'user', id: bob.id }, role: 'viewer' });
  await upload(box, contracts.id, 'shared.txt', 'for bob too');
  await upload(asBob, '0', 'mine.txt', 'bob only');
  // sharing Contracts with Bob is itself an event both of them see
  const bobs = await asBob.events.getEvents({ streamPosition: start });
  assert.deepEqual(bobs.entries.map((e) => [e.eventType, e.source.name]),
    [['COLLAB_ADD_COLLABORATOR', 'Contracts'], ['ITEM_UPLOAD', 'shared.txt'], ['ITEM_UPLOAD', 'mine.txt']]);
  const admins = await box.events.getEvents({ streamPosition: start });
  assert.deepEqual(admins.entries.map((e) => e.source.name), ['bonus.txt', 'Contracts', 'shared.txt']);
  assertBoxError(await rejects(() => asBob.events.getEvents({ streamType: 'admin_logs' })), 403, DENIED);
  const logs = await box.events.getEvents({ streamType: 'admin_logs', eventType: ['UPLOAD'] });
  assert.ok(logs.rawData.entries.some((e) => e.source.item_name === 'mine.txt'));
});

test('seeding: folders owned by other users, collaborators, seed errors', async () => {
  const seed = {
    users: SEED.users,
    folders: [
      { name: 'Ada lab', owner: 'ada@example.com', collaborators: [{ login: 'bob@example.com', role: 'viewer' },
        { login: 'guest@outside.example', role: 'editor' }], files: [{ name: 'notes.txt', content: 'engines' }] },
      { name: 'Shared', collaborators: [{ login: 'ada@example.com', role: 'editor' }] },
    ],
  };
  const ctx = await seeded(seed);
  const { box } = ctx;
  const { box: asAda, user: ada } = await userClient(ctx, 'ada@example.com');
  const { box: asBob } = await userClient(ctx, 'bob@example.com');
  assert.deepEqual(names((await box.folders.getFolderItems('0')).entries), ['Shared']);
  assert.deepEqual(names((await asAda.folders.getFolderItems('0')).entries), ['Ada lab', 'Shared']);
  const lab = byName((await asAda.folders.getFolderItems('0')).entries, 'Ada lab');
  const full = await asAda.folders.getFolderById(lab.id);
  assert.equal(full.ownedBy.id, ada.id);
  assert.equal(full.itemCollection.entries[0].name, 'notes.txt');
  assertBoxError(await rejects(() => box.folders.getFolderById(lab.id)), 404, 'not_found');
  assert.deepEqual(names((await asBob.folders.getFolderItems('0')).entries), ['Ada lab']);
  const collabs = (await asAda.listCollaborations.getFolderCollaborations(lab.id)).entries;
  assert.deepEqual(collabs.map((c) => c.status), ['accepted', 'pending']);
  const run = (await admin(ctx, 'GET', '/admin/state')).json.state;
  assert.ok(run, 'state is readable');
  let bad = await admin(ctx, 'PUT', '/admin/config', { seed: { folders: [{ name: 'X', owner: 'nobody@example.com' }] } });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.json), /owner/);
  bad = await admin(ctx, 'PUT', '/admin/config', { seed: { users: SEED.users, folders: [{ name: 'X', folders: [{ name: 'Y', owner: 'ada@example.com' }] }] } });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.json), /top-level/);
  bad = await admin(ctx, 'PUT', '/admin/config', { seed: { folders: [{ name: 'X', collaborators: [{ login: 'a@b.c', role: 'boss' }] }] } });
  assert.equal(bad.status, 400);
});

test('collaboration changes: COLLAB_* user events, COLLABORATION_* admin_logs, signed COLLABORATION.* webhooks', async () => {
  const ctx = await seeded();
  const { box } = ctx;
  const { user: bob, box: asBob } = await userClient(ctx, 'bob@example.com');
  const root = (await box.folders.getFolderItems('0')).entries;
  const contracts = byName(root, 'Contracts'), payroll = byName(root, 'Payroll');
  const rx = await receiver();
  try {
    const triggers = ['COLLABORATION.CREATED', 'COLLABORATION.ACCEPTED', 'COLLABORATION.REJECTED', 'COLLABORATION.REMOVED',
      'COLLABORATION.UPDATED'];
    const hook = await box.webhooks.createWebhook({ target: { id: contracts.id, type: 'folder' }, address: rx.url, triggers });
    const start = String((await box.events.getEvents({ streamPosition: 'now' })).nextStreamPosition);
    const share = (id, accessibleBy, role) => box.userCollaborations.createCollaboration({ item: { type: 'folder', id }, accessibleBy, role });

    // added at once, then promoted
    const cBob = await share(contracts.id, { type: 'user', id: bob.id }, 'viewer');
    await box.userCollaborations.updateCollaborationById(cBob.id, { requestBody: { role: 'editor' } });
    // Bob sees both changes on his own stream while he can reach the folder
    const bobs = await asBob.events.getEvents({ streamPosition: start });
    assert.deepEqual(bobs.entries.map((e) => [e.eventType, e.source.id]),
      [['COLLAB_ADD_COLLABORATOR', contracts.id], ['COLLAB_ROLE_CHANGE', contracts.id]]);
    assert.equal(bobs.entries[0].createdBy.id, (await box.users.getUserMe()).id);

    // invitations by email: one accepted, one rejected by the invitees
    const cNew = await share(contracts.id, { type: 'user', login: 'newbie@example.com' }, 'editor');
    const cNope = await share(contracts.id, { type: 'user', login: 'nope@example.com' }, 'viewer');
    await box.users.createUser({ name: 'Newbie', login: 'newbie@example.com' });
    await box.users.createUser({ name: 'Nope', login: 'nope@example.com' });
    const { user: newbie, box: asNew } = await userClient(ctx, 'newbie@example.com');
    const { box: asNope } = await userClient(ctx, 'nope@example.com');
    await asNew.userCollaborations.updateCollaborationById(cNew.id, { requestBody: { status: 'accepted' } });
    await asNope.userCollaborations.updateCollaborationById(cNope.id, { requestBody: { status: 'rejected' } });
    // a collaboration outside the hooked folder is not delivered
    await share(payroll.id, { type: 'user', id: bob.id }, 'viewer');
    await box.userCollaborations.deleteCollaborationById(cBob.id);

    const want = [['COLLABORATION.CREATED', cBob.id], ['COLLABORATION.UPDATED', cBob.id], ['COLLABORATION.CREATED', cNew.id],
      ['COLLABORATION.CREATED', cNope.id], ['COLLABORATION.ACCEPTED', cNew.id], ['COLLABORATION.REJECTED', cNope.id],
      ['COLLABORATION.REMOVED', cBob.id]];
    const got = await rx.waitFor(want.length);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rx.deliveries.length, want.length, 'the Payroll collaboration must not be delivered');
    const payloads = got.map((d) => JSON.parse(d.body));
    assert.deepEqual(payloads.map((p) => [p.trigger, p.source.id]), want);
    const primary = ctx.env.BOX_WEBHOOK_PRIMARY_KEY, secondary = ctx.env.BOX_WEBHOOK_SECONDARY_KEY;
    for (const [i, d] of got.entries()) {
      const p = payloads[i];
      assert.equal(p.type, 'webhook_event');
      assert.equal(p.webhook.id, hook.id);
      assert.equal(p.source.type, 'collaboration');
      assert.equal(await WebhooksManager.validateMessage(d.body, d.headers, primary, { secondaryKey: secondary }), true);
      assert.equal(await WebhooksManager.validateMessage(d.body.replace(p.source.id, '1'), d.headers, primary, { secondaryKey: secondary }), false);
    }
    // the source is the collaboration as it stood after the change
    assert.equal(payloads[0].source.role, 'viewer');
    assert.equal(payloads[0].source.accessible_by.id, bob.id);
    assert.equal(payloads[0].source.item.id, contracts.id);
    assert.equal(payloads[1].source.role, 'editor');
    assert.equal(payloads[2].source.status, 'pending');
    assert.equal(payloads[2].source.invite_email, 'newbie@example.com');
    assert.equal(payloads[4].source.status, 'accepted');
    assert.equal(payloads[4].source.accessible_by.id, newbie.id);
    assert.equal(payloads[4].created_by.id, newbie.id);
    assert.equal(payloads[5].source.status, 'rejected');
    assert.equal(payloads[6].created_by.login, 'admin@twins.example');

    // the owner's stream: every change but the rejection, which adds nobody
    const mine = await box.events.getEvents({ streamPosition: start });
    assert.deepEqual(mine.entries.map((e) => [e.eventType, e.source.name]), [
      ['COLLAB_ADD_COLLABORATOR', 'Contracts'], ['COLLAB_ROLE_CHANGE', 'Contracts'], ['COLLAB_INVITE_COLLABORATOR', 'Contracts'],
      ['COLLAB_INVITE_COLLABORATOR', 'Contracts'], ['COLLAB_ADD_COLLABORATOR', 'Contracts'], ['COLLAB_ADD_COLLABORATOR', 'Payroll'],
      ['COLLAB_REMOVE_COLLABORATOR', 'Contracts']]);
    // removed, Bob no longer sees what happened on Contracts
    assert.deepEqual((await asBob.events.getEvents({ streamPosition: start })).entries.map((e) => [e.eventType, e.source.name]),
      [['COLLAB_ADD_COLLABORATOR', 'Payroll']]);

    // the enterprise log names them COLLABORATION_*, and can be filtered by them
    const logs = await box.events.getEvents({ streamType: 'admin_logs', streamPosition: start });
    assert.deepEqual(logs.rawData.entries.map((e) => [e.event_type, e.source.item_name]), [
      ['COLLABORATION_INVITE', 'Contracts'], ['COLLABORATION_ACCEPT', 'Contracts'], ['COLLABORATION_ROLE_CHANGE', 'Contracts'],
      ['COLLABORATION_INVITE', 'Contracts'], ['COLLABORATION_INVITE', 'Contracts'], ['COLLABORATION_ACCEPT', 'Contracts'],
      ['COLLABORATION_INVITE', 'Payroll'], ['COLLABORATION_ACCEPT', 'Payroll'], ['COLLABORATION_REMOVE', 'Contracts']]);
    assert.equal(logs.rawData.entries[5].created_by.id, newbie.id);
    const accepts = await box.events.getEvents({ streamType: 'admin_logs', streamPosition: start, eventType: ['COLLABORATION_ACCEPT'] });
    assert.equal(accepts.entries.length, 3);
    assert.ok(accepts.entries.every((e) => e.eventType === 'COLLABORATION_ACCEPT'));
  } finally {
    await rx.close();
  }
});

test('pending invitations: offset pages over both invitations naming the user and those sent to their login', async () => {
  const pendingFor = (login) => [{ login, role: 'viewer', status: 'pending' }];
  const ctx = await seeded({
    users: [{ name: 'Bob Builder', login: 'bob@example.com' }],
    folders: [
      { name: 'F1', collaborators: pendingFor('bob@example.com') },
      { name: 'F2', collaborators: pendingFor('robert@example.com') },   // no such user yet: an email invitation
      { name: 'F3', collaborators: pendingFor('bob@example.com') },
      { name: 'F4', collaborators: pendingFor('ROBERT@example.com') },
      { name: 'F5', collaborators: pendingFor('bob@example.com') },
      { name: 'F6', collaborators: [{ login: 'bob@example.com', role: 'viewer' }] },   // accepted: not pending
    ],
  });
  const { box } = ctx;
  const { user: bob, box: asBob } = await userClient(ctx, 'bob@example.com');
  // Bob takes the login the email invitations were sent to
  await box.users.updateUserById(bob.id, { requestBody: { login: 'robert@example.com' } });
  const folders = (await box.folders.getFolderItems('0')).entries;
  const collabOf = async (name) => (await box.listCollaborations.getFolderCollaborations(byName(folders, name).id)).entries[0].id;
  const ids = [];
  for (const name of ['F1', 'F2', 'F3', 'F4', 'F5']) ids.push(await collabOf(name));

  const page = (queryParams) => asBob.listCollaborations.getCollaborations({ status: 'pending', ...queryParams });
  const all = await page({});
  assertSchema('GET', '/2.0/collaborations', all);
  assert.deepEqual(all.entries.map((e) => e.id), ids);
  assert.equal(all.totalCount, 5);
  const p1 = await page({ limit: 2 });
  assert.deepEqual([p1.entries.map((e) => e.id), p1.totalCount, p1.offset, p1.limit], [ids.slice(0, 2), 5, 0, 2]);
  const p2 = await page({ limit: 2, offset: 2 });
  assert.deepEqual([p2.entries.map((e) => e.id), p2.totalCount, p2.offset], [ids.slice(2, 4), 5, 2]);
  const p3 = await page({ limit: 2, offset: 4 });
  assert.deepEqual(p3.entries.map((e) => e.id), ids.slice(4));
  const past = await page({ offset: 10 });
  assert.deepEqual([past.entries.length, past.totalCount], [0, 5]);
  assert.equal((await box.listCollaborations.getCollaborations({ status: 'pending' })).totalCount, 0);

  // answered invitations leave the list
  await asBob.userCollaborations.updateCollaborationById(ids[1], { requestBody: { status: 'accepted' } });
  await asBob.userCollaborations.updateCollaborationById(ids[2], { requestBody: { status: 'rejected' } });
  const left = await page({});
  assert.deepEqual([left.entries.map((e) => e.id), left.totalCount], [[ids[0], ids[3], ids[4]], 3]);
  assert.ok(names((await asBob.folders.getFolderItems('0')).entries).includes('F2'));
  assertBoxError(await rejects(() => page({ offset: -1 })), 400, 'bad_request');
});
