// Notion twin conformance: the official @notionhq/client against a live run.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, assertNotionError, assertSchema, client, newRun, plain, raw, rejects, stopServer, text } from './helpers.mjs';

after(stopServer);

const SEED = {
  users: [{ name: 'Ada Lovelace', email: 'ada@example.com' }, { name: 'Grace Hopper', email: 'grace@example.com' },
    { name: 'Alan Turing', email: 'alan@example.com' }],
  pages: [
    { title: 'Team handbook', content: 'Welcome to the team.\nRead the onboarding guide.', icon: '📘' },
    { title: 'Onboarding guide', content: 'Step one: say hello.', parent: 'Team handbook' },
    { title: 'Secret plans', content: 'Hidden.', shared_with_integration: false },
  ],
  databases: [{
    name: 'Tasks', parent: 'Team handbook',
    schema: { Task: 'title', Status: 'select', Points: 'number', Done: 'checkbox', Tags: 'multi_select', Due: 'date', Link: 'url', Owner: 'email', Notes: 'rich_text' },
    rows: [
      { Task: 'Write spec', Status: 'Doing', Points: 3, Done: false, Tags: 'docs, q3', Due: '2026-06-01', Owner: 'ada@example.com', Notes: 'first draft' },
      { Task: 'Review spec', Status: 'Todo', Points: 1, Done: false, Tags: ['docs'], Due: '2026-06-03' },
      { Task: 'Ship it', Status: 'Done', Points: 8, Done: true, Link: 'https://example.com/ship' },
      { Task: 'Retro', Status: 'Todo', Points: 2, Done: false },
    ],
  }],
};

async function seeded() {
  const ctx = await newRun();
  const r = await admin(ctx, 'PUT', '/admin/config', { seed: SEED });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return ctx;
}

async function dataSourceOf(notion, name) {
  const s = await notion.search({ query: name, filter: { property: 'object', value: 'data_source' } });
  assert.equal(s.results.length, 1);
  return s.results[0];
}

test('auth: missing or invalid tokens get Notion 401, any ntn_/secret_ token works', async () => {
  const ctx = await newRun();
  let err = await rejects(() => client(ctx.base, 'not-a-token').users.me({}));
  const body = assertNotionError(err, 401, 'unauthorized');
  assert.equal(body.message, 'API token is invalid.');
  const r = await raw(ctx, 'GET', '/v1/users/me', { auth: false });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, 'unauthorized');
  for (const t of ['secret_abc123', 'ntn_xyz789']) {
    const me = await client(ctx.base, t).users.me({});
    assert.equal(me.type, 'bot');
  }
  err = await rejects(() => client(ctx.base, 'ntn_').users.me({}));
  assertNotionError(err, 401, 'unauthorized');
});

test('Notion-Version is required; malformed JSON is invalid_json', async () => {
  const ctx = await newRun();
  let r = await raw(ctx, 'GET', '/v1/users/me', { version: null });
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'missing_version');
  r = await raw(ctx, 'GET', '/v1/users/me', { version: 'yesterday' });
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'validation_error');
  const res = await fetch(ctx.base + '/v1/search', { method: 'POST', body: '{nope',
    headers: { authorization: `Bearer ${ctx.token}`, 'notion-version': '2025-09-03', 'content-type': 'application/json' } });
  const j = await res.json();
  assert.equal(res.status, 400);
  assert.equal(j.code, 'invalid_json');
});

test('users: me is the bot with workspace owner and plan limits; retrieve matches the schema', async () => {
  const { notion } = await seeded();
  const me = await notion.users.me({});
  assert.equal(me.object, 'user');
  assert.equal(me.type, 'bot');
  assert.deepEqual(me.bot.owner, { type: 'workspace', workspace: true });
  assert.equal(me.bot.workspace_limits.max_file_upload_size_in_bytes, 5 * 1024 * 1024);
  const list = await notion.users.list({});
  const ada = list.results.find((u) => u.name === 'Ada Lovelace');
  assert.equal(ada.person.email, 'ada@example.com');
  const got = await notion.users.retrieve({ user_id: ada.id.replaceAll('-', '') });
  assert.equal(got.id, ada.id);
  assertSchema('GET', '/v1/users/{id}', got);
  const err = await rejects(() => notion.users.retrieve({ user_id: '00000000-0000-4000-8000-000000000001' }));
  assertNotionError(err, 404, 'object_not_found');
});

test('users: list paginates with start_cursor/page_size', async () => {
  const { notion } = await seeded();
  const p1 = await notion.users.list({ page_size: 2 });
  assert.equal(p1.object, 'list');
  assert.equal(p1.type, 'user');
  assert.equal(p1.results.length, 2);
  assert.equal(p1.has_more, true);
  const p2 = await notion.users.list({ page_size: 2, start_cursor: p1.next_cursor });
  assert.equal(p2.results.length, 2);
  assert.equal(p2.has_more, false);
  assert.equal(p2.next_cursor, null);
  const names = [...p1.results, ...p2.results].map((u) => u.name);
  assert.deepEqual(names.slice(0, 3), ['Ada Lovelace', 'Grace Hopper', 'Alan Turing']);
  assert.equal(new Set(names).size, 4);
  const err = await rejects(() => notion.users.list({ page_size: 101 }));
  assertNotionError(err, 400, 'validation_error');
});

test('capabilities: the three user-information levels and the legacy name', async () => {
  const ctx = await seeded();
  const { notion } = ctx;
  const emails = async () => (await notion.users.list({})).results.filter((u) => u.type === 'person').map((u) => u.person.email);
  assert.ok((await emails()).includes('ada@example.com'));
  await admin(ctx, 'PATCH', '/admin/config', { capabilities: ['read_content', 'read_user_information_no_email'] });
  const people = (await notion.users.list({})).results.filter((u) => u.type === 'person');
  assert.ok(people.length >= 3);
  for (const p of people) assert.equal(p.person.email, undefined);
  assert.equal((await notion.users.retrieve({ user_id: people[0].id })).person.email, undefined);
  await admin(ctx, 'PATCH', '/admin/config', { capabilities: ['read_content', 'no_user_information'] });
  for (const call of [() => notion.users.list({}), () => notion.users.me({}), () => notion.users.retrieve({ user_id: people[0].id })]) {
    const body = assertNotionError(await rejects(call), 403, 'restricted_resource');
    assert.match(body.message, /permission/i);
  }
  // content reads still work at that level
  assert.ok((await notion.search({})).results.length > 0);
  await admin(ctx, 'PATCH', '/admin/config', { capabilities: ['read_content', 'read_user_information'] });
  assert.ok((await emails()).includes('grace@example.com'));
  await admin(ctx, 'PATCH', '/admin/config', { capabilities: ['read_content', 'read_user_information_with_email'],
    disabled_capabilities: ['read_user_information_with_email'] });
  assertNotionError(await rejects(() => notion.users.me({})), 403, 'restricted_resource');
});

test('capabilities: content capabilities gate inserts and updates', async () => {
  const ctx = await seeded();
  const page = (await ctx.notion.search({ query: 'Team handbook' })).results[0];
  await admin(ctx, 'PATCH', '/admin/config', { disabled_capabilities: ['insert_content', 'update_content'] });
  assertNotionError(await rejects(() => ctx.notion.pages.create({ parent: { page_id: page.id }, properties: { title: text('x') } })),
    403, 'restricted_resource');
  assertNotionError(await rejects(() => ctx.notion.pages.update({ page_id: page.id, in_trash: true })), 403, 'restricted_resource');
  assert.equal((await ctx.notion.pages.retrieve({ page_id: page.id })).in_trash, false);
});

test('pages: create under a page with children, read them back as blocks', async () => {
  const { notion } = await seeded();
  const parent = (await notion.search({ query: 'Team handbook' })).results[0];
  const page = await notion.pages.create({
    parent: { page_id: parent.id },
    icon: { type: 'emoji', emoji: '🚀' },
    properties: { title: { title: text('Launch plan') } },
    children: [
      { object: 'block', type: 'heading_1', heading_1: { rich_text: text('Goals') } },
      { paragraph: { rich_text: [{ type: 'text', text: { content: 'Bold move' }, annotations: { bold: true } }] } },
    ],
  });
  assert.equal(page.object, 'page');
  assert.deepEqual(page.parent, { type: 'page_id', page_id: parent.id });
  assert.equal(plain(page.properties.title.title), 'Launch plan');
  assert.equal(page.icon.emoji, '🚀');
  assertSchema('GET', '/v1/pages/{id}', page);
  const got = await notion.pages.retrieve({ page_id: page.id });
  assert.equal(got.id, page.id);
  const kids = await notion.blocks.children.list({ block_id: page.id });
  assert.deepEqual(kids.results.map((b) => b.type), ['heading_1', 'paragraph']);
  assert.equal(kids.results[1].paragraph.rich_text[0].annotations.bold, true);
  assert.equal(kids.results[1].paragraph.rich_text[0].plain_text, 'Bold move');
  // the new page appears as a child_page block of its parent
  const parentKids = await notion.blocks.children.list({ block_id: parent.id });
  const cp = parentKids.results.find((b) => b.id === page.id);
  assert.equal(cp.type, 'child_page');
  assert.equal(cp.child_page.title, 'Launch plan');
  const asBlock = await notion.blocks.retrieve({ block_id: page.id });
  assert.equal(asBlock.type, 'child_page');
  assert.equal(asBlock.has_children, true);
});

test('pages: update title, icon and trash state; trashed pages leave search', async () => {
  const { notion } = await seeded();
  const page = (await notion.search({ query: 'Onboarding' })).results[0];
  const up = await notion.pages.update({ page_id: page.id, properties: { title: { title: text('Onboarding v2') } }, icon: { type: 'emoji', emoji: '✅' } });
  assert.equal(plain(up.properties.title.title), 'Onboarding v2');
  assert.ok(up.last_edited_time >= page.last_edited_time);
  assert.equal((await notion.pages.retrieve({ page_id: page.id })).icon.emoji, '✅');
  const trashed = await notion.pages.update({ page_id: page.id, in_trash: true });
  assert.equal(trashed.in_trash, true);
  assert.equal(trashed.archived, true);
  assert.equal((await notion.search({ query: 'Onboarding' })).results.length, 0);
  const err = await rejects(() => notion.pages.update({ page_id: page.id, properties: { title: { title: text('nope') } } }));
  assertNotionError(err, 400, 'validation_error');
  await notion.pages.update({ page_id: page.id, archived: false });
  assert.equal((await notion.search({ query: 'Onboarding' })).results.length, 1);
});

test('pages: unknown, unshared and malformed ids', async () => {
  const ctx = await seeded();
  const body = assertNotionError(await rejects(() => ctx.notion.pages.retrieve({ page_id: '5c6a2821-6bb1-4a7e-b6e1-c50111515c3d' })),
    404, 'object_not_found');
  assert.match(body.message, /^Could not find page with ID: 5c6a2821-6bb1-4a7e-b6e1-c50111515c3d\. Make sure the relevant pages and databases are shared with your integration\.$/);
  assertNotionError(await rejects(() => ctx.notion.pages.retrieve({ page_id: 'abc' })), 400, 'validation_error');
  // the unshared seeded page is invisible everywhere
  assert.equal((await ctx.notion.search({ query: 'Secret' })).results.length, 0);
  const state = await admin(ctx, 'GET', '/admin/state');
  const secret = state.json.state.pages.find((p) => plain(p.properties.title.title) === 'Secret plans');
  assertNotionError(await rejects(() => ctx.notion.pages.retrieve({ page_id: secret.id })), 404, 'object_not_found');
  assertNotionError(await rejects(() => ctx.notion.blocks.children.list({ block_id: secret.id })), 404, 'object_not_found');
  const r = await raw(ctx, 'POST', '/v1/pages', { body: { properties: {} } });
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'validation_error');
  // a parent id that is no UUID is a validation error, not a missing object
  for (const parent of [{ page_id: 'abc' }, { data_source_id: 'not-a-uuid' }, { database_id: '123' }]) {
    const err = assertNotionError(await rejects(() => ctx.notion.pages.create({ parent, properties: {} })), 400, 'validation_error');
    assert.match(err.message, /^body failed validation: body\.parent\.\w+ should be a valid uuid/);
  }
  assertNotionError(await rejects(() => ctx.notion.databases.create({ parent: { type: 'page_id', page_id: 'abc' }, title: text('x'),
    initial_data_source: { properties: { Name: { title: {} } } } })), 400, 'validation_error');
  assertNotionError(await rejects(() => ctx.notion.dataSources.create({ parent: { type: 'database_id', database_id: 'abc' },
    properties: { Name: { title: {} } } })), 400, 'validation_error');
  // an unshared page's blocks stay hidden
  const secretKid = state.json.state.blocks.find((b) => b.parent.page_id === secret.id);
  assertNotionError(await rejects(() => ctx.notion.blocks.retrieve({ block_id: secretKid.id })), 404, 'object_not_found');
});

test('blocks: append every supported type, nested children, rich text', async () => {
  const { notion } = await seeded();
  const page = (await notion.search({ query: 'Team handbook' })).results[0];
  const before = (await notion.blocks.children.list({ block_id: page.id })).results.length;
  const res = await notion.blocks.children.append({
    block_id: page.id,
    children: [
      { heading_2: { rich_text: text('H2') } },
      { heading_3: { rich_text: text('H3') } },
      { bulleted_list_item: { rich_text: text('bullet') } },
      { numbered_list_item: { rich_text: text('number') } },
      { to_do: { rich_text: text('todo'), checked: true } },
      { toggle: { rich_text: text('toggle'), children: [{ paragraph: { rich_text: text('inside') } }] } },
      { code: { rich_text: text('console.log(1)'), language: 'javascript' } },
      { quote: { rich_text: text('quote') } },
      { divider: {} },
      { callout: { rich_text: text('note'), icon: { type: 'emoji', emoji: '⚠️' } } },
      { paragraph: { rich_text: [{ type: 'text', text: { content: 'link', link: { url: 'https://example.com' } } }] } },
    ],
  });
  assert.equal(res.object, 'list');
  assert.equal(res.results.length, 11);
  const kids = await notion.blocks.children.list({ block_id: page.id });
  const added = kids.results.slice(before);
  assert.deepEqual(added.map((b) => b.type), ['heading_2', 'heading_3', 'bulleted_list_item', 'numbered_list_item', 'to_do',
    'toggle', 'code', 'quote', 'divider', 'callout', 'paragraph']);
  assert.equal(added[4].to_do.checked, true);
  assert.equal(added[6].code.language, 'javascript');
  assert.equal(added[9].callout.icon.emoji, '⚠️');
  assert.equal(added[10].paragraph.rich_text[0].href, 'https://example.com');
  const toggle = added[5];
  assert.equal(toggle.has_children, true);
  const inner = await notion.blocks.children.list({ block_id: toggle.id });
  assert.equal(inner.results[0].paragraph.rich_text[0].plain_text, 'inside');
  assert.deepEqual(inner.results[0].parent, { type: 'block_id', block_id: toggle.id });
  const err = await rejects(() => notion.blocks.children.append({ block_id: page.id, children: [{ paragraph: {} }] }));
  assertNotionError(err, 400, 'validation_error');
});

test('rich text limits count characters: 2000 per text.content, 2000 per link, 1000 per equation, 100 items', async () => {
  const { notion } = await seeded();
  const page = (await notion.search({ query: 'Team handbook' })).results[0];
  const para = (rich) => ({ block_id: page.id, children: [{ paragraph: { rich_text: rich } }] });
  // multi-byte characters count once each (an astral one as two, like JavaScript's length)
  for (const content of ['é'.repeat(2000), '日本'.repeat(1000), '😀'.repeat(1000), 'x'.repeat(2000)]) {
    const res = await notion.blocks.children.append(para(text(content)));
    assert.equal(res.results[0].paragraph.rich_text[0].plain_text, content);
  }
  const tooLong = assertNotionError(await rejects(() => notion.blocks.children.append(para(text('é'.repeat(2001))))), 400, 'validation_error');
  assert.match(tooLong.message, /body\.children\[0\]\.paragraph\.rich_text\[0\]\.text\.content\.length should be ≤ `2000`, instead was `2001`/);
  const longLink = [{ type: 'text', text: { content: 'link', link: { url: `https://example.com/${'a'.repeat(2000)}` } } }];
  assertNotionError(await rejects(() => notion.blocks.children.append(para(longLink))), 400, 'validation_error');
  const eq = (n) => [{ type: 'equation', equation: { expression: 'x'.repeat(n) } }];
  assert.equal((await notion.blocks.children.append(para(eq(1000)))).results[0].paragraph.rich_text[0].plain_text.length, 1000);
  assertNotionError(await rejects(() => notion.blocks.children.append(para(eq(1001)))), 400, 'validation_error');
  assertNotionError(await rejects(() => notion.blocks.children.append(para(Array.from({ length: 101 }, () => text('a')[0])))),
    400, 'validation_error');
});

test('blocks: two levels of nested children per request, 100 blocks per children array', async () => {
  const { notion } = await seeded();
  const page = (await notion.search({ query: 'Team handbook' })).results[0];
  const toggle = (label, children) => ({ toggle: { rich_text: text(label), ...(children ? { children } : {}) } });
  const paras = (n) => Array.from({ length: n }, (_, i) => ({ paragraph: { rich_text: text(`p${i}`) } }));
  // top level + two nested levels is accepted
  const ok = await notion.blocks.children.append({ block_id: page.id, children: [toggle('a', [toggle('b', paras(100))])] });
  const b = (await notion.blocks.children.list({ block_id: ok.results[0].id })).results[0];
  assert.equal((await notion.blocks.children.list({ block_id: b.id })).results.length, 100);
  // a third nested level is not
  const before = (await notion.blocks.children.list({ block_id: page.id })).results.length;
  const deep = assertNotionError(await rejects(() => notion.blocks.children.append({ block_id: page.id,
    children: [toggle('a', [toggle('b', [toggle('c', paras(1))])])] })), 400, 'validation_error');
  assert.match(deep.message, /body\.children\[0\]\.toggle\.children\[0\]\.toggle\.children\[0\]\.toggle\.children should be not present/);
  // nested arrays have the same 100-block limit as the top level
  const long = assertNotionError(await rejects(() => notion.blocks.children.append({ block_id: page.id,
    children: [toggle('a', paras(101))] })), 400, 'validation_error');
  assert.match(long.message, /body\.children\[0\]\.toggle\.children\.length should be ≤ `100`, instead was `101`/);
  assertNotionError(await rejects(() => notion.pages.create({ parent: { page_id: page.id }, properties: { title: text('Deep') },
    children: [toggle('a', [toggle('b', [toggle('c', paras(1))])])] })), 400, 'validation_error');
  // nothing of the failed requests was kept
  assert.equal((await notion.blocks.children.list({ block_id: page.id })).results.length, before);
  assert.equal((await notion.search({ query: 'Deep' })).results.length, 0);
});

test('blocks: append after a block (after, position after_block/start/end)', async () => {
  const { notion } = await seeded();
  const page = await notion.pages.create({ parent: { page_id: (await notion.search({ query: 'Team handbook' })).results[0].id },
    properties: { title: text('Ordered') }, children: ['a', 'b', 'c'].map((t) => ({ paragraph: { rich_text: text(t) } })) });
  const order = async () => (await notion.blocks.children.list({ block_id: page.id })).results.map((x) => plain(x.paragraph.rich_text));
  const ids = (await notion.blocks.children.list({ block_id: page.id })).results.map((x) => x.id);
  const para = (t) => ({ paragraph: { rich_text: text(t) } });
  const res = await notion.blocks.children.append({ block_id: page.id, after: ids[0], children: [para('a1'), para('a2')] });
  assert.deepEqual(res.results.map((x) => plain(x.paragraph.rich_text)), ['a1', 'a2']);
  assert.deepEqual(await order(), ['a', 'a1', 'a2', 'b', 'c']);
  await notion.blocks.children.append({ block_id: page.id, position: { type: 'after_block', after_block: { id: ids[2] } }, children: [para('c1')] });
  await notion.blocks.children.append({ block_id: page.id, position: { type: 'start' }, children: [para('first')] });
  await notion.blocks.children.append({ block_id: page.id, position: { type: 'end' }, children: [para('last')] });
  assert.deepEqual(await order(), ['first', 'a', 'a1', 'a2', 'b', 'c', 'c1', 'last']);
  // the order survives a re-read of each block, and blocks keep their ids
  assert.equal((await notion.blocks.retrieve({ block_id: ids[1] })).paragraph.rich_text[0].plain_text, 'b');
  // the anchor must be a live child of the parent
  const other = (await notion.blocks.children.list({ block_id: (await notion.search({ query: 'Team handbook' })).results[0].id })).results[0];
  assertNotionError(await rejects(() => notion.blocks.children.append({ block_id: page.id, after: other.id, children: [para('x')] })),
    400, 'validation_error');
  await notion.blocks.delete({ block_id: ids[1] });
  assertNotionError(await rejects(() => notion.blocks.children.append({ block_id: page.id, after: ids[1], children: [para('x')] })),
    400, 'validation_error');
  assertNotionError(await rejects(() => notion.blocks.children.append({ block_id: page.id, position: { type: 'middle' }, children: [para('x')] })),
    400, 'validation_error');
  assert.deepEqual(await order(), ['first', 'a', 'a1', 'a2', 'c', 'c1', 'last']);
});

test('blocks: retrieve, update and delete (archive)', async () => {
  const { notion } = await seeded();
  const page = (await notion.search({ query: 'Team handbook' })).results[0];
  const { results: [todo, para] } = await notion.blocks.children.append({ block_id: page.id, children: [
    { to_do: { rich_text: text('task') } }, { paragraph: { rich_text: text('old') } }] });
  assert.equal(todo.to_do.checked, false);
  const b = await notion.blocks.retrieve({ block_id: para.id });
  assert.equal(b.paragraph.rich_text[0].plain_text, 'old');
  await notion.blocks.update({ block_id: todo.id, to_do: { checked: true } });
  assert.equal((await notion.blocks.retrieve({ block_id: todo.id })).to_do.checked, true);
  const up = await notion.blocks.update({ block_id: para.id, paragraph: { rich_text: text('new') } });
  assert.equal(up.paragraph.rich_text[0].plain_text, 'new');
  assertNotionError(await rejects(() => notion.blocks.update({ block_id: para.id, heading_1: { rich_text: text('x') } })), 400, 'validation_error');
  const del = await notion.blocks.delete({ block_id: para.id });
  assert.equal(del.archived, true);
  assert.equal(del.in_trash, true);
  const ids = (await notion.blocks.children.list({ block_id: page.id })).results.map((x) => x.id);
  assert.ok(!ids.includes(para.id));
  assert.ok(ids.includes(todo.id));
  assert.equal((await notion.blocks.retrieve({ block_id: para.id })).archived, true);
  assertNotionError(await rejects(() => notion.blocks.update({ block_id: para.id, paragraph: { rich_text: text('z') } })), 400, 'validation_error');
  assertNotionError(await rejects(() => notion.blocks.retrieve({ block_id: '6c0e4b6e-7d3a-4f5e-9b4a-2a1b3c4d5e6f' })), 404, 'object_not_found');
});

test('blocks: children list paginates', async () => {
  const { notion } = await seeded();
  const page = await notion.pages.create({ parent: { page_id: (await notion.search({ query: 'Team handbook' })).results[0].id },
    properties: { title: text('Long page') },
    children: Array.from({ length: 25 }, (_, i) => ({ paragraph: { rich_text: text(`line ${i}`) } })) });
  const seen = [];
  let cursor;
  let pages = 0;
  do {
    const r = await notion.blocks.children.list({ block_id: page.id, page_size: 10, start_cursor: cursor });
    seen.push(...r.results.map((b) => b.paragraph.rich_text[0].plain_text));
    cursor = r.next_cursor ?? undefined;
    pages++;
    assert.equal(r.has_more, !!r.next_cursor);
  } while (cursor);
  assert.equal(pages, 3);
  assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `line ${i}`));
});

test('databases (2025-09-03): create with an initial data source, retrieve both', async () => {
  const { notion } = await seeded();
  const parent = (await notion.search({ query: 'Team handbook' })).results[0];
  const db = await notion.databases.create({
    parent: { type: 'page_id', page_id: parent.id },
    title: text('Bugs'),
    initial_data_source: { properties: {
      Title: { title: {} }, Severity: { select: { options: [{ name: 'high', color: 'red' }, { name: 'low' }] } },
      Count: { number: { format: 'number' } }, Fixed: { checkbox: {} }, Labels: { multi_select: {} },
    } },
  });
  assert.equal(db.object, 'database');
  assert.equal(db.data_sources.length, 1);
  assert.equal(db.data_sources[0].name, 'Bugs');
  assert.equal(db.properties, undefined);
  const ds = await notion.dataSources.retrieve({ data_source_id: db.data_sources[0].id });
  assert.equal(ds.object, 'data_source');
  assert.deepEqual(ds.parent, { type: 'database_id', database_id: db.id });
  assert.equal(ds.properties.Title.type, 'title');
  assert.equal(ds.properties.Title.id, 'title');
  assert.deepEqual(ds.properties.Severity.select.options.map((o) => [o.name, o.color]), [['high', 'red'], ['low', 'default']]);
  const again = await notion.databases.retrieve({ database_id: db.id });
  assert.equal(again.id, db.id);
  const kid = (await notion.blocks.children.list({ block_id: parent.id })).results.find((b) => b.id === db.id);
  assert.equal(kid.type, 'child_database');
  const upd = await notion.dataSources.update({ data_source_id: ds.id, properties: { Count: null, Owner: { email: {} } } });
  assert.equal(upd.properties.Count, undefined);
  assert.equal(upd.properties.Owner.type, 'email');
  const err = await rejects(() => notion.databases.create({ parent: { type: 'page_id', page_id: parent.id }, title: text('Bad'),
    initial_data_source: { properties: { A: { rich_text: {} } } } }));
  assertNotionError(err, 400, 'validation_error');
});

test('rows: property values are validated against the schema', async () => {
  const { notion } = await seeded();
  const ds = await dataSourceOf(notion, 'Tasks');
  const row = await notion.pages.create({
    parent: { type: 'data_source_id', data_source_id: ds.id },
    properties: {
      Task: { title: text('Plan sprint') }, Status: { select: { name: 'Blocked' } }, Points: { number: 5 },
      Done: { checkbox: true }, Tags: { multi_select: [{ name: 'q3' }, { name: 'new-tag' }] },
      Due: { date: { start: '2026-07-01' } }, Link: { url: 'https://example.com' }, Owner: { email: 'grace@example.com' },
      Notes: { rich_text: text('hello') },
    },
  });
  assert.deepEqual(row.parent, { type: 'data_source_id', data_source_id: ds.id, database_id: ds.parent.database_id });
  assert.equal(row.properties.Status.select.name, 'Blocked');
  assert.equal(row.properties.Points.number, 5);
  assert.deepEqual(row.properties.Tags.multi_select.map((o) => o.name), ['q3', 'new-tag']);
  assert.equal(row.properties.Due.date.start, '2026-07-01');
  // the new option joined the schema
  const after = await notion.dataSources.retrieve({ data_source_id: ds.id });
  assert.ok(after.properties.Status.select.options.some((o) => o.name === 'Blocked'));
  // page property items
  const pts = await notion.pages.properties.retrieve({ page_id: row.id, property_id: row.properties.Points.id });
  assert.deepEqual(pts, { object: 'property_item', id: row.properties.Points.id, type: 'number', number: 5 });
  const title = await notion.pages.properties.retrieve({ page_id: row.id, property_id: 'title' });
  assert.equal(title.object, 'list');
  assert.equal(title.results[0].title.plain_text, 'Plan sprint');
  // update one value, the rest stay
  const up = await notion.pages.update({ page_id: row.id, properties: { Points: { number: 13 }, Done: { checkbox: false } } });
  assert.equal(up.properties.Points.number, 13);
  assert.equal(up.properties.Status.select.name, 'Blocked');
  for (const bad of [{ Points: { number: 'many' } }, { Nope: { number: 1 } }, { Done: { checkbox: 'yes' } },
    { Due: { date: { start: 'soon' } } }, { Points: { select: { name: 'x' } } }, { Owner: { email: 'not-an-email' } }]) {
    const err = await rejects(() => notion.pages.update({ page_id: row.id, properties: bad }));
    assertNotionError(err, 400, 'validation_error');
  }
  assert.equal((await notion.pages.retrieve({ page_id: row.id })).properties.Points.number, 13);
  // request size limits: url 2000, email 200 characters, 100 multi-select options per value
  const url = `https://example.com/${'é'.repeat(1980)}`;
  assert.equal((await notion.pages.update({ page_id: row.id, properties: { Link: { url } } })).properties.Link.url, url);
  const tags = (n) => Array.from({ length: n }, (_, i) => ({ name: `t${i}` }));
  assert.equal((await notion.pages.update({ page_id: row.id, properties: { Tags: { multi_select: tags(100) } } }))
    .properties.Tags.multi_select.length, 100);
  for (const bad of [{ Link: { url: `${url}xx` } }, { Owner: { email: `${'a'.repeat(190)}@example.com` } },
    { Tags: { multi_select: tags(101) } }]) {
    const err = await rejects(() => notion.pages.update({ page_id: row.id, properties: bad }));
    assert.match(assertNotionError(err, 400, 'validation_error').message, /length should be ≤/);
  }
});

test('query: filters (equals/contains, checkbox, number, compound) and sorts', async () => {
  const { notion } = await seeded();
  const ds = await dataSourceOf(notion, 'Tasks');
  const names = (r) => r.results.map((p) => plain(p.properties.Task.title));
  const q = (args) => notion.dataSources.query({ data_source_id: ds.id, ...args });
  assert.deepEqual(names(await q({})), ['Write spec', 'Review spec', 'Ship it', 'Retro']);
  assert.deepEqual(names(await q({ filter: { property: 'Status', select: { equals: 'Todo' } } })), ['Review spec', 'Retro']);
  assert.deepEqual(names(await q({ filter: { property: 'Task', title: { contains: 'SPEC' } } })), ['Write spec', 'Review spec']);
  assert.deepEqual(names(await q({ filter: { property: 'Done', checkbox: { equals: true } } })), ['Ship it']);
  assert.deepEqual(names(await q({ filter: { property: 'Points', number: { greater_than: 2 } } })), ['Write spec', 'Ship it']);
  assert.deepEqual(names(await q({ filter: { property: 'Notes', rich_text: { equals: 'first draft' } } })), ['Write spec']);
  assert.deepEqual(names(await q({ filter: { property: 'Tags', multi_select: { contains: 'docs' } } })), ['Write spec', 'Review spec']);
  assert.deepEqual(names(await q({ filter: { property: 'Due', date: { on_or_after: '2026-06-02' } } })), ['Review spec']);
  assert.deepEqual(names(await q({ filter: { and: [{ property: 'Done', checkbox: { equals: false } },
    { or: [{ property: 'Points', number: { equals: 1 } }, { property: 'Points', number: { equals: 2 } }] }] } })), ['Review spec', 'Retro']);
  assert.deepEqual(names(await q({ sorts: [{ property: 'Points', direction: 'descending' }] })), ['Ship it', 'Write spec', 'Retro', 'Review spec']);
  assert.deepEqual(names(await q({ sorts: [{ property: 'Task', direction: 'ascending' }] })), ['Retro', 'Review spec', 'Ship it', 'Write spec']);
  assert.deepEqual(names(await q({ sorts: [{ timestamp: 'created_time', direction: 'descending' }] })), ['Retro', 'Ship it', 'Review spec', 'Write spec']);
  const res = await q({ filter: { property: 'Status', select: { equals: 'Todo' } } });
  assert.equal(res.type, 'page_or_data_source');
  assertNotionError(await rejects(() => q({ filter: { property: 'Missing', checkbox: { equals: true } } })), 400, 'validation_error');
  assertNotionError(await rejects(() => q({ filter: { property: 'Points', checkbox: { equals: true } } })), 400, 'validation_error');
  assertNotionError(await rejects(() => q({ sorts: [{ property: 'Points', direction: 'up' }] })), 400, 'validation_error');
});

test('query: filters are validated even when no row matches; compound filters nest two levels at most', async () => {
  const { notion } = await seeded();
  const ds = await dataSourceOf(notion, 'Tasks');
  const q = (filter) => notion.dataSources.query({ data_source_id: ds.id, filter });
  const done = { property: 'Done', checkbox: { equals: true } };
  const bad = { property: 'Points', number: { greater_than: 'lots' } };
  // a bad condition fails the query whether or not an earlier branch decides every row
  assertNotionError(await rejects(() => q({ or: [{ property: 'Done', checkbox: { equals: false } }, done, bad] })), 400, 'validation_error');
  assertNotionError(await rejects(() => q({ and: [{ property: 'Task', title: { equals: 'nothing' } }, { property: 'Nope', checkbox: { equals: true } }] })),
    400, 'validation_error');
  // an empty data source still checks the filter against its schema
  const db = await notion.databases.create({ parent: { type: 'page_id', page_id: ds.database_parent.page_id }, title: text('Empty'),
    initial_data_source: { properties: { Name: { title: {} }, Size: { number: {} } } } });
  const empty = db.data_sources[0].id;
  assert.equal((await notion.dataSources.query({ data_source_id: empty })).results.length, 0);
  const err = assertNotionError(await rejects(() => notion.dataSources.query({ data_source_id: empty,
    filter: { property: 'Missing', number: { equals: 1 } } })), 400, 'validation_error');
  assert.match(err.message, /Missing/);
  // two levels of compound filters work, a third is rejected
  const two = await q({ or: [done, { and: [{ property: 'Points', number: { equals: 1 } }, { property: 'Done', checkbox: { equals: false } }] }] });
  assert.deepEqual(two.results.map((p) => plain(p.properties.Task.title)), ['Review spec', 'Ship it']);
  const deep = assertNotionError(await rejects(() => q({ or: [done, { and: [done, { or: [done] }] }] })), 400, 'validation_error');
  assert.match(deep.message, /body\.filter\.or\[1\]\.and\[1\]\.or should be not present/);
});

test('query: pagination with page_size and start_cursor; trashed rows drop out', async () => {
  const { notion } = await seeded();
  const ds = await dataSourceOf(notion, 'Tasks');
  const p1 = await notion.dataSources.query({ data_source_id: ds.id, page_size: 3 });
  assert.equal(p1.results.length, 3);
  assert.equal(p1.has_more, true);
  const p2 = await notion.dataSources.query({ data_source_id: ds.id, page_size: 3, start_cursor: p1.next_cursor });
  assert.equal(p2.results.length, 1);
  assert.equal(p2.has_more, false);
  await notion.pages.update({ page_id: p2.results[0].id, in_trash: true });
  const all = await notion.dataSources.query({ data_source_id: ds.id });
  assert.equal(all.results.length, 3);
  assertNotionError(await rejects(() => notion.dataSources.query({ data_source_id: ds.id, start_cursor: 'bogus' })), 400, 'validation_error');
});

test('2022-06-28: databases carry properties, rows have database_id parents, /databases/{id}/query', async () => {
  const ctx = await seeded();
  const old = client(ctx.base, ctx.token, { notionVersion: '2022-06-28' });
  const s = await old.search({ query: 'Tasks', filter: { property: 'object', value: 'database' } });
  assert.equal(s.results.length, 1);
  const db = s.results[0];
  assert.equal(db.object, 'database');
  assert.equal(db.properties.Points.type, 'number');
  assert.equal(db.data_sources, undefined);
  const got = await old.databases.retrieve({ database_id: db.id });
  assertSchema('GET', '/v1/databases/{id}', got);
  assert.deepEqual(db, got);   // search renders a database as retrieve does
  const q = await old.request({ path: `databases/${db.id}/query`, method: 'post',
    body: { filter: { property: 'Done', checkbox: { equals: true } } } });
  assert.equal(q.type, 'page_or_database');
  assert.equal(q.results.length, 1);
  assert.deepEqual(q.results[0].parent, { type: 'database_id', database_id: db.id });
  const row = await old.pages.create({ parent: { database_id: db.id }, properties: { Task: { title: text('Old API row') }, Points: { number: 4 } } });
  assert.deepEqual(row.parent, { type: 'database_id', database_id: db.id });
  const upd = await old.request({ path: `databases/${db.id}`, method: 'patch',
    body: { title: text('Tasks v2'), properties: { Estimate: { number: {} } } } });
  assert.equal(plain(upd.title), 'Tasks v2');
  assert.equal(upd.properties.Estimate.type, 'number');
  // the new-version client sees the same row with a data source parent
  const fresh = await ctx.notion.pages.retrieve({ page_id: row.id });
  assert.equal(fresh.parent.type, 'data_source_id');
  assert.equal(fresh.parent.database_id, db.id);
});

test('search: titles, object filter, last_edited_time sort, pagination', async () => {
  const { notion } = await seeded();
  const all = await notion.search({});
  assert.equal(all.type, 'page_or_data_source');
  const objects = new Set(all.results.map((r) => r.object));
  assert.deepEqual([...objects].sort(), ['data_source', 'page']);
  for (const hit of all.results.filter((r) => r.object === 'data_source'))
    assert.deepEqual(hit, await notion.dataSources.retrieve({ data_source_id: hit.id }));
  const pages = await notion.search({ filter: { property: 'object', value: 'page' } });
  assert.ok(pages.results.every((r) => r.object === 'page'));
  assert.equal(pages.results.length, 6);  // 2 visible seeded pages + 4 rows
  const hand = await notion.search({ query: 'handbook' });
  assert.deepEqual(hand.results.map((r) => plain(r.properties.title.title)), ['Team handbook']);
  // touch the oldest page; it becomes the most recent
  const guide = (await notion.search({ query: 'Onboarding' })).results[0];
  await notion.pages.update({ page_id: guide.id, icon: { type: 'emoji', emoji: '🆕' } });
  const desc = await notion.search({ sort: { direction: 'descending', timestamp: 'last_edited_time' } });
  assert.equal(desc.results[0].id, guide.id);
  const asc = await notion.search({ sort: { direction: 'ascending', timestamp: 'last_edited_time' } });
  assert.equal(asc.results.at(-1).id, guide.id);
  const p1 = await notion.search({ page_size: 2 });
  const p2 = await notion.search({ page_size: 2, start_cursor: p1.next_cursor });
  assert.equal(p1.has_more, true);
  assert.notEqual(p1.results[0].id, p2.results[0].id);
  assertNotionError(await rejects(() => notion.search({ filter: { property: 'object', value: 'database' } })), 400, 'validation_error');
});

test('seeding: counts, deterministic ids, reset to the seed', async () => {
  const a = await newRun();
  const b = await newRun();
  for (const ctx of [a, b]) assert.equal((await admin(ctx, 'PUT', '/admin/config', { seed: SEED })).status, 200);
  const status = await (await fetch(`${a.controlUrl}/twin-runs/${a.run.run_id}`)).json();
  assert.deepEqual(status.seed_results.notion, { status: 'seeded', users: 3, pages: 3, blocks: 4, databases: 1, rows: 4 });
  const sa = (await admin(a, 'GET', '/admin/state')).json.state, sb = (await admin(b, 'GET', '/admin/state')).json.state;
  assert.deepEqual(sa.pages.map((p) => p.id), sb.pages.map((p) => p.id));
  assert.deepEqual(sa, sb);
  for (const p of sa.pages) assert.match(p.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const onboarding = sa.pages.find((p) => plain(p.properties.title.title) === 'Onboarding guide');
  const handbook = sa.pages.find((p) => plain(p.properties.title.title) === 'Team handbook');
  assert.equal((await a.notion.pages.retrieve({ page_id: onboarding.id })).parent.page_id, handbook.id);
  await a.notion.pages.create({ parent: { page_id: handbook.id }, properties: { title: text('temp') } });
  await fetch(`${a.controlUrl}/twin-runs/${a.run.run_id}/reset`, { method: 'POST' });
  assert.deepEqual((await admin(a, 'GET', '/admin/state')).json.state, sa);
  const bad = await admin(a, 'PUT', '/admin/config', { seed: { databases: [{ name: 'X', schema: { N: 'title' }, rows: [{ Nope: 1 }] }] } });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.json), /Nope/);
});

test('seeding: long page content is appended in 100-block batches and split on character boundaries', async () => {
  const ctx = await newRun();
  const lines = Array.from({ length: 250 }, (_, i) => `line ${i}`);
  const wide = '日'.repeat(1000);          // 3000 bytes: two rich text items, neither cutting a character
  const r = await admin(ctx, 'PUT', '/admin/config', { seed: { pages: [{ title: 'Long', content: [...lines, wide].join('\n') }] } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const page = (await ctx.notion.search({ query: 'Long' })).results[0];
  const seen = [];
  let cursor;
  do {
    const res = await ctx.notion.blocks.children.list({ block_id: page.id, start_cursor: cursor });
    seen.push(...res.results.map((b) => plain(b.paragraph.rich_text)));
    cursor = res.next_cursor ?? undefined;
  } while (cursor);
  assert.deepEqual(seen, [...lines, wide]);
});

test('presets that include notion seed fully', async () => {
  const presets = ['preset-saas-billing', 'preset-customer-support', 'preset-document-collaboration',
    'preset-access-control', 'preset-i18n-unicode'];
  const url = (await newRun()).controlUrl;
  const list = await (await fetch(`${url}/scenarios?include_presets=true`)).json();
  const ids = (Array.isArray(list) ? list : list.scenarios || list.data).map((s) => s.id);
  for (const want of presets) {
    const id = ids.find((x) => x === want) || ids.find((x) => x.startsWith(want.slice(0, 12)) && want.includes(x.split('-')[1]));
    assert.ok(id, `preset ${want} not found in ${ids}`);
    const twins = (await (await fetch(`${url}/scenarios/${id}`)).json()).twins;
    const ctx = await newRun({ twins, scenario_id: id });
    assert.equal(ctx.run.seed_results.notion.status, 'seeded', `${id}: ${JSON.stringify(ctx.run.seed_results.notion)}`);
    assert.ok(ctx.run.seed_results.notion.pages >= 2);
    const found = await ctx.notion.search({});
    assert.ok(found.results.length >= (id === 'preset-access-control' ? 1 : 2));
    if (id === 'preset-access-control') {
      const titles = found.results.map((r) => plain(r.properties?.title?.title || r.title || []));
      assert.ok(titles.includes('Public handbook'));
      assert.ok(!titles.includes('Incident response runbook'));
      assert.equal(found.results.filter((r) => r.object === 'data_source').length, 0);
    }
  }
});

test('file uploads: plan size limits (free 5 MiB, paid 5 GiB) and the workspace-plan admin endpoint', async () => {
  const ctx = await newRun();
  const { notion } = ctx;
  let r = await admin(ctx, 'GET', '/admin/workspace-plan');
  assert.deepEqual(r.json, { workspace_plan: 'free', limits: { max_file_upload_bytes: 5242880, max_guests: 10 } });
  const small = await notion.fileUploads.create({ mode: 'single_part', filename: 'a.txt', content_type: 'text/plain' });
  assert.equal(small.object, 'file_upload');
  assert.equal(small.status, 'pending');
  assert.equal(small.upload_url, `${ctx.base}/v1/file_uploads/${small.id}/send`);
  const sent = await notion.fileUploads.send({ file_upload_id: small.id, file: { filename: 'a.txt', data: new Blob(['hello']) } });
  assert.equal(sent.status, 'uploaded');
  assert.equal(sent.content_length, 5);
  assert.equal((await notion.fileUploads.retrieve({ file_upload_id: small.id })).status, 'uploaded');
  assertNotionError(await rejects(() => notion.fileUploads.send({ file_upload_id: small.id, file: { data: new Blob(['x']) } })), 400, 'validation_error');
  const big = new Blob([new Uint8Array(6 * 1024 * 1024)]);
  const up = await notion.fileUploads.create({ mode: 'single_part', filename: 'big.bin' });
  const err = await rejects(() => notion.fileUploads.send({ file_upload_id: up.id, file: { filename: 'big.bin', data: big } }));
  const body = assertNotionError(err, 400, 'validation_error');
  assert.match(body.message, /free plan/);
  const pre = await raw(ctx, 'POST', '/v1/file_uploads', { body: { filename: 'x', content_length: 6 * 1024 * 1024 } });
  assert.equal(pre.status, 400);
  assert.equal(pre.json.code, 'validation_error');
  r = await admin(ctx, 'POST', '/admin/workspace-plan', { workspace_plan: 'business' });
  assert.deepEqual(r.json, { ok: true, workspace_plan: 'business', limits: { max_file_upload_bytes: 5368709120, max_guests: 250 } });
  assert.equal((await notion.users.me({})).bot.workspace_limits.max_file_upload_size_in_bytes, 5368709120);
  const up2 = await notion.fileUploads.create({ mode: 'single_part', filename: 'big.bin' });
  assert.equal((await notion.fileUploads.send({ file_upload_id: up2.id, file: { filename: 'big.bin', data: big } })).content_length, 6 * 1024 * 1024);
  const listed = await notion.fileUploads.list({ status: 'uploaded' });
  assert.equal(listed.results.length, 2);
  r = await admin(ctx, 'POST', '/admin/workspace-plan', { workspace_plan: 'platinum' });
  assert.equal(r.status, 400);
  r = await admin(ctx, 'POST', '/admin/workspace-plan', { workspace_plan: 'enterprise' });
  assert.equal(r.json.limits.max_guests, null);
  // the config can set the plan too
  const c2 = await newRun();
  await admin(c2, 'PATCH', '/admin/config', { plan: 'plus' });
  assert.equal((await c2.notion.users.me({})).bot.workspace_limits.max_file_upload_size_in_bytes, 5368709120);
});

test('faults and unknown routes answer in Notion error shape', async () => {
  const ctx = await newRun();
  let r = await admin(ctx, 'POST', '/admin/faults', { route: 'GET /v1/users/me', status: 429, count: 1 });
  assert.ok(r.status < 300, JSON.stringify(r.json));
  const body = assertNotionError(await rejects(() => ctx.notion.users.me({})), 429, 'rate_limited');
  assert.match(body.message, /rate limited/);
  assert.equal((await ctx.notion.users.me({})).type, 'bot');
  r = await raw(ctx, 'GET', '/v1/definitely/not/here');
  assert.equal(r.status, 400);
  assert.equal(r.json.object, 'error');
  assert.equal(r.json.code, 'invalid_request_url');
});

test('stateful routes are reported as stateful by /admin/openapi', async () => {
  const ctx = await newRun();
  const r = await admin(ctx, 'GET', '/admin/openapi');
  assert.equal(r.status, 200);
  const text = JSON.stringify(r.json);
  for (const p of ['/v1/pages/{id}', '/v1/blocks/{id}/children', '/v1/databases/{id}/query', '/v1/users/{id}'])
    assert.ok(text.includes(p), `${p} missing from /admin/openapi`);
});
