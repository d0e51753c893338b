// Dropbox twin conformance: shared folders (sharing/share_folder and the
// folder membership routes) through the official `dropbox` SDK (10.34.0).
// The twin holds one user, the account, who owns what it shares; members are
// the seeded team accounts (users) or other addresses (invitees).  Results are
// validated against the Stone shapes summarised in src/twins/dropbox/api.json.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, assertDbxError, assertSchema, newRun, raw, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const SEED = {
  account: { name: 'Ada Lovelace', email: 'ada@example.com' },
  folders: [{ name: 'Projects', files: [{ name: 'plan.md', content: 'plan' }], folders: [{ name: 'Archive' }] }, { name: 'Photos' }],
  files: [{ path: '/README.txt', content: 'hello' }],
  members: [{ name: 'Grace Hopper', email: 'grace@example.com' }, { name: 'Alan Turing', email: 'alan@example.com' }],
};

async function seeded() {
  const ctx = await newRun();
  const r = await admin(ctx, 'PUT', '/admin/config', { seed: SEED });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return ctx;
}

async function share(dbx, path, extra = {}) {
  const r = (await dbx.sharingShareFolder({ path, ...extra })).result;
  assertSchema('sharing/share_folder', r);
  return r;
}

const members = async (dbx, id) => {
  const r = (await dbx.sharingListFolderMembers({ shared_folder_id: id })).result;
  assertSchema('sharing/list_folder_members', r);
  return r;
};

test('share_folder: the folder becomes shared (complete at once), its metadata gains sharing_info, get_folder_metadata and list_folders see it', async () => {
  const { dbx } = await seeded();
  const me = (await dbx.usersGetCurrentAccount()).result;
  const sf = await share(dbx, '/Projects', { acl_update_policy: 'editors', shared_link_policy: 'members' });
  assert.equal(sf['.tag'], 'complete');
  assert.match(sf.shared_folder_id, /^[0-9]+$/);
  assert.equal(sf.name, 'Projects');
  assert.equal(sf.path_lower, '/projects');
  assert.equal(sf.access_type['.tag'], 'owner');
  assert.equal(sf.policy.acl_update_policy['.tag'], 'editors');
  assert.equal(sf.policy.shared_link_policy['.tag'], 'members');
  assert.equal(sf.policy.member_policy['.tag'], 'anyone');
  assert.deepEqual(sf.owner_display_names, [me.name.display_name]);

  const meta = (await dbx.filesGetMetadata({ path: '/Projects' })).result;
  assertSchema('files/get_metadata', meta);
  assert.equal(sf.folder_id, meta.id);
  assert.equal(meta.shared_folder_id, sf.shared_folder_id);
  assert.deepEqual(meta.sharing_info, { read_only: false, shared_folder_id: sf.shared_folder_id, traverse_only: false, no_access: false });
  const listed = (await dbx.filesListFolder({ path: '' })).result.entries;
  assert.equal(listed.find((e) => e.name === 'Projects').sharing_info.shared_folder_id, sf.shared_folder_id);
  assert.equal(listed.find((e) => e.name === 'Photos').sharing_info, undefined);

  const got = (await dbx.sharingGetFolderMetadata({ shared_folder_id: sf.shared_folder_id })).result;
  assertSchema('sharing/get_folder_metadata', got);
  const { '.tag': _tag, ...expected } = sf;
  assert.deepEqual(got, expected);

  const all = (await dbx.sharingListFolders({})).result;
  assertSchema('sharing/list_folders', all);
  assert.deepEqual(all.entries.map((e) => e.shared_folder_id), [sf.shared_folder_id]);
  assert.equal(all.cursor, undefined);
});

test('entries inside a shared folder carry parent_shared_folder_id and sharing_info; outside ones do not; unsharing clears them', async () => {
  const { dbx } = await seeded();
  const me = (await dbx.usersGetCurrentAccount()).result;
  const { shared_folder_id: id } = await share(dbx, '/Projects');
  const file = (await dbx.filesGetMetadata({ path: '/Projects/plan.md' })).result;
  assertSchema('files/get_metadata', file);
  assert.equal(file.parent_shared_folder_id, id);
  assert.deepEqual(file.sharing_info, { read_only: false, parent_shared_folder_id: id, modified_by: me.account_id });
  const sub = (await dbx.filesGetMetadata({ path: '/Projects/Archive' })).result;
  assert.equal(sub.parent_shared_folder_id, id);
  assert.equal(sub.shared_folder_id, undefined);
  assert.deepEqual(sub.sharing_info, { read_only: false, parent_shared_folder_id: id, traverse_only: false, no_access: false });
  // Files written after the share are inside it too, and recursive listings say so.
  const up = (await dbx.filesUpload({ path: '/Projects/Archive/new.txt', contents: 'x' })).result;
  assert.equal(up.sharing_info.parent_shared_folder_id, id);
  const all = (await dbx.filesListFolder({ path: '', recursive: true })).result.entries;
  for (const e of all) {
    const inside = e.path_lower.startsWith('/projects/');
    assert.equal(e.parent_shared_folder_id, inside ? id : undefined, e.path_lower);
  }
  assert.equal(all.find((e) => e.path_lower === '/readme.txt').sharing_info, undefined);
  await dbx.sharingUnshareFolder({ shared_folder_id: id });
  const after = (await dbx.filesGetMetadata({ path: '/Projects/plan.md' })).result;
  assert.equal(after.sharing_info, undefined);
  assert.equal(after.parent_shared_folder_id, undefined);
});

test('share_folder: a missing folder is created; force_async gives a job whose check is complete; errors are bad_path tags', async () => {
  const { dbx } = await seeded();
  const job = await share(dbx, '/Team/Shared', { force_async: true });
  assert.equal(job['.tag'], 'async_job_id');
  const done = (await dbx.sharingCheckShareJobStatus({ async_job_id: job.async_job_id })).result;
  assertSchema('sharing/check_share_job_status', done);
  assert.equal(done['.tag'], 'complete');
  assert.equal(done.path_display, '/Team/Shared');
  const made = (await dbx.filesGetMetadata({ path: '/team/shared' })).result;
  assert.equal(made['.tag'], 'folder');
  assert.equal(made.sharing_info.shared_folder_id, done.shared_folder_id);
  assertDbxError(await rejects(() => dbx.sharingCheckShareJobStatus({ async_job_id: 'dbjid:nope' })), 409, 'invalid_async_job_id');

  let e = assertDbxError(await rejects(() => dbx.sharingShareFolder({ path: '/team/SHARED' })), 409, 'bad_path', 'bad_path/already_shared/');
  assert.equal(e.bad_path['.tag'], 'already_shared');
  assert.equal(e.bad_path.shared_folder_id, done.shared_folder_id);
  e = assertDbxError(await rejects(() => dbx.sharingShareFolder({ path: '/README.txt' })), 409, 'bad_path', 'bad_path/is_file/');
  assert.equal(e.bad_path['.tag'], 'is_file');
  e = assertDbxError(await rejects(() => dbx.sharingShareFolder({ path: '/Team/Shared/inner' })), 409, 'bad_path', 'bad_path/inside_shared_folder/');
  e = assertDbxError(await rejects(() => dbx.sharingShareFolder({ path: '/Team' })), 409, 'bad_path', 'bad_path/contains_shared_folder/');
  // Nothing was created by the refused calls.
  assertDbxError(await rejects(() => dbx.filesGetMetadata({ path: '/Team/Shared/inner' })), 409, 'path', 'path/not_found/');
  assert.equal((await dbx.sharingListFolders({})).result.entries.length, 1);

  const bad = await rejects(() => dbx.sharingShareFolder({ path: 'Projects' }));
  assert.equal(bad.status, 400);
  const policy = await rejects(() => dbx.sharingShareFolder({ path: '/Photos', acl_update_policy: 'everyone' }));
  assert.equal(policy.status, 400);
  assert.match(String(policy.error), /acl_update_policy/);
});

test('get_folder_metadata / list_folder_members: an unknown or malformed shared_folder_id', async () => {
  const { dbx } = await seeded();
  assertDbxError(await rejects(() => dbx.sharingGetFolderMetadata({ shared_folder_id: '999' })), 409, 'invalid_id', 'invalid_id/');
  assertDbxError(await rejects(() => dbx.sharingListFolderMembers({ shared_folder_id: '999' })), 409, 'invalid_id', 'invalid_id/');
  const e = assertDbxError(await rejects(() => dbx.sharingAddFolderMember({ shared_folder_id: '999', members: [{ member: { '.tag': 'email', email: 'x@example.com' } }] })), 409, 'access_error', 'access_error/invalid_id/');
  assert.equal(e.access_error['.tag'], 'invalid_id');
  const bad = await rejects(() => dbx.sharingGetFolderMetadata({ shared_folder_id: 'has space' }));
  assert.equal(bad.status, 400);
  assert.match(String(bad.error), /shared_folder_id/);
});

test('add_folder_member: team accounts become users, other addresses invitees; levels update; the owner is listed first', async () => {
  const ctx = await seeded();
  const { dbx } = ctx;
  const me = (await dbx.usersGetCurrentAccount()).result;
  const team = (await dbx.teamMembersListV2({})).result.members.map((m) => m.profile);
  const grace = team.find((p) => p.email === 'grace@example.com');
  const alan = team.find((p) => p.email === 'alan@example.com');
  const { shared_folder_id: id } = await share(dbx, '/Projects');

  let m = await members(dbx, id);
  assert.deepEqual(m.users.map((u) => [u.user.account_id, u.access_type['.tag']]), [[me.account_id, 'owner']]);
  assert.deepEqual(m.invitees, []);
  assert.deepEqual(m.groups, []);

  const added = await dbx.sharingAddFolderMember({
    shared_folder_id: id,
    members: [
      { member: { '.tag': 'dropbox_id', dropbox_id: grace.account_id }, access_level: { '.tag': 'editor' } },
      { member: { '.tag': 'email', email: 'ALAN@example.com' } },
      { member: { '.tag': 'email', email: 'outsider@elsewhere.org' }, access_level: { '.tag': 'viewer' } },
    ],
  });
  assert.equal(added.result, null);
  m = await members(dbx, id);
  assert.deepEqual(m.users.map((u) => [u.user.email, u.access_type['.tag']]),
    [[me.email, 'owner'], ['grace@example.com', 'editor'], ['alan@example.com', 'viewer']]);
  assert.equal(m.users[1].user.account_id, grace.account_id);
  assert.equal(m.users[2].user.account_id, alan.account_id);
  assert.equal(m.users[1].user.display_name, 'Grace Hopper');
  assert.deepEqual(m.invitees.map((i) => [i.invitee['.tag'], i.invitee.email, i.access_type['.tag']]), [['email', 'outsider@elsewhere.org', 'viewer']]);

  // Adding again changes the level instead of listing the member twice.
  await dbx.sharingAddFolderMember({ shared_folder_id: id, members: [{ member: { '.tag': 'email', email: 'alan@example.com' }, access_level: 'editor' }] });
  m = await members(dbx, id);
  assert.equal(m.users.length, 3);
  assert.equal(m.users[2].access_type['.tag'], 'editor');
});

test('add_folder_member: bad members are refused with bad_member tags and nothing is added', async () => {
  const { dbx } = await seeded();
  const { shared_folder_id: id } = await share(dbx, '/Photos');
  let e = assertDbxError(await rejects(() => dbx.sharingAddFolderMember({ shared_folder_id: id, members: [
    { member: { '.tag': 'email', email: 'ok@example.org' } },
    { member: { '.tag': 'email', email: 'not-an-email' } },
  ] })), 409, 'bad_member', 'bad_member/invalid_email/');
  assert.deepEqual(e.bad_member, { '.tag': 'invalid_email', invalid_email: 'not-an-email' });
  e = assertDbxError(await rejects(() => dbx.sharingAddFolderMember({ shared_folder_id: id, members: [{ member: { '.tag': 'dropbox_id', dropbox_id: 'dbid:nobody' } }] })), 409, 'bad_member', 'bad_member/invalid_dropbox_id/');
  assert.deepEqual(e.bad_member, { '.tag': 'invalid_dropbox_id', invalid_dropbox_id: 'dbid:nobody' });
  assertDbxError(await rejects(() => dbx.sharingAddFolderMember({ shared_folder_id: id, members: [{ member: { '.tag': 'email', email: 'ok@example.org' }, access_level: 'owner' }] })), 409, 'no_permission', 'no_permission/');
  const m = await members(dbx, id);
  assert.equal(m.users.length, 1);
  assert.deepEqual(m.invitees, []);
});

test('list_folder_members and list_folders page with limit and continue cursors', async () => {
  const ctx = await seeded();
  const { dbx } = ctx;
  const { shared_folder_id: id } = await share(dbx, '/Projects');
  const emails = ['a@x.org', 'b@x.org', 'c@x.org', 'd@x.org'];
  await dbx.sharingAddFolderMember({ shared_folder_id: id, members: emails.map((email) => ({ member: { '.tag': 'email', email } })) });
  let page = (await dbx.sharingListFolderMembers({ shared_folder_id: id, limit: 2 })).result;
  assertSchema('sharing/list_folder_members', page);
  const seen = [...page.users.map((u) => u.user.email), ...page.invitees.map((i) => i.invitee.email)];
  assert.equal(seen.length, 2);
  while (page.cursor) {
    page = (await dbx.sharingListFolderMembersContinue({ cursor: page.cursor })).result;
    assertSchema('sharing/list_folder_members/continue', page);
    seen.push(...page.users.map((u) => u.user.email), ...page.invitees.map((i) => i.invitee.email));
  }
  assert.deepEqual(seen, ['ada@example.com', ...emails]);
  assertDbxError(await rejects(() => dbx.sharingListFolderMembersContinue({ cursor: 'garbage' })), 409, 'invalid_cursor', 'invalid_cursor/');
  const lim = await rejects(() => dbx.sharingListFolderMembers({ shared_folder_id: id, limit: 0 }));
  assert.equal(lim.status, 400);
  assert.match(lim.error, /request body: limit: value must be between 1 and 1000$/);
  const over = await rejects(() => dbx.sharingListFolders({ limit: 1001 }));
  assert.match(over.error, /request body: limit: value must be between 1 and 1000$/);

  const second = await share(dbx, '/Photos');
  const third = await share(dbx, '/Elsewhere');
  let folders = (await dbx.sharingListFolders({ limit: 2 })).result;
  assertSchema('sharing/list_folders', folders);
  assert.equal(folders.entries.length, 2);
  assert.ok(folders.cursor);
  const ids = folders.entries.map((f) => f.shared_folder_id);
  folders = (await dbx.sharingListFoldersContinue({ cursor: folders.cursor })).result;
  assertSchema('sharing/list_folders/continue', folders);
  ids.push(...folders.entries.map((f) => f.shared_folder_id));
  assert.equal(folders.cursor, undefined);
  // Oldest first; each share has its own id, and ids grow with time.
  assert.deepEqual(ids, [id, second.shared_folder_id, third.shared_folder_id]);
  for (let i = 1; i < ids.length; i++) assert.ok(BigInt(ids[i]) > BigInt(ids[i - 1]), ids.join());
  assertDbxError(await rejects(() => dbx.sharingListFoldersContinue({ cursor: 'AAbogus' })), 409, 'invalid_cursor', 'invalid_cursor/');
  // A members cursor is not a folders cursor.
  const mc = (await dbx.sharingListFolderMembers({ shared_folder_id: id, limit: 1 })).result.cursor;
  assertDbxError(await rejects(() => dbx.sharingListFoldersContinue({ cursor: mc })), 409, 'invalid_cursor');
});

test('remove_folder_member: the member is gone after the job; the owner and non-members are refused', async () => {
  const { dbx } = await seeded();
  const { shared_folder_id: id } = await share(dbx, '/Projects');
  await dbx.sharingAddFolderMember({ shared_folder_id: id, members: [{ member: { '.tag': 'email', email: 'grace@example.com' }, access_level: 'editor' }, { member: { '.tag': 'email', email: 'guest@x.org' } }] });
  const job = (await dbx.sharingRemoveFolderMember({ shared_folder_id: id, member: { '.tag': 'email', email: 'grace@example.com' }, leave_a_copy: false })).result;
  assertSchema('sharing/remove_folder_member', job);
  assert.equal(job['.tag'], 'async_job_id');
  const st = (await dbx.sharingCheckRemoveMemberJobStatus({ async_job_id: job.async_job_id })).result;
  assertSchema('sharing/check_remove_member_job_status', st);
  assert.equal(st['.tag'], 'complete');
  let m = await members(dbx, id);
  assert.deepEqual(m.users.map((u) => u.user.email), ['ada@example.com']);
  assert.deepEqual(m.invitees.map((i) => i.invitee.email), ['guest@x.org']);

  await dbx.sharingRemoveFolderMember({ shared_folder_id: id, member: { '.tag': 'email', email: 'GUEST@x.org' }, leave_a_copy: false });
  m = await members(dbx, id);
  assert.deepEqual(m.invitees, []);

  let e = assertDbxError(await rejects(() => dbx.sharingRemoveFolderMember({ shared_folder_id: id, member: { '.tag': 'email', email: 'guest@x.org' }, leave_a_copy: false })), 409, 'member_error', 'member_error/not_a_member/');
  assert.equal(e.member_error['.tag'], 'not_a_member');
  const me = (await dbx.usersGetCurrentAccount()).result;
  assertDbxError(await rejects(() => dbx.sharingRemoveFolderMember({ shared_folder_id: id, member: { '.tag': 'dropbox_id', dropbox_id: me.account_id }, leave_a_copy: false })), 409, 'folder_owner', 'folder_owner/');
  e = assertDbxError(await rejects(() => dbx.sharingRemoveFolderMember({ shared_folder_id: '12', member: { '.tag': 'email', email: 'a@b.co' }, leave_a_copy: false })), 409, 'access_error', 'access_error/invalid_id/');
});

test('unshare_folder: the folder stays with its files but loses sharing_info; the id is then invalid', async () => {
  const { dbx } = await seeded();
  const sf = await share(dbx, '/Projects');
  const r = (await dbx.sharingUnshareFolder({ shared_folder_id: sf.shared_folder_id, leave_a_copy: false })).result;
  assertSchema('sharing/unshare_folder', r);
  assert.equal(r['.tag'], 'complete');
  const meta = (await dbx.filesGetMetadata({ path: '/Projects' })).result;
  assert.equal(meta.sharing_info, undefined);
  assert.equal(meta.shared_folder_id, undefined);
  assert.equal((await dbx.filesGetMetadata({ path: '/Projects/plan.md' })).result.name, 'plan.md');
  assertDbxError(await rejects(() => dbx.sharingGetFolderMetadata({ shared_folder_id: sf.shared_folder_id })), 409, 'invalid_id');
  assert.deepEqual((await dbx.sharingListFolders({})).result.entries, []);
  assertDbxError(await rejects(() => dbx.sharingUnshareFolder({ shared_folder_id: sf.shared_folder_id })), 409, 'access_error', 'access_error/invalid_id/');
  // It can be shared again, under a new id.
  const again = await share(dbx, '/Projects');
  assert.notEqual(again.shared_folder_id, sf.shared_folder_id);
});

test('a shared folder keeps its share through a move; a copy of it is not shared; deleting it ends the share', async () => {
  const { dbx } = await seeded();
  const sf = await share(dbx, '/Projects');
  await dbx.filesMoveV2({ from_path: '/Projects', to_path: '/Work' });
  const got = (await dbx.sharingGetFolderMetadata({ shared_folder_id: sf.shared_folder_id })).result;
  assert.equal(got.path_display, '/Work');
  assert.equal(got.name, 'Work');
  const copy = (await dbx.filesCopyV2({ from_path: '/Work', to_path: '/Work copy' })).result.metadata;
  assert.equal(copy.sharing_info, undefined);
  await dbx.filesDeleteV2({ path: '/Work' });
  assertDbxError(await rejects(() => dbx.sharingGetFolderMetadata({ shared_folder_id: sf.shared_folder_id })), 409, 'invalid_id');
  assert.deepEqual((await dbx.sharingListFolders({})).result.entries, []);
});

test('a shared folder cannot move into another (cant_nest_shared_folder); mount_folder on the owner\'s share is already_mounted and nothing is mountable', async () => {
  const { dbx } = await seeded();
  const projects = await share(dbx, '/Projects');
  await share(dbx, '/Photos');
  const e = assertDbxError(await rejects(() => dbx.filesMoveV2({ from_path: '/Photos', to_path: '/Projects/Photos' })), 409, 'cant_nest_shared_folder', 'cant_nest_shared_folder/');
  assert.deepEqual(e, { '.tag': 'cant_nest_shared_folder' });
  assert.equal((await dbx.filesGetMetadata({ path: '/Photos' })).result.sharing_info.shared_folder_id !== undefined, true);
  // A plain folder may move in, and then it is inside the share.
  await dbx.filesCreateFolderV2({ path: '/Plain' });
  const moved = (await dbx.filesMoveV2({ from_path: '/Plain', to_path: '/Projects/Plain' })).result.metadata;
  assert.equal(moved.parent_shared_folder_id, projects.shared_folder_id);

  assertDbxError(await rejects(() => dbx.sharingMountFolder({ shared_folder_id: projects.shared_folder_id })), 409, 'already_mounted', 'already_mounted/');
  assertDbxError(await rejects(() => dbx.sharingMountFolder({ shared_folder_id: '4242' })), 409, 'access_error', 'access_error/invalid_id/');
  // Nothing is left to mount: the owner has every share in their tree.
  const mountable = (await dbx.sharingListMountableFolders({ limit: 5 })).result;
  assertSchema('sharing/list_mountable_folders', mountable);
  assert.deepEqual(mountable, { entries: [] });
  assertDbxError(await rejects(() => dbx.sharingListMountableFoldersContinue({ cursor: 'AAbogus' })), 409, 'invalid_cursor', 'invalid_cursor/');
});

test('sharing routes need the sharing scopes when the run lists scopes', async () => {
  const ctx = await seeded();
  await admin(ctx, 'PATCH', '/admin/config', { scopes: ['files.metadata.read', 'sharing.read'] });
  const e = assertDbxError(await rejects(() => ctx.dbx.sharingShareFolder({ path: '/Photos' })), 401, 'missing_scope', 'missing_scope/');
  assert.equal(e.required_scope, 'sharing.write');
  const r = await raw(ctx, 'POST', '/2/sharing/list_folders', { body: {} });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(r.json.entries, []);
  assert.equal((await ctx.dbx.filesGetMetadata({ path: '/Photos' })).result.sharing_info, undefined);
});

test('listings render sharing fields as get_metadata does, at every depth: list_folder pages, list_folder/continue and search_v2', async () => {
  const { dbx } = await seeded();
  const up = (path) => dbx.filesUpload({ path, contents: path });
  for (const p of ['/Team/Shared/a/b/c.txt', '/Team/Shared/a/d.txt', '/Team/Shared/top.txt', '/Team/Other/e.txt', '/Team/Shared2/f.txt']) await up(p);
  const { shared_folder_id: id } = await share(dbx, '/Team/Shared');
  const { shared_folder_id: id2 } = await share(dbx, '/Team/Other/Deep/er');
  const meta = async (path_lower) => (await dbx.filesGetMetadata({ path: path_lower })).result;
  const same = async (entries) => {
    for (const e of entries) assert.deepEqual(e, await meta(e.path_lower), e.path_lower);
  };
  // Pages of two: the context of one page must not leak into the next.
  let page = (await dbx.filesListFolder({ path: '', recursive: true, limit: 2 })).result;
  const all = [...page.entries];
  while (page.has_more) {
    page = (await dbx.filesListFolderContinue({ cursor: page.cursor })).result;
    all.push(...page.entries);
  }
  await same(all);
  const byPath = Object.fromEntries(all.map((e) => [e.path_lower, e]));
  assert.equal(byPath['/team/shared/a/b/c.txt'].parent_shared_folder_id, id);
  assert.equal(byPath['/team/shared/a/b'].sharing_info.parent_shared_folder_id, id);
  assert.equal(byPath['/team/shared'].shared_folder_id, id);
  assert.equal(byPath['/team/other/deep/er'].shared_folder_id, id2);
  for (const p of ['/team', '/team/other', '/team/other/e.txt', '/team/other/deep', '/team/shared2', '/team/shared2/f.txt'])
    assert.equal(byPath[p].sharing_info, undefined, p);

  // Changes since a cursor, inside and outside both shares.
  const cursor = (await dbx.filesListFolderGetLatestCursor({ path: '/Team', recursive: true })).result.cursor;
  for (const p of ['/Team/Shared/a/b/new.txt', '/Team/Other/new.txt', '/Team/Other/Deep/er/x/new.txt', '/Team/Shared2/new.txt']) await up(p);
  const changes = (await dbx.filesListFolderContinue({ cursor })).result.entries;
  assert.ok(changes.length >= 4, JSON.stringify(changes));
  await same(changes);
  const changed = Object.fromEntries(changes.map((e) => [e.path_lower, e]));
  assert.equal(changed['/team/shared/a/b/new.txt'].parent_shared_folder_id, id);
  assert.equal(changed['/team/other/deep/er/x/new.txt'].parent_shared_folder_id, id2);
  assert.equal(changed['/team/other/new.txt'].sharing_info, undefined);

  const found = (await dbx.filesSearchV2({ query: 'new', options: { filename_only: true } })).result.matches;
  assert.equal(found.length, 4);
  await same(found.map((m) => m.metadata.metadata));
});
