// Notion twin: the trash and sharing as they reach related objects.  A
// trashed child block stops counting for its parent's has_children; rows of
// a trashed database read as trashed and refuse edits until the database is
// restored; blocks nested in one append are seen exactly like their page.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, assertNotionError, assertSchema, client, newRun, plain, rejects, stopServer, text } from './helpers.mjs';

after(stopServer);

const ARCHIVED = 'Can\'t edit block that is archived. You must unarchive the block before editing.';

const SEED = {
  pages: [
    { title: 'Home', content: 'Top page.' },
    { title: 'Secret plans', content: 'Hidden.', shared_with_integration: false },
    { title: 'Secret child', content: 'Also hidden.', parent: 'Secret plans' },
    { title: 'Shared on its own', content: 'Visible.', parent: 'Secret plans', shared_with_integration: true },
  ],
  databases: [{
    name: 'Tasks', parent: 'Home',
    schema: { Task: 'title', Status: 'select' },
    rows: [{ Task: 'Write spec', Status: 'Todo' }, { Task: 'Review spec', Status: 'Doing' }],
  }],
};

async function seeded() {
  const ctx = await newRun();
  const r = await admin(ctx, 'PUT', '/admin/config', { seed: SEED });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return ctx;
}

const pageTitled = async (notion, title) => (await notion.search({ query: title, filter: { property: 'object', value: 'page' } }))
  .results.find((p) => plain(p.properties.title?.title ?? p.properties.Task.title) === title);

test('has_children follows the children still out of the trash (blocks and pages)', async () => {
  const { notion } = await seeded();
  const home = await pageTitled(notion, 'Home');
  const page = await notion.pages.create({ parent: { page_id: home.id }, properties: { title: text('Scratch') },
    children: [{ toggle: { rich_text: text('toggle'), children: [
      { paragraph: { rich_text: text('one') } }, { paragraph: { rich_text: text('two') } }] } }] });
  const [toggle] = (await notion.blocks.children.list({ block_id: page.id })).results;
  assert.equal(toggle.has_children, true);
  const [one, two] = (await notion.blocks.children.list({ block_id: toggle.id })).results;

  await notion.blocks.delete({ block_id: one.id });
  assert.equal((await notion.blocks.retrieve({ block_id: toggle.id })).has_children, true);
  await notion.blocks.delete({ block_id: two.id });
  const empty = await notion.blocks.retrieve({ block_id: toggle.id });
  assert.equal(empty.has_children, false);
  assertSchema('GET', '/v1/blocks/{id}', empty);
  assert.deepEqual((await notion.blocks.children.list({ block_id: toggle.id })).results, []);
  // the listing of the page shows the same flag as a retrieve
  assert.equal((await notion.blocks.children.list({ block_id: page.id })).results[0].has_children, false);

  // restoring a child brings the flag back
  const back = await notion.blocks.update({ block_id: two.id, in_trash: false });
  assert.equal(back.in_trash, false);
  assert.equal((await notion.blocks.retrieve({ block_id: toggle.id })).has_children, true);

  // a page's own has_children (its block view) ignores trashed content too
  assert.equal((await notion.blocks.retrieve({ block_id: page.id })).has_children, true);
  await notion.blocks.delete({ block_id: toggle.id });
  assert.equal((await notion.blocks.retrieve({ block_id: page.id })).has_children, false);
  // and a child page in the trash no longer counts for its parent page
  const parent = await notion.pages.create({ parent: { page_id: home.id }, properties: { title: text('Parent') } });
  const kid = await notion.pages.create({ parent: { page_id: parent.id }, properties: { title: text('Kid') } });
  assert.equal((await notion.blocks.retrieve({ block_id: parent.id })).has_children, true);
  await notion.pages.update({ page_id: kid.id, in_trash: true });
  assert.equal((await notion.blocks.retrieve({ block_id: parent.id })).has_children, false);
});

test('rows of a trashed database read as trashed and refuse edits until it is restored', async () => {
  const { notion } = await seeded();
  const ds = (await notion.search({ query: 'Tasks', filter: { property: 'object', value: 'data_source' } })).results[0];
  const rows = (await notion.dataSources.query({ data_source_id: ds.id })).results;
  assert.equal(rows.length, 2);
  // (an icon: the official description has no null icon)
  const row = await notion.pages.update({ page_id: rows[0].id, icon: { type: 'emoji', emoji: '📌' } });
  assert.equal(row.in_trash, false);

  const db = await notion.databases.update({ database_id: ds.parent.database_id, in_trash: true });
  assert.equal(db.in_trash, true);
  const gone = await notion.pages.retrieve({ page_id: row.id });
  assert.equal(gone.archived, true);
  assert.equal(gone.in_trash, true);
  assertSchema('GET', '/v1/pages/{id}', gone);
  assert.equal((await notion.blocks.retrieve({ block_id: row.id })).in_trash, true);

  for (const edit of [{ properties: { Status: { select: { name: 'Done' } } } }, { icon: { type: 'emoji', emoji: '🔥' } },
    { in_trash: false }, { archived: true }]) {
    const body = assertNotionError(await rejects(() => notion.pages.update({ page_id: row.id, ...edit })), 400, 'validation_error');
    assert.equal(body.message, ARCHIVED);
  }
  for (const call of [
    () => notion.blocks.children.append({ block_id: row.id, children: [{ paragraph: { rich_text: text('x') } }] }),
    () => notion.blocks.delete({ block_id: row.id }),
    () => notion.blocks.update({ block_id: row.id, in_trash: false }),
    () => notion.pages.create({ parent: { data_source_id: ds.id }, properties: { Task: { title: text('New') } } }),
  ]) {
    const body = assertNotionError(await rejects(call), 400, 'validation_error');
    assert.equal(body.message, ARCHIVED);
  }
  // trashed rows leave queries and search, the data source leaves search
  assert.equal((await notion.dataSources.query({ data_source_id: ds.id })).results.length, 0);
  assert.equal((await notion.search({ query: 'spec' })).results.length, 0);
  assert.equal((await notion.search({ query: 'Tasks', filter: { property: 'object', value: 'data_source' } })).results.length, 0);

  // restoring the database restores its rows, which take edits again
  await notion.databases.update({ database_id: ds.parent.database_id, in_trash: false });
  const restored = await notion.pages.retrieve({ page_id: row.id });
  assert.equal(restored.in_trash, false);
  assert.equal(restored.archived, false);
  const edited = await notion.pages.update({ page_id: row.id, properties: { Status: { select: { name: 'Done' } } } });
  assert.equal(edited.properties.Status.select.name, 'Done');
  assert.equal((await notion.search({ query: 'spec' })).results.length, 2);
  assert.equal((await notion.dataSources.query({ data_source_id: ds.id })).results.length, 2);
  // a row trashed on its own stays trashed when its database comes back
  await notion.pages.update({ page_id: rows[1].id, in_trash: true });
  await notion.databases.update({ database_id: ds.parent.database_id, in_trash: true });
  await notion.databases.update({ database_id: ds.parent.database_id, in_trash: false });
  assert.equal((await notion.pages.retrieve({ page_id: rows[1].id })).in_trash, true);
  assert.equal((await notion.pages.retrieve({ page_id: row.id })).in_trash, false);
  // trashing the data source itself does the same to its rows
  await notion.dataSources.update({ data_source_id: ds.id, in_trash: true });
  assert.equal((await notion.pages.retrieve({ page_id: row.id })).in_trash, true);
  assertNotionError(await rejects(() => notion.pages.update({ page_id: row.id, properties: { Status: { select: { name: 'Todo' } } } })),
    400, 'validation_error');
  await notion.dataSources.update({ data_source_id: ds.id, in_trash: false });
  assert.equal((await notion.pages.retrieve({ page_id: row.id })).in_trash, false);
});

test('2022-06-28: archiving a database archives its rows the same way', async () => {
  const ctx = await seeded();
  const old = client(ctx.base, ctx.token, { notionVersion: '2022-06-28' });
  const db = (await old.search({ query: 'Tasks', filter: { property: 'object', value: 'database' } })).results[0];
  const query = () => old.request({ path: `databases/${db.id}/query`, method: 'post', body: {} });
  const [row] = (await query()).results;
  assert.deepEqual(row.parent, { type: 'database_id', database_id: db.id });
  await old.request({ path: `databases/${db.id}`, method: 'patch', body: { archived: true } });
  assert.equal((await query()).results.length, 0);
  const gone = await old.pages.retrieve({ page_id: row.id });
  assert.equal(gone.archived, true);
  const body = assertNotionError(await rejects(() => old.pages.update({ page_id: row.id, archived: false })), 400, 'validation_error');
  assert.equal(body.message, ARCHIVED);
  await old.request({ path: `databases/${db.id}`, method: 'patch', body: { archived: false } });
  assert.equal((await old.pages.retrieve({ page_id: row.id })).archived, false);
});

test('blocks nested in one append are visible like their page, at every level', async () => {
  const { notion } = await seeded();
  const home = await pageTitled(notion, 'Home');
  const res = await notion.blocks.children.append({ block_id: home.id, children: [
    { toggle: { rich_text: text('outer'), children: [
      { bulleted_list_item: { rich_text: text('middle'), children: [{ to_do: { rich_text: text('inner') } }] } }] } }] });
  const outer = res.results[0];
  assert.equal(outer.has_children, true);
  const [middle] = (await notion.blocks.children.list({ block_id: outer.id })).results;
  assert.equal(middle.has_children, true);
  assert.deepEqual(middle.parent, { type: 'block_id', block_id: outer.id });
  const [inner] = (await notion.blocks.children.list({ block_id: middle.id })).results;
  assert.equal(inner.to_do.rich_text[0].plain_text, 'inner');
  assert.deepEqual(inner.parent, { type: 'block_id', block_id: middle.id });
  const got = await notion.blocks.retrieve({ block_id: inner.id });
  assertSchema('GET', '/v1/blocks/{id}', got);
  assert.equal(got.id, inner.id);
  const up = await notion.blocks.update({ block_id: inner.id, to_do: { checked: true } });
  assert.equal(up.to_do.checked, true);
  // appending below a nested block keeps working one more level down
  const deeper = await notion.blocks.children.append({ block_id: inner.id, children: [{ paragraph: { rich_text: text('deepest') } }] });
  assert.equal((await notion.blocks.retrieve({ block_id: deeper.results[0].id })).paragraph.rich_text[0].plain_text, 'deepest');
  assert.equal((await notion.blocks.retrieve({ block_id: inner.id })).has_children, true);
});

test('sharing reaches down: children of an unshared page stay hidden unless shared themselves', async () => {
  const ctx = await seeded();
  const { notion } = ctx;
  const titles = (await notion.search({ query: '' })).results.filter((r) => r.object === 'page')
    .map((p) => plain(p.properties.title?.title ?? p.properties.Task.title));
  assert.ok(!titles.includes('Secret plans'));
  assert.ok(!titles.includes('Secret child'));
  assert.ok(titles.includes('Shared on its own'));
  const state = (await admin(ctx, 'GET', '/admin/state')).json.state;
  const byTitle = (t) => state.pages.find((p) => plain(p.properties.title.title) === t);
  const child = byTitle('Secret child');
  assertNotionError(await rejects(() => notion.pages.retrieve({ page_id: child.id })), 404, 'object_not_found');
  const childBlock = state.blocks.find((b) => b.parent.page_id === child.id);
  assertNotionError(await rejects(() => notion.blocks.retrieve({ block_id: childBlock.id })), 404, 'object_not_found');
  assertNotionError(await rejects(() => notion.blocks.children.list({ block_id: child.id })), 404, 'object_not_found');
  // a page shared on its own is readable as a page and as a block, though its parent is not
  const own = byTitle('Shared on its own');
  const page = await notion.pages.retrieve({ page_id: own.id });
  assert.equal(page.id, own.id);
  const asBlock = await notion.blocks.retrieve({ block_id: own.id });
  assert.equal(asBlock.type, 'child_page');
  assert.equal(asBlock.child_page.title, 'Shared on its own');
  const kids = (await notion.blocks.children.list({ block_id: own.id })).results;
  assert.equal(kids[0].paragraph.rich_text[0].plain_text, 'Visible.');
});
