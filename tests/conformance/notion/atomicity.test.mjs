// Notion twin: a rejected request changes nothing.  The engine rolls a
// handler's writes back when it answers an error, so a page update that
// would add a select option to the data source, then fails on a later field,
// leaves the schema and the page as they were.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, assertNotionError, newRun, plain, rejects, stopServer, text } from './helpers.mjs';

after(stopServer);

const SEED = {
  pages: [{ title: 'Home', content: 'Top page.' }],
  databases: [{
    name: 'Tasks', parent: 'Home',
    schema: { Task: 'title', Status: 'select' },
    rows: [{ Task: 'Write spec', Status: 'Todo' }],
  }],
};

async function seeded() {
  const ctx = await newRun();
  const r = await admin(ctx, 'PUT', '/admin/config', { seed: SEED });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const s = await ctx.notion.search({ query: 'Tasks', filter: { property: 'object', value: 'data_source' } });
  assert.equal(s.results.length, 1);
  return { ...ctx, ds: s.results[0] };
}

const optionNames = async (notion, ds) =>
  (await notion.dataSources.retrieve({ data_source_id: ds.id })).properties.Status.select.options.map((o) => o.name);

test('pages.update: a new select option then a bad icon changes neither the schema nor the page', async () => {
  const { notion, ds } = await seeded();
  const row = (await notion.dataSources.query({ data_source_id: ds.id })).results[0];
  const optionsBefore = await optionNames(notion, ds);
  assert.ok(!optionsBefore.includes('Brand new'));

  const err = await rejects(() => notion.pages.update({
    page_id: row.id,
    properties: { Status: { select: { name: 'Brand new' } } },
    icon: { type: 'emoji' },
  }));
  assertNotionError(err, 400, 'validation_error');

  assert.deepEqual(await optionNames(notion, ds), optionsBefore);
  const again = await notion.pages.retrieve({ page_id: row.id });
  assert.equal(again.properties.Status.select.name, 'Todo');
  assert.equal(again.last_edited_time, row.last_edited_time);

  // the same update without the bad icon goes through, and adds the option
  const ok = await notion.pages.update({ page_id: row.id, properties: { Status: { select: { name: 'Brand new' } } } });
  assert.equal(ok.properties.Status.select.name, 'Brand new');
  assert.ok((await optionNames(notion, ds)).includes('Brand new'));
});

test('pages.create: an invalid child block leaves no page (and no new option) behind', async () => {
  const { notion, ds } = await seeded();
  const optionsBefore = await optionNames(notion, ds);
  const rowsBefore = (await notion.dataSources.query({ data_source_id: ds.id })).results.length;
  const err = await rejects(() => notion.pages.create({
    parent: { type: 'data_source_id', data_source_id: ds.id },
    properties: { Task: { title: text('Half made') }, Status: { select: { name: 'Another new' } } },
    children: [{ paragraph: { rich_text: text('fine') } }, { child_page: { title: 'not appendable' } }],
  }));
  assertNotionError(err, 400, 'validation_error');
  const rows = (await notion.dataSources.query({ data_source_id: ds.id })).results;
  assert.equal(rows.length, rowsBefore);
  assert.ok(!rows.some((p) => plain(p.properties.Task.title) === 'Half made'));
  assert.deepEqual(await optionNames(notion, ds), optionsBefore);
  const found = await notion.search({ query: 'Half made' });
  assert.equal(found.results.length, 0);
});

test('blocks.children.append: a bad block after good ones appends nothing', async () => {
  const { notion } = await seeded();
  const home = (await notion.search({ query: 'Home', filter: { property: 'object', value: 'page' } })).results[0];
  const before = (await notion.blocks.children.list({ block_id: home.id })).results.length;
  const err = await rejects(() => notion.blocks.children.append({
    block_id: home.id,
    children: [{ paragraph: { rich_text: text('one') } }, { paragraph: { rich_text: text('two') } }, { child_page: { title: 'not appendable' } }],
  }));
  assertNotionError(err, 400, 'validation_error');
  assert.equal((await notion.blocks.children.list({ block_id: home.id })).results.length, before);
});
