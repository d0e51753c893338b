// Shared drives (drives.*) and shared-drive items through the official SDK:
// requestId idempotency, membership roles, supportsAllDrives visibility,
// corpora, capabilities by role, deleting only empty drives.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, raw, assertSchema, rejects, gerr, stopServer } from './helpers.mjs';

after(stopServer);

const FOLDER = 'application/vnd.google-apps.folder';
const all = { supportsAllDrives: true };

async function newDrive(ctx, name, requestId = `req-${name}-${Math.random()}`) {
  return (await ctx.d.drives.create({ requestId, requestBody: { name }, fields: '*' })).data;
}

async function put(ctx, name, parent, content = 'x') {
  const r = await ctx.d.files.create({ ...all, requestBody: { name, parents: [parent] },
    media: { mimeType: 'text/plain', body: content }, fields: 'id,name,driveId,parents,ownedByMe,owners,capabilities' }, { rootUrl: ctx.base + '/' });
  return r.data;
}

test('drives.create: a drive with its creator as organizer; the same requestId again is 409', async () => {
  const ctx = await newRun();
  const r = await ctx.d.drives.create({ requestId: 'r-1', requestBody: { name: 'Team' } });
  assert.deepEqual(Object.keys(r.data).sort(), ['id', 'kind', 'name']);
  assert.equal(r.data.kind, 'drive#drive');
  assert.equal(r.data.name, 'Team');
  const full = await ctx.d.drives.get({ driveId: r.data.id, fields: '*' });
  assertSchema('GET', '/drive/v3/drives/{driveId}', full.data);
  assert.equal(full.data.hidden, false);
  assert.equal(full.data.capabilities.canManageMembers, true);
  assert.equal(full.data.capabilities.canDeleteDrive, true);
  assert.equal(full.data.restrictions.domainUsersOnly, false);
  const again = gerr(await rejects(() => ctx.d.drives.create({ requestId: 'r-1', requestBody: { name: 'Team' } })));
  assert.equal(again.status, 409);
  assert.equal(again.body.error.errors[0].reason, 'duplicate');
  const noReq = await raw(ctx, 'POST', '/drive/v3/drives', { body: { name: 'x' } });
  assert.equal(noReq.status, 400);
  assert.equal(noReq.json.error.errors[0].reason, 'required');
  assert.equal(noReq.json.error.errors[0].location, 'requestId');
  const members = await ctx.d.permissions.list({ ...all, fileId: r.data.id, fields: '*' });
  assert.equal(members.data.permissions.length, 1);
  assert.equal(members.data.permissions[0].role, 'organizer');
  assert.equal(members.data.permissions[0].permissionDetails[0].permissionType, 'member');
  const missing = gerr(await rejects(() => ctx.d.drives.get({ driveId: '0AnopeUk9PVA' })));
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.errors[0].reason, 'notFound');
  assert.match(missing.body.error.message, /^Shared drive not found: 0AnopeUk9PVA/);
});

test('drives.list: q on name and hidden, pageSize and pageToken; hide and unhide', async () => {
  const ctx = await newRun();
  const names = ['Alpha', 'Beta', 'Gamma', 'Alpha Two'];
  const drives = [];
  for (const n of names) drives.push(await newDrive(ctx, n));
  await ctx.d.drives.hide({ driveId: drives[1].id });
  const hidden = await ctx.d.drives.list({ q: 'hidden = true' });
  assert.deepEqual(hidden.data.drives.map((d) => d.name), ['Beta']);
  const visible = await ctx.d.drives.list({ q: "hidden = false and name contains 'Alpha'", fields: 'drives(name,hidden)' });
  assert.deepEqual(visible.data.drives.map((d) => d.name).sort(), ['Alpha', 'Alpha Two']);
  assert.ok(visible.data.drives.every((d) => d.hidden === false));
  const exact = await ctx.d.drives.list({ q: "name = 'Gamma'" });
  assert.deepEqual(exact.data.drives.map((d) => d.id), [drives[2].id]);
  const unhid = await ctx.d.drives.unhide({ driveId: drives[1].id, fields: 'hidden' });
  assert.equal(unhid.data.hidden, false);
  const seen = [];
  let pageToken;
  do {
    const p = await ctx.d.drives.list({ pageSize: 3, pageToken });
    assert.ok(p.data.drives.length <= 3);
    seen.push(...p.data.drives.map((d) => d.id));
    pageToken = p.data.nextPageToken;
  } while (pageToken);
  assert.deepEqual(seen.sort(), drives.map((d) => d.id).sort());
  const badQ = gerr(await rejects(() => ctx.d.drives.list({ q: "trashed = true" })));
  assert.equal(badQ.status, 400);
  assert.equal(badQ.body.error.errors[0].location, 'q');
  const badSize = gerr(await rejects(() => ctx.d.drives.list({ pageSize: 101 })));
  assert.equal(badSize.status, 400);
});

test('drives.update: name, restrictions and themeId; organizer only; unknown theme is 400', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Old');
  const u = await ctx.d.drives.update({ driveId: d.id, fields: 'name,restrictions,themeId,colorRgb',
    requestBody: { name: 'New', restrictions: { domainUsersOnly: true }, themeId: 'citrus' } });
  assert.equal(u.data.name, 'New');
  assert.equal(u.data.restrictions.domainUsersOnly, true);
  assert.equal(u.data.restrictions.copyRequiresWriterPermission, false);
  assert.equal(u.data.themeId, 'citrus');
  const about = await ctx.d.about.get({ fields: 'driveThemes' });
  assert.equal(about.data.driveThemes.find((t) => t.id === 'citrus').colorRgb, u.data.colorRgb);
  const bad = gerr(await rejects(() => ctx.d.drives.update({ driveId: d.id, requestBody: { themeId: 'nope' } })));
  assert.equal(bad.status, 400);
  assert.equal((await ctx.d.drives.get({ driveId: d.id })).data.name, 'New');
  const hidden = gerr(await rejects(() => ctx.d.drives.update({ driveId: d.id, requestBody: { hidden: true } })));
  assert.equal(hidden.status, 403);
  assert.equal(hidden.body.error.errors[0].reason, 'fieldNotWritable');
});

test('shared-drive items: driveId, no owners; 404 without supportsAllDrives', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Docs');
  const f = await put(ctx, 'plan.txt', d.id, 'plan');
  assert.equal(f.driveId, d.id);
  assert.deepEqual(f.parents, [d.id]);
  assert.equal(f.ownedByMe, false);
  assert.equal(f.owners, undefined);
  const plain = gerr(await rejects(() => ctx.d.files.get({ fileId: f.id })));
  assert.equal(plain.status, 404);
  assert.equal(plain.body.error.errors[0].reason, 'notFound');
  assert.equal(plain.body.error.message, `File not found: ${f.id}.`);
  const noFlag = gerr(await rejects(() => ctx.d.files.create({ requestBody: { name: 'x', parents: [d.id] } })));
  assert.equal(noFlag.status, 404);
  const got = await ctx.d.files.get({ ...all, fileId: f.id, fields: 'id,driveId,teamDriveId,quotaBytesUsed' });
  assert.deepEqual(got.data, { id: f.id, driveId: d.id, teamDriveId: d.id, quotaBytesUsed: '0' });
  const media = await ctx.d.files.get({ ...all, fileId: f.id, alt: 'media' }, { responseType: 'text' });
  assert.equal(media.data, 'plan');
  const root = await ctx.d.files.get({ ...all, fileId: d.id, fields: 'id,name,mimeType,driveId' });
  assert.deepEqual(root.data, { id: d.id, name: 'Docs', mimeType: FOLDER, driveId: d.id });
  // shared-drive bytes are not the user's quota
  const about = await ctx.d.about.get({ fields: 'storageQuota(usage)' });
  assert.equal(about.data.storageQuota.usage, '0');
});

test('files.list: corpora user, drive and allDrives; driveId and includeItemsFromAllDrives rules', async () => {
  const ctx = await newRun();
  const d1 = await newDrive(ctx, 'One');
  const d2 = await newDrive(ctx, 'Two');
  const sub = (await ctx.d.files.create({ ...all, requestBody: { name: 'sub', mimeType: FOLDER, parents: [d1.id] } })).data;
  await put(ctx, 'a.txt', sub.id);
  await put(ctx, 'b.txt', d2.id);
  await ctx.d.files.create({ requestBody: { name: 'mine.txt' } });
  const names = (r) => r.data.files.map((f) => f.name).sort();
  assert.deepEqual(names(await ctx.d.files.list({})), ['mine.txt']);
  assert.deepEqual(names(await ctx.d.files.list({ corpora: 'drive', driveId: d1.id, includeItemsFromAllDrives: true,
    supportsAllDrives: true })), ['a.txt', 'sub']);
  assert.deepEqual(names(await ctx.d.files.list({ corpora: 'allDrives', includeItemsFromAllDrives: true,
    supportsAllDrives: true })), ['a.txt', 'b.txt', 'mine.txt', 'sub']);
  assert.deepEqual(names(await ctx.d.files.list({ includeItemsFromAllDrives: true, supportsAllDrives: true,
    q: `'${d2.id}' in parents` })), ['b.txt']);
  const driveIdOnly = gerr(await rejects(() => ctx.d.files.list({ corpora: 'user', driveId: d1.id,
    includeItemsFromAllDrives: true, supportsAllDrives: true })));
  assert.equal(driveIdOnly.status, 400);
  assert.equal(driveIdOnly.body.error.errors[0].location, 'driveId');
  const noInclude = gerr(await rejects(() => ctx.d.files.list({ corpora: 'drive', driveId: d1.id, supportsAllDrives: true })));
  assert.equal(noInclude.status, 403);
  assert.match(noInclude.body.error.message, /includeItemsFromAllDrives parameter must be set to true/);
  assert.equal(noInclude.body.error.errors[0].location, 'includeItemsFromAllDrives');
  const badCorpora = gerr(await rejects(() => ctx.d.files.list({ corpora: 'everything' })));
  assert.equal(badCorpora.status, 400);
  const unknownDrive = gerr(await rejects(() => ctx.d.files.list({ corpora: 'drive', driveId: '0AzzzUk9PVA',
    includeItemsFromAllDrives: true, supportsAllDrives: true })));
  assert.equal(unknownDrive.status, 404);
});

test('membership: permissions on the drive id; capabilities follow the role; non-members see nothing', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Roles');
  const f = await put(ctx, 'doc.txt', d.id);
  assert.equal(f.capabilities.canDelete, true);
  assert.equal(f.capabilities.canEdit, true);
  const other = await ctx.d.permissions.create({ ...all, fileId: d.id, fields: '*',
    requestBody: { type: 'user', role: 'organizer', emailAddress: 'boss@example.com' } });
  assert.equal(other.data.role, 'organizer');
  const inherited = await ctx.d.permissions.list({ ...all, fileId: f.id, fields: 'permissions(emailAddress,role,permissionDetails)' });
  assert.equal(inherited.data.permissions.length, 2);
  assert.ok(inherited.data.permissions.every((p) => p.permissionDetails[0].inherited === true &&
    p.permissionDetails[0].inheritedFrom === d.id));
  const want = {
    fileOrganizer: { canEdit: true, canDelete: true, canTrash: true, canComment: true, canShare: true },
    writer: { canEdit: true, canDelete: false, canTrash: false, canComment: true, canShare: true },
    commenter: { canEdit: false, canDelete: false, canTrash: false, canComment: true, canShare: false },
    reader: { canEdit: false, canDelete: false, canTrash: false, canComment: false, canShare: false },
  };
  // only organizers manage members: each role gets its own drive, where the
  // user hands organizer to someone else and steps down to that role
  const byRole = {};
  for (const [role, expect] of Object.entries(want)) {
    const rd = await newDrive(ctx, `as ${role}`);
    const rf = await put(ctx, `${role}.txt`, rd.id);
    await ctx.d.permissions.create({ ...all, fileId: rd.id,
      requestBody: { type: 'user', role: 'organizer', emailAddress: 'boss@example.com' } });
    const me = (await ctx.d.permissions.list({ ...all, fileId: rd.id, fields: 'permissions(id,emailAddress)' })).data
      .permissions.find((p) => p.emailAddress !== 'boss@example.com');
    const upd = await ctx.d.permissions.update({ ...all, fileId: rd.id, permissionId: me.id, requestBody: { role } });
    assert.equal(upd.data.role, role);
    const c = (await ctx.d.files.get({ ...all, fileId: rf.id, fields: 'capabilities' })).data.capabilities;
    for (const [k, v] of Object.entries(expect)) assert.equal(c[k], v, `${role} ${k}`);
    const dc = (await ctx.d.drives.get({ driveId: rd.id, fields: 'capabilities' })).data.capabilities;
    assert.equal(dc.canManageMembers, false, role);
    assert.equal(dc.canEdit, role === 'fileOrganizer' || role === 'writer', role);
    const again = gerr(await rejects(() => ctx.d.permissions.update({ ...all, fileId: rd.id, permissionId: me.id,
      requestBody: { role: 'organizer' } })));
    assert.equal(again.status, 403, role);
    byRole[role] = { d: rd, f: rf };
  }
  // a reader cannot add, rename or delete; a writer can add and rename but not trash
  const r = byRole.reader;
  const add = gerr(await rejects(() => ctx.d.files.create({ ...all, requestBody: { name: 'no', parents: [r.d.id] } })));
  assert.equal(add.status, 403);
  assert.equal(add.body.error.errors[0].reason, 'insufficientFilePermissions');
  assert.equal(gerr(await rejects(() => ctx.d.files.update({ ...all, fileId: r.f.id, requestBody: { name: 'no' } }))).status, 403);
  assert.equal(gerr(await rejects(() => ctx.d.files.delete({ ...all, fileId: r.f.id }))).status, 403);
  assert.equal(gerr(await rejects(() => ctx.d.drives.update({ driveId: r.d.id, requestBody: { name: 'no' } }))).status, 403);
  const w = byRole.writer;
  await ctx.d.files.update({ ...all, fileId: w.f.id, requestBody: { name: 'renamed.txt' } });
  await put(ctx, 'added.txt', w.d.id);
  assert.equal(gerr(await rejects(() => ctx.d.files.update({ ...all, fileId: w.f.id, requestBody: { trashed: true } }))).status, 403);
  await ctx.d.files.delete({ ...all, fileId: byRole.fileOrganizer.f.id });
  // an organizer who leaves a drive no longer finds it nor its items
  const d2 = await newDrive(ctx, 'Left');
  const f2 = await put(ctx, 'left.txt', d2.id);
  await ctx.d.permissions.create({ ...all, fileId: d2.id,
    requestBody: { type: 'user', role: 'organizer', emailAddress: 'boss@example.com' } });
  const me2 = (await ctx.d.permissions.list({ ...all, fileId: d2.id, fields: 'permissions(id,emailAddress)' })).data
    .permissions.find((p) => p.emailAddress !== 'boss@example.com');
  await ctx.d.permissions.delete({ ...all, fileId: d2.id, permissionId: me2.id });
  assert.equal(gerr(await rejects(() => ctx.d.drives.get({ driveId: d2.id }))).status, 404);
  assert.equal(gerr(await rejects(() => ctx.d.files.get({ ...all, fileId: f2.id }))).status, 404);
  const listed = (await ctx.d.drives.list({})).data.drives.map((x) => x.id);
  assert.ok(listed.includes(d.id) && !listed.includes(d2.id));
  // a domain administrator still sees it
  const adminList = await ctx.d.drives.list({ useDomainAdminAccess: true });
  assert.ok(adminList.data.drives.some((x) => x.id === d2.id));
  const asAdmin = await ctx.d.drives.get({ driveId: d2.id, useDomainAdminAccess: true, fields: 'name,capabilities' });
  assert.equal(asAdmin.data.name, 'Left');
});

test('drives.delete: only an empty drive; trash and emptyTrash with driveId empty it', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Temp');
  const f = await put(ctx, 'tmp.txt', d.id);
  const full = gerr(await rejects(() => ctx.d.drives.delete({ driveId: d.id })));
  assert.equal(full.status, 403);
  assert.equal(full.body.error.errors[0].reason, 'cannotDeleteResourceWithChildren');
  await ctx.d.files.update({ ...all, fileId: f.id, requestBody: { trashed: true } });
  assert.equal(gerr(await rejects(() => ctx.d.drives.delete({ driveId: d.id }))).status, 403);
  const mine = (await ctx.d.files.create({ requestBody: { name: 'keep.txt', trashed: false } })).data;
  await ctx.d.files.update({ fileId: mine.id, requestBody: { trashed: true } });
  await ctx.d.files.emptyTrash({ driveId: d.id });
  assert.equal(gerr(await rejects(() => ctx.d.files.get({ ...all, fileId: f.id }))).status, 404);
  assert.equal((await ctx.d.files.get({ fileId: mine.id, fields: 'trashed' })).data.trashed, true);
  const del = await ctx.d.drives.delete({ driveId: d.id });
  assert.equal(del.status, 204);
  assert.equal(gerr(await rejects(() => ctx.d.drives.get({ driveId: d.id }))).status, 404);
  // admin deletion with allowItemDeletion takes the items along
  const d2 = await newDrive(ctx, 'Full');
  const g = await put(ctx, 'g.txt', d2.id);
  const notAdmin = gerr(await rejects(() => ctx.d.drives.delete({ driveId: d2.id, allowItemDeletion: true })));
  assert.equal(notAdmin.status, 400);
  assert.equal(notAdmin.body.error.errors[0].location, 'allowItemDeletion');
  await ctx.d.drives.delete({ driveId: d2.id, useDomainAdminAccess: true, allowItemDeletion: true });
  assert.equal(gerr(await rejects(() => ctx.d.files.get({ ...all, fileId: g.id }))).status, 404);
});

test('changes.getStartPageToken with driveId needs supportsAllDrives and a drive the user is in', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Changes');
  const t = await ctx.d.changes.getStartPageToken({ driveId: d.id, supportsAllDrives: true });
  assert.match(t.data.startPageToken, /^\d+$/);
  const noFlag = gerr(await rejects(() => ctx.d.changes.getStartPageToken({ driveId: d.id })));
  assert.equal(noFlag.status, 403);
  const unknown = gerr(await rejects(() => ctx.d.changes.getStartPageToken({ driveId: '0AxUk9PVA', supportsAllDrives: true })));
  assert.equal(unknown.status, 404);
});

test('moving between My Drive and a shared drive with addParents/removeParents carries the subtree', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Dest');
  const dir = (await ctx.d.files.create({ requestBody: { name: 'proj', mimeType: FOLDER } })).data;
  const inner = (await ctx.d.files.create({ requestBody: { name: 'inner.txt', parents: [dir.id] } })).data;
  const root = (await ctx.d.files.get({ fileId: 'root', fields: 'id' })).data.id;
  const noFlag = gerr(await rejects(() => ctx.d.files.update({ fileId: dir.id, addParents: d.id, removeParents: root,
    requestBody: {} })));
  assert.equal(noFlag.status, 404);
  const moved = await ctx.d.files.update({ ...all, fileId: dir.id, addParents: d.id, removeParents: root,
    requestBody: {}, fields: 'driveId,parents,ownedByMe' });
  assert.deepEqual(moved.data, { driveId: d.id, parents: [d.id], ownedByMe: false });
  const child = await ctx.d.files.get({ ...all, fileId: inner.id, fields: 'driveId,owners' });
  assert.deepEqual(child.data, { driveId: d.id });
  assert.equal(gerr(await rejects(() => ctx.d.files.get({ fileId: inner.id }))).status, 404);
  const perms = await ctx.d.permissions.list({ ...all, fileId: inner.id, fields: 'permissions(role,permissionDetails)' });
  assert.ok(perms.data.permissions.every((p) => p.role !== 'owner'));
  const inDrive = await ctx.d.files.list({ corpora: 'drive', driveId: d.id, includeItemsFromAllDrives: true,
    supportsAllDrives: true, orderBy: 'name' });
  assert.deepEqual(inDrive.data.files.map((f) => f.name), ['inner.txt', 'proj']);
  // and back out: the mover owns it again
  const back = await ctx.d.files.update({ ...all, fileId: dir.id, addParents: root, removeParents: d.id,
    requestBody: {}, fields: 'driveId,ownedByMe,owners(me)' });
  assert.equal(back.data.driveId, undefined);
  assert.equal(back.data.ownedByMe, true);
  assert.deepEqual(back.data.owners, [{ me: true }]);
  assert.equal((await ctx.d.files.get({ fileId: inner.id, fields: 'ownedByMe' })).data.ownedByMe, true);
});

test('changes.list: driveId lists that drive\'s changes; shared-drive items need includeItemsFromAllDrives', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Feed');
  const start = (await ctx.d.changes.getStartPageToken({})).data.startPageToken;
  const f = await put(ctx, 'in-drive.txt', d.id);
  const mine = (await ctx.d.files.create({ requestBody: { name: 'mine.txt' } })).data;
  const ids = (r) => r.data.changes.map((c) => c.fileId).sort();
  assert.deepEqual(ids(await ctx.d.changes.list({ pageToken: start })), [mine.id]);
  assert.deepEqual(ids(await ctx.d.changes.list({ pageToken: start, driveId: d.id, supportsAllDrives: true })), [f.id]);
  assert.deepEqual(ids(await ctx.d.changes.list({ pageToken: start, supportsAllDrives: true,
    includeItemsFromAllDrives: true })), [f.id, mine.id].sort());
  await ctx.d.files.delete({ ...all, fileId: f.id });
  const removed = await ctx.d.changes.list({ pageToken: start, driveId: d.id, supportsAllDrives: true });
  assert.deepEqual(removed.data.changes.map((c) => [c.fileId, c.removed]), [[f.id, true]]);
  const noFlag = gerr(await rejects(() => ctx.d.changes.list({ pageToken: start, driveId: d.id })));
  assert.equal(noFlag.status, 403);
});

test('comments on shared-drive items take a commenter; a reader gets 403', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Talk');
  const f = await put(ctx, 'talk.txt', d.id);
  const c = await ctx.d.comments.create({ ...all, fileId: f.id, fields: 'id,content', requestBody: { content: 'hi' } });
  assert.equal(c.data.content, 'hi');
  await ctx.d.permissions.create({ ...all, fileId: d.id,
    requestBody: { type: 'user', role: 'organizer', emailAddress: 'boss@example.com' } });
  const me = (await ctx.d.permissions.list({ ...all, fileId: d.id, fields: 'permissions(id,emailAddress)' })).data
    .permissions.find((p) => p.emailAddress !== 'boss@example.com');
  await ctx.d.permissions.update({ ...all, fileId: d.id, permissionId: me.id, requestBody: { role: 'reader' } });
  const denied = gerr(await rejects(() => ctx.d.comments.create({ ...all, fileId: f.id, fields: 'id',
    requestBody: { content: 'no' } })));
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error.errors[0].reason, 'insufficientFilePermissions');
  const list = await ctx.d.comments.list({ ...all, fileId: f.id, fields: 'comments(content)' });
  assert.deepEqual(list.data.comments, [{ content: 'hi' }]);
});

test('teamdrives.* (deprecated) serve the same drives in the TeamDrive shape', async () => {
  const ctx = await newRun();
  const t = await ctx.d.teamdrives.create({ requestId: 'team-1', requestBody: { name: 'Legacy' }, fields: '*' });
  assertSchema('POST', '/drive/v3/teamdrives', t.data);
  assert.equal(t.data.kind, 'drive#teamDrive');
  assert.equal(t.data.capabilities.canDeleteTeamDrive, true);
  assert.equal(t.data.capabilities.canDeleteDrive, undefined);
  assert.equal(t.data.restrictions.teamMembersOnly, false);
  assert.equal(t.data.hidden, undefined);
  const asDrive = await ctx.d.drives.get({ driveId: t.data.id, fields: 'kind,name' });
  assert.deepEqual(asDrive.data, { kind: 'drive#drive', name: 'Legacy' });
  const u = await ctx.d.teamdrives.update({ teamDriveId: t.data.id, fields: 'name,restrictions(teamMembersOnly)',
    requestBody: { name: 'Legacy 2', restrictions: { teamMembersOnly: true } } });
  assert.deepEqual(u.data, { name: 'Legacy 2', restrictions: { teamMembersOnly: true } });
  const list = await ctx.d.teamdrives.list({});
  assert.equal(list.data.kind, 'drive#teamDriveList');
  assert.deepEqual(list.data.teamDrives.map((x) => x.name), ['Legacy 2']);
  const wrongField = gerr(await rejects(() => ctx.d.teamdrives.get({ teamDriveId: t.data.id, fields: 'hidden' })));
  assert.equal(wrongField.status, 400);
  await ctx.d.teamdrives.delete({ teamDriveId: t.data.id });
  assert.equal(gerr(await rejects(() => ctx.d.teamdrives.get({ teamDriveId: t.data.id }))).status, 404);
});

test('shared-drive ids stay taken for requests that cannot see them; copies need a writer where they land', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Ids');
  const f = await put(ctx, 'taken.txt', d.id, 'keep me');
  const dup = gerr(await rejects(() => ctx.d.files.create({ requestBody: { id: f.id, name: 'clash' } })));
  assert.equal(dup.status, 409);
  const dupDrive = gerr(await rejects(() => ctx.d.files.create({ requestBody: { id: d.id, name: 'clash' } })));
  assert.equal(dupDrive.status, 409);
  assert.equal((await ctx.d.files.get({ ...all, fileId: f.id, fields: 'name' })).data.name, 'taken.txt');
  const copy = await ctx.d.files.copy({ ...all, fileId: f.id, requestBody: {}, fields: 'name,driveId,parents' });
  assert.deepEqual(copy.data, { name: 'Copy of taken.txt', driveId: d.id, parents: [d.id] });
  const root = (await ctx.d.files.get({ fileId: 'root', fields: 'id' })).data.id;
  const out = await ctx.d.files.copy({ ...all, fileId: f.id, requestBody: { parents: [root] }, fields: 'driveId,ownedByMe' });
  assert.deepEqual(out.data, { ownedByMe: true });
  await ctx.d.permissions.create({ ...all, fileId: d.id,
    requestBody: { type: 'user', role: 'organizer', emailAddress: 'boss@example.com' } });
  const me = (await ctx.d.permissions.list({ ...all, fileId: d.id, fields: 'permissions(id,emailAddress)' })).data
    .permissions.find((p) => p.emailAddress !== 'boss@example.com');
  await ctx.d.permissions.update({ ...all, fileId: d.id, permissionId: me.id, requestBody: { role: 'commenter' } });
  const denied = gerr(await rejects(() => ctx.d.files.copy({ ...all, fileId: f.id, requestBody: {} })));
  assert.equal(denied.status, 403);
  const mine = await ctx.d.files.copy({ ...all, fileId: f.id, requestBody: { parents: [root] }, fields: 'ownedByMe' });
  assert.equal(mine.data.ownedByMe, true);
});

test('useDomainAdminAccess: an administrator outside a drive manages its members', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Admin');
  await ctx.d.permissions.create({ ...all, fileId: d.id,
    requestBody: { type: 'user', role: 'organizer', emailAddress: 'boss@example.com' } });
  const me = (await ctx.d.permissions.list({ ...all, fileId: d.id, fields: 'permissions(id,emailAddress)' })).data
    .permissions.find((p) => p.emailAddress !== 'boss@example.com');
  await ctx.d.permissions.delete({ ...all, fileId: d.id, permissionId: me.id });
  assert.equal(gerr(await rejects(() => ctx.d.permissions.list({ ...all, fileId: d.id }))).status, 404);
  const asAdmin = await ctx.d.permissions.list({ ...all, fileId: d.id, useDomainAdminAccess: true,
    fields: 'permissions(emailAddress,role)' });
  assert.deepEqual(asAdmin.data.permissions, [{ emailAddress: 'boss@example.com', role: 'organizer' }]);
  await ctx.d.permissions.create({ ...all, fileId: d.id, useDomainAdminAccess: true,
    requestBody: { type: 'user', role: 'writer', emailAddress: 'new@example.com' } });
  const after = await ctx.d.permissions.list({ ...all, fileId: d.id, useDomainAdminAccess: true, fields: 'permissions(role)' });
  assert.deepEqual(after.data.permissions.map((p) => p.role).sort(), ['organizer', 'writer']);
  const caps = await ctx.d.drives.get({ driveId: d.id, useDomainAdminAccess: true, fields: 'capabilities(canManageMembers)' });
  assert.equal(caps.data.capabilities.canManageMembers, true);
});

test('restrictions.copyRequiresWriterPermission: readers and commenters cannot copy or download', async () => {
  const ctx = await newRun();
  const d = await newDrive(ctx, 'Locked');
  const f = await put(ctx, 'secret.txt', d.id, 'secret');
  await ctx.d.drives.update({ driveId: d.id, requestBody: { restrictions: { copyRequiresWriterPermission: true } } });
  // an organizer still may
  const own = await ctx.d.files.get({ ...all, fileId: f.id, fields: 'capabilities(canCopy,canDownload)' });
  assert.deepEqual(own.data.capabilities, { canCopy: true, canDownload: true });
  await ctx.d.permissions.create({ ...all, fileId: d.id,
    requestBody: { type: 'user', role: 'organizer', emailAddress: 'boss@example.com' } });
  const me = (await ctx.d.permissions.list({ ...all, fileId: d.id, fields: 'permissions(id,emailAddress)' })).data
    .permissions.find((p) => p.emailAddress !== 'boss@example.com');
  await ctx.d.permissions.update({ ...all, fileId: d.id, permissionId: me.id, requestBody: { role: 'reader' } });
  const caps = await ctx.d.files.get({ ...all, fileId: f.id, fields: 'capabilities(canCopy,canDownload)' });
  assert.deepEqual(caps.data.capabilities, { canCopy: false, canDownload: false });
  const dl = gerr(await rejects(() => ctx.d.files.get({ ...all, fileId: f.id, alt: 'media' })));
  assert.equal(dl.status, 403);
  assert.equal(dl.body.error.errors[0].reason, 'cannotDownloadFile');
  const root = (await ctx.d.files.get({ fileId: 'root', fields: 'id' })).data.id;
  const cp = gerr(await rejects(() => ctx.d.files.copy({ ...all, fileId: f.id, requestBody: { parents: [root] } })));
  assert.equal(cp.status, 403);
  assert.equal(cp.body.error.errors[0].reason, 'cannotCopyFile');
  // metadata stays readable
  assert.equal((await ctx.d.files.get({ ...all, fileId: f.id, fields: 'name' })).data.name, 'secret.txt');
});

async function seededRun(ctx0, seed, name = 'drive seed') {
  const mk = await fetch(`${ctx0.controlUrl}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, twins: ['google_drive'], seed_config: { google_drive: seed } }) });
  const body = await mk.json();
  return { status: mk.status, body };
}

const DRIVE_SEED = {
  drives: [
    { name: 'Engineering', members: [{ email: 'nadia@team.example', role: 'writer' }, { email: 'omar@team.example', role: 'reader' }],
      restrictions: { copyRequiresWriterPermission: true },
      files: [{ name: 'README.md', content: '# eng', mime_type: 'text/markdown' },
        { name: 'Specs', files: [{ name: 'api.txt', content: 'v1' }, { name: 'Drafts', files: [{ name: 'wip.txt', content: 'w' }] }] }] },
    { name: 'Archive', hidden: true, members: [{ email: 'twin.user@example.com', role: 'reader' }] },
  ],
};

test('seeding shared drives: members, nested items, hidden and restrictions; same ids each run; reset restores them', async () => {
  const ctx0 = await newRun();
  const sc = await seededRun(ctx0, DRIVE_SEED);
  assert.equal(sc.status, 201, JSON.stringify(sc.body));
  const one = await newRun({ scenario_id: sc.body.id });
  const two = await newRun({ scenario_id: sc.body.id });
  assert.deepEqual(one.run.seed_results.google_drive,
    { status: 'seeded', drives: 2, folders: 2, files: 3, permissions: 4, bytes: 8 });
  const listDrives = async (ctx) => (await ctx.d.drives.list({ fields: 'drives(id,name,hidden,restrictions,capabilities(canManageMembers))' })).data.drives;
  const [d1, d2] = [await listDrives(one), await listDrives(two)];
  assert.deepEqual(d1, d2);
  const eng = d1.find((d) => d.name === 'Engineering');
  const arch = d1.find((d) => d.name === 'Archive');
  assert.equal(eng.hidden, false);
  assert.equal(eng.restrictions.copyRequiresWriterPermission, true);
  assert.equal(eng.capabilities.canManageMembers, true);           // the seeded user organizes it
  assert.equal(arch.hidden, true);
  assert.equal(arch.capabilities.canManageMembers, false);         // seeded as a reader
  const members = await one.d.permissions.list({ ...all, fileId: eng.id, fields: 'permissions(emailAddress,role)' });
  assert.deepEqual(members.data.permissions.map((p) => `${p.emailAddress}:${p.role}`).sort(),
    ['nadia@team.example:writer', 'omar@team.example:reader', 'twin.user@example.com:organizer']);
  const items = await one.d.files.list({ ...all, corpora: 'drive', driveId: eng.id, includeItemsFromAllDrives: true,
    orderBy: 'name', fields: 'files(id,name,mimeType,driveId,parents)' });
  assert.deepEqual(items.data.files.map((f) => f.name).sort(), ['Drafts', 'README.md', 'Specs', 'api.txt', 'wip.txt']);
  assert.ok(items.data.files.every((f) => f.driveId === eng.id));
  const byName = Object.fromEntries(items.data.files.map((f) => [f.name, f]));
  assert.equal(byName.Specs.mimeType, FOLDER);
  assert.deepEqual(byName.Specs.parents, [eng.id]);
  assert.deepEqual(byName.Drafts.parents, [byName.Specs.id]);
  assert.deepEqual(byName['wip.txt'].parents, [byName.Drafts.id]);
  const txt = await one.d.files.get({ ...all, fileId: byName['api.txt'].id, alt: 'media' }, { responseType: 'text' });
  assert.equal(txt.data, 'v1');
  // without supportsAllDrives the drive's items stay out of My Drive listings
  const mine = await one.d.files.list({ fields: 'files(name)' });
  assert.equal(mine.data.files.length, 0);
  // changes made after seeding go away on reset; the seeded drives come back
  const refused = gerr(await rejects(() => one.d.drives.delete({ driveId: arch.id })));
  assert.equal(refused.status, 403);                                 // a reader cannot delete it
  await one.d.drives.update({ driveId: eng.id, requestBody: { name: 'Renamed' } });
  await one.d.drives.create({ requestId: 'after-seed', requestBody: { name: 'Extra' } });
  await one.d.files.delete({ ...all, fileId: byName['README.md'].id });
  const reset = await fetch(`${one.controlUrl}/twin-runs/${one.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  assert.deepEqual(await listDrives(one), d1);
  const again = await one.d.files.list({ ...all, corpora: 'drive', driveId: eng.id, includeItemsFromAllDrives: true,
    orderBy: 'name', fields: 'files(id,name)' });
  assert.deepEqual(again.data.files.map((f) => f.id), items.data.files.map((f) => f.id));
});

test('seeding shared drives: a bad shape is refused with the field path', async () => {
  const ctx0 = await newRun();
  const cases = [
    [{ drives: [{ members: [] }] }, /google_drive\.drives\[0\]\.name/],
    [{ drives: [{ name: 'X', members: [{ email: 'a@b.c', role: 'owner' }] }] }, /google_drive\.drives\[0\]\.members\[0\]\.role/],
    [{ drives: [{ name: 'X', files: [{ name: 'F', files: [{ content: 'x' }] }] }] }, /google_drive\.drives\[0\]\.files\[0\]\.files\[0\]\.name/],
    [{ drives: [{ name: 'X', restrictions: { copyRequiresWriterPermission: 'yes' } }] }, /google_drive\.drives\[0\]\.restrictions\.copyRequiresWriterPermission/],
  ];
  for (const [seed, path] of cases) {
    const r = await seededRun(ctx0, seed, 'bad drive seed');
    assert.equal(r.status, 400, JSON.stringify(seed));
    assert.match(r.body.detail, path);
  }
});

test('changes.list reports shared drive changes (changeType drive) to callers including all drives', async () => {
  const ctx = await newRun();
  const start = (await ctx.d.changes.getStartPageToken({})).data.startPageToken;
  const a = await newDrive(ctx, 'Alpha');
  const b = await newDrive(ctx, 'Beta');
  await ctx.d.drives.update({ driveId: a.id, requestBody: { name: 'Alpha 2' } });
  await ctx.d.drives.hide({ driveId: a.id });
  await ctx.d.drives.delete({ driveId: b.id });
  const fields = 'changes(changeType,driveId,removed,fileId,drive(id,name,hidden)),newStartPageToken';
  const all2 = await ctx.d.changes.list({ pageToken: start, ...all, includeItemsFromAllDrives: true, fields });
  assert.deepEqual(all2.data.changes, [
    { changeType: 'drive', driveId: a.id, removed: false, drive: { id: a.id, name: 'Alpha 2', hidden: true } },
    { changeType: 'drive', driveId: b.id, removed: true },
  ]);
  // default fields carry the drive too
  const dflt = await ctx.d.changes.list({ pageToken: start, ...all, includeItemsFromAllDrives: true });
  assert.equal(dflt.data.changes[0].drive.kind, 'drive#drive');
  assert.equal(dflt.data.changes[0].drive.name, 'Alpha 2');
  const noRemoved = await ctx.d.changes.list({ pageToken: start, ...all, includeItemsFromAllDrives: true, includeRemoved: false, fields });
  assert.deepEqual(noRemoved.data.changes.map((c) => c.driveId), [a.id]);
  // without includeItemsFromAllDrives, or for one drive's log, no drive changes
  const appData = await ctx.d.changes.list({ pageToken: start, ...all, includeItemsFromAllDrives: true, spaces: 'appDataFolder', fields });
  assert.deepEqual(appData.data.changes, []);
  const plain = await ctx.d.changes.list({ pageToken: start, fields });
  assert.deepEqual(plain.data.changes, []);
  const oneDrive = await ctx.d.changes.list({ pageToken: start, ...all, driveId: a.id, fields });
  assert.deepEqual(oneDrive.data.changes, []);
  // a non-member sees nothing of a drive it does not belong to
  const other = await ctx.d.drives.create({ requestId: 'r-other', requestBody: { name: 'Other' } });
  const me = (await ctx.d.permissions.list({ ...all, fileId: other.data.id, fields: 'permissions(id)' })).data.permissions[0];
  const tok = all2.data.newStartPageToken;
  await ctx.d.permissions.create({ ...all, fileId: other.data.id, requestBody: { type: 'user', role: 'organizer', emailAddress: 'nadia@team.example' } });
  await ctx.d.permissions.delete({ ...all, fileId: other.data.id, permissionId: me.id });
  const after2 = await ctx.d.changes.list({ pageToken: tok, ...all, includeItemsFromAllDrives: true, fields });
  assert.deepEqual(after2.data.changes, []);
});

test('drives.list: q on memberCount and organizerCount for a domain administrator', async () => {
  const ctx = await newRun();
  const solo = await newDrive(ctx, 'Solo');
  const team = await newDrive(ctx, 'Team');
  for (const [email, role] of [['nadia@team.example', 'writer'], ['omar@team.example', 'organizer']])
    await ctx.d.permissions.create({ ...all, fileId: team.id, requestBody: { type: 'user', role, emailAddress: email } });
  const names = async (q) => (await ctx.d.drives.list({ q, useDomainAdminAccess: true })).data.drives.map((d) => d.name).sort();
  assert.deepEqual(await names('memberCount >= 3'), ['Team']);
  assert.deepEqual(await names('memberCount = 1'), ['Solo']);
  assert.deepEqual(await names('organizerCount > 1'), ['Team']);
  assert.deepEqual(await names("organizerCount != 2 and name contains 'So'"), ['Solo']);
  assert.deepEqual(await names('memberCount < 1'), []);
  assert.equal(solo.name, 'Solo');
  // a member's own query may not count members, and counts are numbers
  for (const [q, admin] of [['memberCount > 1', false], ["memberCount > '1'", true], ['memberCount contains 1', true],
    ['name = 3', true]]) {
    const e = gerr(await rejects(() => ctx.d.drives.list({ q, useDomainAdminAccess: admin })));
    assert.equal(e.status, 400, q);
    assert.equal(e.body.error.errors[0].location, 'q');
  }
  const filesQ = gerr(await rejects(() => ctx.d.files.list({ q: 'memberCount > 1' })));
  assert.equal(filesQ.status, 400);
});

test('every refusal for want of a role is the same 403 insufficientFilePermissions body', async () => {
  const ctx = await newRun();
  // a drive where the user steps down to reader, one where they are a writer
  const asRole = async (name, role) => {
    const rd = await newDrive(ctx, name);
    const rf = await put(ctx, `${name}.txt`, rd.id);
    await ctx.d.permissions.create({ ...all, fileId: rd.id,
      requestBody: { type: 'user', role: 'organizer', emailAddress: 'boss@example.com' } });
    const me = (await ctx.d.permissions.list({ ...all, fileId: rd.id, fields: 'permissions(id,emailAddress)' })).data
      .permissions.find((p) => p.emailAddress !== 'boss@example.com');
    await ctx.d.permissions.update({ ...all, fileId: rd.id, permissionId: me.id, requestBody: { role } });
    return { d: rd, f: rf };
  };
  const r = await asRole('read', 'reader');
  const w = await asRole('write', 'writer');
  const mine = await ctx.d.drives.create({ requestId: 'own', requestBody: { name: 'own' } });
  const root = (await ctx.d.files.get({ fileId: 'root', fields: 'id' })).data.id;
  const expected = { error: { code: 403, message: 'The user does not have sufficient permissions for this file.',
    errors: [{ message: 'The user does not have sufficient permissions for this file.', domain: 'global',
      reason: 'insufficientFilePermissions' }] } };
  const refusals = {
    'files.create (reader)': () => ctx.d.files.create({ ...all, requestBody: { name: 'no', parents: [r.d.id] } }),
    'files.update (reader)': () => ctx.d.files.update({ ...all, fileId: r.f.id, requestBody: { name: 'no' } }),
    'files.update trash (writer)': () => ctx.d.files.update({ ...all, fileId: w.f.id, requestBody: { trashed: true } }),
    'files.update move out (writer)': () => ctx.d.files.update({ ...all, fileId: w.f.id, addParents: root,
      removeParents: w.d.id, requestBody: {} }),
    'files.update drive root': () => ctx.d.files.update({ ...all, fileId: mine.data.id, requestBody: { name: 'no' } }),
    'files.delete (writer)': () => ctx.d.files.delete({ ...all, fileId: w.f.id }),
    'files.delete drive root': () => ctx.d.files.delete({ ...all, fileId: mine.data.id }),
    'files.emptyTrash (writer)': () => ctx.d.files.emptyTrash({ driveId: w.d.id }),
    'files.modifyLabels (reader)': () => ctx.d.files.modifyLabels({ ...all, fileId: r.f.id, requestBody: { labelModifications: [] } }),
    'files.modifyLabels drive root': () => ctx.d.files.modifyLabels({ ...all, fileId: mine.data.id, requestBody: { labelModifications: [] } }),
    'permissions.create (reader)': () => ctx.d.permissions.create({ ...all, fileId: r.f.id,
      requestBody: { type: 'user', role: 'reader', emailAddress: 'x@example.com' } }),
    'permissions.create on the drive (writer)': () => ctx.d.permissions.create({ ...all, fileId: w.d.id,
      requestBody: { type: 'user', role: 'reader', emailAddress: 'x@example.com' } }),
    'comments.create (reader)': () => ctx.d.comments.create({ ...all, fileId: r.f.id, fields: 'id', requestBody: { content: 'no' } }),
    'drives.update (reader)': () => ctx.d.drives.update({ driveId: r.d.id, requestBody: { name: 'no' } }),
  };
  for (const [what, call] of Object.entries(refusals)) {
    const e = gerr(await rejects(call));
    assert.equal(e.status, 403, what);
    assert.deepEqual(e.body, expected, what);
  }
});

test('files.list, changes.list and drives.list give each drive\'s items the caller\'s role in that drive, as files.get and drives.get do', async () => {
  const ctx = await newRun();
  const start = (await ctx.d.changes.getStartPageToken({})).data.startPageToken;
  const roles = ['organizer', 'writer', 'commenter', 'reader'];
  const items = [];
  for (const role of roles) {
    const rd = await newDrive(ctx, `as-${role}`);
    // readers and commenters of a copy-restricted drive may not copy or download
    await ctx.d.drives.update({ driveId: rd.id, requestBody: { restrictions: { copyRequiresWriterPermission: role !== 'writer' } } });
    for (const n of ['a', 'b']) items.push((await put(ctx, `${role}-${n}.txt`, rd.id)).id);
    if (role === 'organizer') continue;
    await ctx.d.permissions.create({ ...all, fileId: rd.id,
      requestBody: { type: 'user', role: 'organizer', emailAddress: 'boss@example.com' } });
    const me = (await ctx.d.permissions.list({ ...all, fileId: rd.id, fields: 'permissions(id,emailAddress)' })).data
      .permissions.find((p) => p.emailAddress !== 'boss@example.com');
    await ctx.d.permissions.update({ ...all, fileId: rd.id, permissionId: me.id, requestBody: { role } });
  }
  const fields = 'id,name,driveId,capabilities,permissionIds';
  const got = {};
  for (const id of items) got[id] = (await ctx.d.files.get({ ...all, fileId: id, fields })).data;
  const listed = (await ctx.d.files.list({ ...all, corpora: 'allDrives', includeItemsFromAllDrives: true,
    fields: `files(${fields})` })).data.files;
  assert.deepEqual(listed.map((f) => f.id).sort(), [...items].sort());
  for (const f of listed) assert.deepEqual(f, got[f.id], f.name);
  const caps = Object.fromEntries(listed.map((f) => [f.name, f.capabilities]));
  assert.equal(caps['reader-a.txt'].canEdit, false);
  assert.equal(caps['reader-b.txt'].canDownload, false);
  assert.equal(caps['commenter-a.txt'].canComment, true);
  assert.equal(caps['writer-a.txt'].canEdit, true);
  assert.equal(caps['writer-a.txt'].canDownload, true);
  assert.equal(caps['organizer-b.txt'].canDelete, true);
  assert.equal(caps['organizer-b.txt'].canDownload, true);

  const changes = (await ctx.d.changes.list({ pageToken: start, ...all, includeItemsFromAllDrives: true,
    fields: `changes(fileId,changeType,file(${fields}),driveId,drive(id,name,capabilities))` })).data.changes;
  const fileChanges = changes.filter((c) => c.changeType === 'file');
  assert.deepEqual(fileChanges.map((c) => c.fileId).sort(), [...items].sort());
  for (const c of fileChanges) assert.deepEqual(c.file, got[c.fileId], c.fileId);
  for (const c of changes.filter((x) => x.changeType === 'drive')) {
    const d = (await ctx.d.drives.get({ driveId: c.driveId, fields: 'id,name,capabilities' })).data;
    assert.deepEqual(c.drive, d, c.driveId);
  }
  const drives = (await ctx.d.drives.list({ fields: 'drives(id,name,capabilities)' })).data.drives;
  assert.equal(drives.length, roles.length);
  for (const d of drives)
    assert.deepEqual(d, (await ctx.d.drives.get({ driveId: d.id, fields: 'id,name,capabilities' })).data, d.name);
});
