// files.modifyLabels / files.listLabels and labelInfo through the official SDK.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, assertSchema, rejects, gerr, stopServer } from './helpers.mjs';

after(stopServer);

test('labels: modifyLabels applies, changes and removes; listLabels pages; includeLabels shows labelInfo', async () => {
  const ctx = await newRun();
  const f = (await ctx.d.files.create({ requestBody: { name: 'contract.txt' } })).data;
  const r = await ctx.d.files.modifyLabels({ fileId: f.id, requestBody: { labelModifications: [
    { labelId: 'lbl-status', fieldModifications: [{ fieldId: 'stage', setSelectionValues: ['review'] },
      { fieldId: 'owner', setUserValues: ['ann@example.com'] }] },
    { labelId: 'lbl-budget', fieldModifications: [{ fieldId: 'amount', setIntegerValues: ['1200'] }] },
  ] } });
  assertSchema('POST', '/drive/v3/files/{fileId}/modifyLabels', r.data);
  assert.equal(r.data.kind, 'drive#modifyLabelsResponse');
  assert.deepEqual(r.data.modifiedLabels.map((l) => l.id), ['lbl-status', 'lbl-budget']);
  const status = r.data.modifiedLabels[0];
  assert.deepEqual(status.fields.stage, { kind: 'drive#labelField', id: 'stage', valueType: 'selection', selection: ['review'] });
  assert.equal(status.fields.owner.user[0].emailAddress, 'ann@example.com');
  const list = await ctx.d.files.listLabels({ fileId: f.id });
  assertSchema('GET', '/drive/v3/files/{fileId}/listLabels', list.data);
  assert.deepEqual(list.data.labels.map((l) => l.id), ['lbl-status', 'lbl-budget']);
  const p1 = await ctx.d.files.listLabels({ fileId: f.id, maxResults: 1 });
  assert.equal(p1.data.labels.length, 1);
  const p2 = await ctx.d.files.listLabels({ fileId: f.id, maxResults: 1, pageToken: p1.data.nextPageToken });
  assert.deepEqual(p2.data.labels.map((l) => l.id), ['lbl-budget']);
  assert.equal(p2.data.nextPageToken, undefined);
  await ctx.d.files.modifyLabels({ fileId: f.id, requestBody: { labelModifications: [
    { labelId: 'lbl-status', fieldModifications: [{ fieldId: 'owner', unsetValues: true }] },
    { labelId: 'lbl-budget', removeLabel: true },
  ] } });
  const got = await ctx.d.files.get({ fileId: f.id, includeLabels: 'lbl-status,lbl-budget', fields: 'labelInfo' });
  assert.deepEqual(got.data.labelInfo.labels.map((l) => [l.id, Object.keys(l.fields)]), [['lbl-status', ['stage']]]);
  const listed = await ctx.d.files.list({ includeLabels: 'lbl-status', fields: 'files(id,labelInfo)' });
  assert.equal(listed.data.files[0].labelInfo.labels[0].id, 'lbl-status');
  const noId = gerr(await rejects(() => ctx.d.files.modifyLabels({ fileId: f.id,
    requestBody: { labelModifications: [{ fieldModifications: [] }] } })));
  assert.equal(noId.status, 400);
  assert.equal(noId.body.error.errors[0].reason, 'required');
  const noValues = gerr(await rejects(() => ctx.d.files.modifyLabels({ fileId: f.id,
    requestBody: { labelModifications: [{ labelId: 'x', fieldModifications: [{ fieldId: 'y' }] }] } })));
  assert.equal(noValues.status, 400);
  // a failed request applied nothing
  assert.deepEqual((await ctx.d.files.listLabels({ fileId: f.id })).data.labels.map((l) => l.id), ['lbl-status']);
  const bad = gerr(await rejects(() => ctx.d.files.listLabels({ fileId: f.id, maxResults: 101 })));
  assert.equal(bad.status, 400);
  assert.equal(gerr(await rejects(() => ctx.d.files.listLabels({ fileId: 'nope' }))).status, 404);
});
