// Google Calendar twin driven by the official @googleapis/calendar SDK.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, client, admin, raw, assertSchema, rejects, gErr, receiver, stopServer, control } from './helpers.mjs';

after(stopServer);

const ev = (summary, start, end, extra = {}) => ({ summary, start: { dateTime: start }, end: { dateTime: end }, ...extra });

test('primary calendar exists with the configured email; calendar list shows it', async () => {
  const t = await newRun();
  const { data: cal } = await t.cal.calendars.get({ calendarId: 'primary' });
  assert.equal(cal.id, 'twin.user@example.com');
  assert.equal(cal.kind, 'calendar#calendar');
  assertSchema('GET', '/calendar/v3/calendars/{calendarId}', cal);
  const { data: list } = await t.cal.calendarList.list();
  assert.equal(list.kind, 'calendar#calendarList');
  assert.equal(list.items.length, 1);
  assert.equal(list.items[0].primary, true);
  assert.equal(list.items[0].accessRole, 'owner');
  assert.ok(list.nextSyncToken);
  assertSchema('GET', '/calendar/v3/users/me/calendarList', list);
  await admin(t, 'PATCH', '/admin/config', { email: 'ada@example.org' });
  const { data: c2 } = await t.cal.calendars.get({ calendarId: 'primary' });
  assert.equal(c2.id, 'ada@example.org');
});

test('calendars insert/get/patch/update/delete; primary cannot be deleted', async () => {
  const t = await newRun();
  const { data: c } = await t.cal.calendars.insert({ requestBody: { summary: 'Team', timeZone: 'Europe/Paris' } });
  assert.match(c.id, /@group\.calendar\.google\.com$/);
  assertSchema('POST', '/calendar/v3/calendars', c);
  const { data: p } = await t.cal.calendars.patch({ calendarId: c.id, requestBody: { description: 'our team' } });
  assert.equal(p.summary, 'Team');
  assert.equal(p.description, 'our team');
  assert.notEqual(p.etag, c.etag);
  const { data: u } = await t.cal.calendars.update({ calendarId: c.id, requestBody: { summary: 'Team 2', timeZone: 'UTC' } });
  assert.equal(u.summary, 'Team 2');
  assert.equal(u.description, undefined);
  const { data: list } = await t.cal.calendarList.list();
  assert.equal(list.items.length, 2);
  const del = await t.cal.calendars.delete({ calendarId: c.id });
  assert.equal(del.status, 204);
  const e = gErr(await rejects(() => t.cal.calendars.get({ calendarId: c.id })));
  assert.equal(e.status, 404);
  assert.deepEqual(e.body.errors[0], { domain: 'global', reason: 'notFound', message: 'Not Found' });
  assert.equal(e.body.code, 404);
  const e2 = gErr(await rejects(() => t.cal.calendars.delete({ calendarId: 'primary' })));
  assert.equal(e2.status, 400);
  const miss = gErr(await rejects(() => t.cal.calendars.insert({ requestBody: {} })));
  assert.equal(miss.status, 400);
  assert.equal(miss.body.errors[0].reason, 'required');
});

test('calendarList patch (colorId, summaryOverride, hidden, selected), delete and insert, paging', async () => {
  const t = await newRun();
  const ids = [];
  for (let i = 0; i < 4; i++) ids.push((await t.cal.calendars.insert({ requestBody: { summary: `C${i}` } })).data.id);
  const { data: e } = await t.cal.calendarList.patch({ calendarId: ids[0],
    requestBody: { colorId: '5', summaryOverride: 'Mine', hidden: true, selected: false } });
  assert.equal(e.colorId, '5');
  assert.equal(e.backgroundColor, '#ff7537');
  assert.equal(e.summaryOverride, 'Mine');
  assert.equal(e.hidden, true);
  assertSchema('PATCH', '/calendar/v3/users/me/calendarList/{calendarId}', e);
  const visible = await t.cal.calendarList.list();
  assert.equal(visible.data.items.length, 4);
  const all = await t.cal.calendarList.list({ showHidden: true });
  assert.equal(all.data.items.length, 5);
  const p1 = await t.cal.calendarList.list({ showHidden: true, maxResults: 2 });
  assert.equal(p1.data.items.length, 2);
  assert.ok(p1.data.nextPageToken);
  assert.equal(p1.data.nextSyncToken, undefined);
  const p2 = await t.cal.calendarList.list({ showHidden: true, maxResults: 2, pageToken: p1.data.nextPageToken });
  const p3 = await t.cal.calendarList.list({ showHidden: true, maxResults: 2, pageToken: p2.data.nextPageToken });
  const seen = [...p1.data.items, ...p2.data.items, ...p3.data.items].map((x) => x.id);
  assert.equal(new Set(seen).size, 5);
  assert.ok(p3.data.nextSyncToken);
  await t.cal.calendarList.delete({ calendarId: ids[1] });
  assert.equal(gErr(await rejects(() => t.cal.calendarList.get({ calendarId: ids[1] }))).status, 404);
  const { data: back } = await t.cal.calendarList.insert({ requestBody: { id: ids[1] } });
  assert.equal(back.id, ids[1]);
  assert.equal(gErr(await rejects(() => t.cal.calendarList.patch({ calendarId: ids[0], requestBody: { colorId: '99' } }))).status, 400);
});

test('events insert and get: full resource shape', async () => {
  const t = await newRun();
  const { data: e } = await t.cal.events.insert({ calendarId: 'primary', requestBody: {
    summary: 'Standup', description: 'daily', location: 'Room 1', colorId: '3',
    start: { dateTime: '2026-03-10T09:00:00-07:00', timeZone: 'America/Los_Angeles' },
    end: { dateTime: '2026-03-10T09:30:00-07:00', timeZone: 'America/Los_Angeles' },
    attendees: [{ email: 'bob@example.com' }, { email: 'twin.user@example.com' }],
    reminders: { useDefault: false, overrides: [{ method: 'popup', minutes: 5 }] },
    transparency: 'opaque', visibility: 'private' } });
  assert.equal(e.kind, 'calendar#event');
  assert.match(e.id, /^[a-v0-9]{5,}$/);
  assert.equal(e.status, 'confirmed');
  assert.match(e.htmlLink, /^https:\/\/www\.google\.com\/calendar\/event\?eid=/);
  assert.equal(e.iCalUID, `${e.id}@google.com`);
  assert.equal(e.sequence, 0);
  assert.equal(e.organizer.email, 'twin.user@example.com');
  assert.equal(e.organizer.self, true);
  assert.equal(e.creator.email, 'twin.user@example.com');
  assert.equal(e.attendees[0].responseStatus, 'needsAction');
  assert.equal(e.attendees[1].self, true);
  assert.ok(e.etag && e.created && e.updated);
  assertSchema('POST', '/calendar/v3/calendars/{calendarId}/events', e);
  const { data: g } = await t.cal.events.get({ calendarId: 'twin.user@example.com', eventId: e.id });
  assert.equal(g.summary, 'Standup');
  assert.equal(g.reminders.overrides[0].minutes, 5);
  assert.equal(g.visibility, 'private');
  assertSchema('GET', '/calendar/v3/calendars/{calendarId}/events/{eventId}', g);
  const allDay = await t.cal.events.insert({ calendarId: 'primary', requestBody: { summary: 'Holiday', start: { date: '2026-04-01' }, end: { date: '2026-04-02' } } });
  assert.equal(allDay.data.start.date, '2026-04-01');
});

test('events insert validation: missing end, empty time range, bad id, duplicate id (409)', async () => {
  const t = await newRun();
  const a = gErr(await rejects(() => t.cal.events.insert({ calendarId: 'primary', requestBody: { summary: 'x', start: { dateTime: '2026-01-01T10:00:00Z' } } })));
  assert.equal(a.status, 400);
  assert.equal(a.body.errors[0].reason, 'required');
  const b = gErr(await rejects(() => t.cal.events.insert({ calendarId: 'primary', requestBody: ev('x', '2026-01-01T10:00:00Z', '2026-01-01T09:00:00Z') })));
  assert.equal(b.status, 400);
  assert.equal(b.body.errors[0].reason, 'timeRangeEmpty');
  assert.equal(b.body.message, 'The specified time range is empty.');
  const c = gErr(await rejects(() => t.cal.events.insert({ calendarId: 'primary', requestBody: { id: 'BAD_ID!', ...ev('x', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z') } })));
  assert.equal(c.status, 400);
  assert.equal(c.body.errors[0].reason, 'invalid');
  await t.cal.events.insert({ calendarId: 'primary', requestBody: { id: 'event00001', ...ev('x', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z') } });
  const d = gErr(await rejects(() => t.cal.events.insert({ calendarId: 'primary', requestBody: { id: 'event00001', ...ev('y', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z') } })));
  assert.equal(d.status, 409);
  assert.equal(d.body.errors[0].reason, 'duplicate');
  const nf = gErr(await rejects(() => t.cal.events.insert({ calendarId: 'nope@group.calendar.google.com', requestBody: ev('x', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z') })));
  assert.equal(nf.status, 404);
});

test('events patch and update; sequence grows when the time changes', async () => {
  const t = await newRun();
  const { data: e } = await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('Plan', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z', { location: 'A' }) });
  const { data: p } = await t.cal.events.patch({ calendarId: 'primary', eventId: e.id, requestBody: { summary: 'Plan v2' } });
  assert.equal(p.summary, 'Plan v2');
  assert.equal(p.location, 'A');
  assert.equal(p.sequence, 0);
  assert.notEqual(p.etag, e.etag);
  const { data: p2 } = await t.cal.events.patch({ calendarId: 'primary', eventId: e.id, requestBody: { end: { dateTime: '2026-02-01T12:00:00Z' } } });
  assert.equal(p2.sequence, 1);
  const { data: u } = await t.cal.events.update({ calendarId: 'primary', eventId: e.id, requestBody: ev('Replaced', '2026-02-02T10:00:00Z', '2026-02-02T11:00:00Z') });
  assert.equal(u.summary, 'Replaced');
  assert.equal(u.location, undefined);
  assert.equal(u.id, e.id);
  assert.equal(u.created, e.created);
  assertSchema('PUT', '/calendar/v3/calendars/{calendarId}/events/{eventId}', u);
  const bad = gErr(await rejects(() => t.cal.events.patch({ calendarId: 'primary', eventId: e.id, requestBody: { end: { dateTime: '2026-02-02T09:00:00Z' } } })));
  assert.equal(bad.body.errors[0].reason, 'timeRangeEmpty');
});

test('events delete marks cancelled; second delete is 410 deleted; showDeleted lists it', async () => {
  const t = await newRun();
  const { data: e } = await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('Gone', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z') });
  const d = await t.cal.events.delete({ calendarId: 'primary', eventId: e.id });
  assert.equal(d.status, 204);
  const again = gErr(await rejects(() => t.cal.events.delete({ calendarId: 'primary', eventId: e.id })));
  assert.equal(again.status, 410);
  assert.equal(again.body.errors[0].reason, 'deleted');
  assert.equal(again.body.message, 'Resource has been deleted');
  const { data: g } = await t.cal.events.get({ calendarId: 'primary', eventId: e.id });
  assert.equal(g.status, 'cancelled');
  assert.equal((await t.cal.events.list({ calendarId: 'primary' })).data.items.length, 0);
  const shown = await t.cal.events.list({ calendarId: 'primary', showDeleted: true });
  assert.equal(shown.data.items.length, 1);
  assert.equal(shown.data.items[0].status, 'cancelled');
  const nf = gErr(await rejects(() => t.cal.events.get({ calendarId: 'primary', eventId: 'unknownevent1' })));
  assert.equal(nf.status, 404);
});

test('events list: timeMin/timeMax window, q search, orderBy, maxResults + pageToken', async () => {
  const t = await newRun();
  for (const [s, h] of [['Zeta', 15], ['Alpha', 9], ['Mid', 12], ['Late', 20], ['Alpha 2', 7]])
    await t.cal.events.insert({ calendarId: 'primary', requestBody: ev(s, `2026-05-04T${String(h).padStart(2, '0')}:00:00Z`, `2026-05-04T${String(h).padStart(2, '0')}:30:00Z`) });
  const { data: w } = await t.cal.events.list({ calendarId: 'primary', timeMin: '2026-05-04T08:00:00Z', timeMax: '2026-05-04T16:00:00Z', singleEvents: true, orderBy: 'startTime' });
  assert.deepEqual(w.items.map((x) => x.summary), ['Alpha', 'Mid', 'Zeta']);
  assert.equal(w.kind, 'calendar#events');
  assertSchema('GET', '/calendar/v3/calendars/{calendarId}/events', w);
  const { data: q } = await t.cal.events.list({ calendarId: 'primary', q: 'alpha' });
  assert.equal(q.items.length, 2);
  const pages = [];
  let pageToken;
  do {
    const { data } = await t.cal.events.list({ calendarId: 'primary', maxResults: 2, singleEvents: true, orderBy: 'startTime', pageToken });
    pages.push(data.items.map((x) => x.summary));
    pageToken = data.nextPageToken;
    if (!pageToken) assert.ok(data.nextSyncToken);
  } while (pageToken);
  assert.deepEqual(pages, [['Alpha 2', 'Alpha'], ['Mid', 'Zeta'], ['Late']]);
  const bad = gErr(await rejects(() => t.cal.events.list({ calendarId: 'primary', orderBy: 'startTime' })));
  assert.equal(bad.status, 400);
  const empty = gErr(await rejects(() => t.cal.events.list({ calendarId: 'primary', timeMin: '2026-05-05T00:00:00Z', timeMax: '2026-05-04T00:00:00Z' })));
  assert.equal(empty.status, 400);
  assert.equal(empty.body.errors[0].reason, 'timeRangeEmpty');
});

test('events list: eventTypes and extended-property filters repeat (the SDK sends each value as its own key)', async () => {
  const t = await newRun();
  const at = (h) => `2026-06-01T${String(h).padStart(2, '0')}:00:00Z`;
  const mk = (summary, h, extra) => t.cal.events.insert({ calendarId: 'primary', requestBody: ev(summary, at(h), at(h + 1), extra) });
  await mk('Standup', 9, { extendedProperties: { private: { team: 'core', kind: 'sync' }, shared: { room: 'A' } } });
  await mk('Deep work', 10, { eventType: 'focusTime', extendedProperties: { private: { team: 'core' } } });
  await mk('Holiday', 11, { eventType: 'outOfOffice', extendedProperties: { shared: { room: 'B' } } });
  await mk('Review', 12, { extendedProperties: { private: { team: 'web', kind: 'sync' } } });
  const list = async (params) => (await t.cal.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime', ...params })).data.items.map((x) => x.summary);
  assert.deepEqual(await list({}), ['Standup', 'Deep work', 'Holiday', 'Review']);
  assert.deepEqual(await list({ eventTypes: ['focusTime'] }), ['Deep work']);
  assert.deepEqual(await list({ eventTypes: ['default', 'outOfOffice'] }), ['Standup', 'Holiday', 'Review']);
  // every constraint must hold
  assert.deepEqual(await list({ privateExtendedProperty: ['team=core'] }), ['Standup', 'Deep work']);
  assert.deepEqual(await list({ privateExtendedProperty: ['team=core', 'kind=sync'] }), ['Standup']);
  assert.deepEqual(await list({ privateExtendedProperty: ['kind=sync'], eventTypes: ['default'] }), ['Standup', 'Review']);
  assert.deepEqual(await list({ sharedExtendedProperty: ['room=B'] }), ['Holiday']);
  assert.deepEqual(await list({ sharedExtendedProperty: ['room=A', 'room=B'] }), []);
  const { data } = await t.cal.events.list({ calendarId: 'primary', eventTypes: ['workingLocation'] });
  assert.deepEqual(data.items, []);
  assertSchema('GET', '/calendar/v3/calendars/{calendarId}/events', data);
});

test('events list: an unknown eventTypes value is Google\'s 400 invalidParameter naming the allowed values', async () => {
  const t = await newRun();
  await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('Kept', '2026-06-01T09:00:00Z', '2026-06-01T10:00:00Z') });
  for (const eventTypes of [['meeting'], ['default', 'FOCUSTIME']]) {
    const bad = gErr(await rejects(() => t.cal.events.list({ calendarId: 'primary', eventTypes })));
    assert.equal(bad.status, 400, String(eventTypes));
    const wrong = eventTypes.find((x) => x !== 'default');
    assert.equal(bad.body.message,
      `Invalid value '${wrong}'. Values must match the following regular expression: 'birthday|default|focusTime|fromGmail|outOfOffice|workingLocation'`);
    assert.equal(bad.body.status, 'INVALID_ARGUMENT');
    assert.deepEqual(bad.body.errors[0], { domain: 'global', reason: 'invalidParameter', message: bad.body.message,
      location: 'eventTypes', locationType: 'parameter' });
  }
  // events.watch takes the same parameter and refuses the same values
  const w = gErr(await rejects(() => t.cal.events.watch({ calendarId: 'primary', eventTypes: ['meeting'],
    requestBody: { id: 'ch-types', type: 'web_hook', address: 'https://example.com/hook' } })));
  assert.equal(w.status, 400);
  assert.equal(w.body.errors[0].location, 'eventTypes');
  const state = (await admin(t, 'GET', '/admin/state')).json.state;
  assert.ok(state.calendars, JSON.stringify(state));
  assert.deepEqual(state.channels ?? [], []);
  // every documented value is accepted
  const all = ['birthday', 'default', 'focusTime', 'fromGmail', 'outOfOffice', 'workingLocation'];
  const { data } = await t.cal.events.list({ calendarId: 'primary', eventTypes: all });
  assert.deepEqual(data.items.map((x) => x.summary), ['Kept']);
});

test('recurring events: RRULE stored, singleEvents expands daily COUNT and weekly UNTIL; instances', async () => {
  const t = await newRun();
  const { data: d } = await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('Daily', '2026-06-01T09:00:00Z', '2026-06-01T09:15:00Z', { recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] }) });
  assert.deepEqual(d.recurrence, ['RRULE:FREQ=DAILY;COUNT=3']);
  await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('Weekly', '2026-06-01T14:00:00Z', '2026-06-01T15:00:00Z', { recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260612T000000Z'] }) });
  const { data: collapsed } = await t.cal.events.list({ calendarId: 'primary' });
  assert.equal(collapsed.items.length, 2);
  const { data: s } = await t.cal.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime', timeMin: '2026-06-01T00:00:00Z', timeMax: '2026-07-01T00:00:00Z' });
  const starts = s.items.map((x) => `${x.summary} ${x.start.dateTime}`);
  assert.deepEqual(starts, [
    'Daily 2026-06-01T09:00:00Z', 'Weekly 2026-06-01T14:00:00Z', 'Daily 2026-06-02T09:00:00Z',
    'Daily 2026-06-03T09:00:00Z', 'Weekly 2026-06-03T14:00:00Z', 'Weekly 2026-06-08T14:00:00Z', 'Weekly 2026-06-10T14:00:00Z']);
  assert.equal(s.items[0].recurringEventId, d.id);
  assert.equal(s.items[0].id, `${d.id}_20260601T090000Z`);
  assert.ok(s.items[0].originalStartTime.dateTime);
  const { data: inst } = await t.cal.events.instances({ calendarId: 'primary', eventId: d.id });
  assert.equal(inst.items.length, 3);
  const { data: one } = await t.cal.events.get({ calendarId: 'primary', eventId: inst.items[1].id });
  assert.equal(one.start.dateTime, '2026-06-02T09:00:00Z');
  await t.cal.events.delete({ calendarId: 'primary', eventId: inst.items[1].id });
  const { data: inst2 } = await t.cal.events.instances({ calendarId: 'primary', eventId: d.id });
  assert.deepEqual(inst2.items.map((x) => x.start.dateTime), ['2026-06-01T09:00:00Z', '2026-06-03T09:00:00Z']);
});

test('sync tokens: incremental list returns changes since; bad token is 410 fullSyncRequired', async () => {
  const t = await newRun();
  const { data: a } = await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('A', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z') });
  const { data: b } = await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('B', '2026-02-01T12:00:00Z', '2026-02-01T13:00:00Z') });
  const { data: full } = await t.cal.events.list({ calendarId: 'primary' });
  assert.equal(full.items.length, 2);
  const tok = full.nextSyncToken;
  const { data: none } = await t.cal.events.list({ calendarId: 'primary', syncToken: tok });
  assert.equal(none.items.length, 0);
  await t.cal.events.patch({ calendarId: 'primary', eventId: a.id, requestBody: { summary: 'A2' } });
  await t.cal.events.delete({ calendarId: 'primary', eventId: b.id });
  const { data: c } = await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('C', '2026-02-02T10:00:00Z', '2026-02-02T11:00:00Z') });
  const { data: inc } = await t.cal.events.list({ calendarId: 'primary', syncToken: tok });
  assert.deepEqual(inc.items.map((x) => [x.id, x.status]).sort(), [[a.id, 'confirmed'], [b.id, 'cancelled'], [c.id, 'confirmed']].sort());
  assert.ok(inc.nextSyncToken);
  const gone = gErr(await rejects(() => t.cal.events.list({ calendarId: 'primary', syncToken: 'garbage' })));
  assert.equal(gone.status, 410);
  assert.equal(gone.body.errors[0].reason, 'fullSyncRequired');
  await t.cal.calendars.clear({ calendarId: 'primary' });
  const cleared = gErr(await rejects(() => t.cal.events.list({ calendarId: 'primary', syncToken: inc.nextSyncToken })));
  assert.equal(cleared.status, 410);
  assert.equal((await t.cal.events.list({ calendarId: 'primary' })).data.items.length, 0);
  const mixed = gErr(await rejects(() => t.cal.events.list({ calendarId: 'primary', syncToken: tok, timeMin: '2026-01-01T00:00:00Z' })));
  assert.equal(mixed.status, 400);
});

// The filters Google refuses beside a syncToken (and showDeleted=false, as
// an incremental list always carries deletions): 400
// syncTokenWithRequestRestrictions, checked before the token itself.
test('sync tokens: restricting filters beside a syncToken are 400 syncTokenWithRequestRestrictions', async () => {
  const t = await newRun();
  await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('A', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z') });
  const tok = (await t.cal.events.list({ calendarId: 'primary' })).data.nextSyncToken;
  const restrictions = [
    { iCalUID: 'abc@google.com' }, { orderBy: 'updated' }, { privateExtendedProperty: ['team=core'] }, { q: 'A' },
    { sharedExtendedProperty: ['room=A'] }, { timeMin: '2026-01-01T00:00:00Z' }, { timeMax: '2027-01-01T00:00:00Z' },
    { updatedMin: '2026-01-01T00:00:00Z' }, { showDeleted: false },
  ];
  for (const r of restrictions) {
    for (const syncToken of [tok, 'garbage']) {
      const bad = gErr(await rejects(() => t.cal.events.list({ calendarId: 'primary', syncToken, ...r })));
      assert.equal(bad.status, 400, JSON.stringify(r));
      assert.equal(bad.body.message, 'Sync token cannot be used with other request restrictions.');
      assert.equal(bad.body.errors[0].reason, 'syncTokenWithRequestRestrictions');
      assert.equal(bad.body.errors[0].domain, 'calendar');
    }
  }
  // the parameters that may stay the same as in the full sync are accepted
  const { data } = await t.cal.events.list({ calendarId: 'primary', syncToken: tok, showDeleted: true, singleEvents: true,
    eventTypes: ['default'], maxResults: 10 });
  assert.deepEqual(data.items, []);
  assert.ok(data.nextSyncToken);
  const gone = gErr(await rejects(() => t.cal.events.list({ calendarId: 'primary', syncToken: 'garbage', showDeleted: true })));
  assert.equal(gone.status, 410);
  assert.equal(gone.body.errors[0].reason, 'fullSyncRequired');
});

// calendarList, acl and settings take sync tokens too: each returns what
// changed since its token, refuses the filters Google forbids beside one, and
// answers 410 fullSyncRequired for a token that is not its own.
test('sync tokens on calendarList, acl and settings: changes since, restrictions, 410', async () => {
  const t = await newRun();
  const gone = async (fn) => {
    const e = gErr(await rejects(fn));
    assert.equal(e.status, 410);
    assert.equal(e.body.errors[0].reason, 'fullSyncRequired');
  };
  const restricted = async (fn) => {
    const e = gErr(await rejects(fn));
    assert.equal(e.status, 400);
    assert.equal(e.body.errors[0].reason, 'syncTokenWithRequestRestrictions');
  };
  // ACL: only the rules changed since the token, deletions (role none) included
  const { data: a0 } = await t.cal.acl.list({ calendarId: 'primary' });
  assert.equal(a0.items.length, 1);
  assert.deepEqual((await t.cal.acl.list({ calendarId: 'primary', syncToken: a0.nextSyncToken })).data.items, []);
  const { data: bob } = await t.cal.acl.insert({ calendarId: 'primary', requestBody: { role: 'reader', scope: { type: 'user', value: 'bob@example.com' } } });
  const { data: amy } = await t.cal.acl.insert({ calendarId: 'primary', requestBody: { role: 'reader', scope: { type: 'user', value: 'amy@example.com' } } });
  const { data: a1 } = await t.cal.acl.list({ calendarId: 'primary', syncToken: a0.nextSyncToken });
  assert.deepEqual(a1.items.map((r) => r.id).sort(), [amy.id, bob.id].sort());
  await t.cal.acl.delete({ calendarId: 'primary', ruleId: bob.id });
  const { data: a2 } = await t.cal.acl.list({ calendarId: 'primary', syncToken: a1.nextSyncToken });
  assert.deepEqual(a2.items.map((r) => [r.id, r.role]), [[bob.id, 'none']]);
  assertSchema('GET', '/calendar/v3/calendars/{calendarId}/acl', a2);
  await gone(() => t.cal.acl.list({ calendarId: 'primary', syncToken: 'garbage' }));
  await restricted(() => t.cal.acl.list({ calendarId: 'primary', syncToken: a2.nextSyncToken, showDeleted: false }));
  assert.equal((await t.cal.acl.list({ calendarId: 'primary', syncToken: a2.nextSyncToken, showDeleted: true })).data.items.length, 0);
  // calendarList: minAccessRole, showDeleted=false and showHidden=false are refused beside a token
  const { data: l0 } = await t.cal.calendarList.list();
  for (const r of [{ minAccessRole: 'reader' }, { showDeleted: false }, { showHidden: false }]) {
    await restricted(() => t.cal.calendarList.list({ syncToken: l0.nextSyncToken, ...r }));
    await restricted(() => t.cal.calendarList.list({ syncToken: 'garbage', ...r }));
  }
  await gone(() => t.cal.calendarList.list({ syncToken: 'garbage' }));
  const { data: team } = await t.cal.calendars.insert({ requestBody: { summary: 'Team' } });
  const { data: l1 } = await t.cal.calendarList.list({ syncToken: l0.nextSyncToken, showHidden: true });
  assert.deepEqual(l1.items.map((e) => e.id), [team.id]);
  // settings: nothing changed, then the time zone (derived from the primary calendar) did
  const { data: s0 } = await t.cal.settings.list();
  assert.equal(s0.items.length, 12);
  assert.deepEqual((await t.cal.settings.list({ syncToken: s0.nextSyncToken })).data.items, []);
  await t.cal.calendars.patch({ calendarId: 'primary', requestBody: { timeZone: 'Asia/Tokyo' } });
  const { data: s1 } = await t.cal.settings.list({ syncToken: s0.nextSyncToken });
  assert.deepEqual(s1.items.map((x) => [x.id, x.value]), [['timezone', 'Asia/Tokyo']]);
  assertSchema('GET', '/calendar/v3/users/me/settings', s1);
  assert.deepEqual((await t.cal.settings.list({ syncToken: s1.nextSyncToken })).data.items, []);
  // a token taken before the change still sees it, however many lists came between
  assert.deepEqual((await t.cal.settings.list({ syncToken: s0.nextSyncToken })).data.items.map((x) => x.id), ['timezone']);
  await gone(() => t.cal.settings.list({ syncToken: 'garbage' }));
});

test('events move, quickAdd and import', async () => {
  const t = await newRun();
  const { data: other } = await t.cal.calendars.insert({ requestBody: { summary: 'Other' } });
  const { data: e } = await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('Movable', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z') });
  const { data: m } = await t.cal.events.move({ calendarId: 'primary', eventId: e.id, destination: other.id });
  assert.equal(m.id, e.id);
  assert.equal(m.organizer.email, other.id);
  assert.equal(gErr(await rejects(() => t.cal.events.get({ calendarId: 'primary', eventId: e.id }))).status, 404);
  assert.equal((await t.cal.events.get({ calendarId: other.id, eventId: e.id })).data.summary, 'Movable');
  assert.equal(gErr(await rejects(() => t.cal.events.move({ calendarId: other.id, eventId: e.id, destination: 'missing@group.calendar.google.com' }))).status, 404);
  const before = Date.now();
  const { data: q } = await t.cal.events.quickAdd({ calendarId: 'primary', text: 'Lunch with Ada' });
  assert.equal(q.summary, 'Lunch with Ada');
  assert.ok(Math.abs(Date.parse(q.start.dateTime) - before) < 5000);
  const { data: i1 } = await t.cal.events.import({ calendarId: 'primary', requestBody: { iCalUID: 'ext-123@example.com', ...ev('Imported', '2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z'), organizer: { email: 'ext@example.com' } } });
  assert.equal(i1.iCalUID, 'ext-123@example.com');
  assert.equal(i1.organizer.email, 'ext@example.com');
  const { data: i2 } = await t.cal.events.import({ calendarId: 'primary', requestBody: { iCalUID: 'ext-123@example.com', ...ev('Imported v2', '2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z') } });
  assert.equal(i2.id, i1.id);
  assert.equal(i2.summary, 'Imported v2');
  const { data: l } = await t.cal.events.list({ calendarId: 'primary', iCalUID: 'ext-123@example.com' });
  assert.equal(l.items.length, 1);
  const miss = gErr(await rejects(() => t.cal.events.import({ calendarId: 'primary', requestBody: ev('x', '2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z') })));
  assert.equal(miss.status, 400);
});

test('freebusy: merged busy intervals, transparent and cancelled events excluded, unknown calendar', async () => {
  const t = await newRun();
  const ins = (b) => t.cal.events.insert({ calendarId: 'primary', requestBody: b });
  await ins(ev('A', '2026-02-01T09:00:00Z', '2026-02-01T10:00:00Z'));
  await ins(ev('B', '2026-02-01T09:30:00Z', '2026-02-01T10:30:00Z'));
  await ins(ev('Free', '2026-02-01T12:00:00Z', '2026-02-01T13:00:00Z', { transparency: 'transparent' }));
  const { data: c } = await ins(ev('Cancelled', '2026-02-01T14:00:00Z', '2026-02-01T15:00:00Z'));
  await t.cal.events.delete({ calendarId: 'primary', eventId: c.id });
  await ins(ev('Edge', '2026-02-01T17:30:00Z', '2026-02-01T18:30:00Z'));
  const { data } = await t.cal.freebusy.query({ requestBody: { timeMin: '2026-02-01T00:00:00Z', timeMax: '2026-02-01T18:00:00Z',
    items: [{ id: 'primary' }, { id: 'ghost@group.calendar.google.com' }] } });
  assert.equal(data.kind, 'calendar#freeBusy');
  assert.deepEqual(data.calendars.primary.busy, [
    { start: '2026-02-01T09:00:00Z', end: '2026-02-01T10:30:00Z' },
    { start: '2026-02-01T17:30:00Z', end: '2026-02-01T18:00:00Z' }]);
  assert.equal(data.calendars['ghost@group.calendar.google.com'].errors[0].reason, 'notFound');
  assertSchema('POST', '/calendar/v3/freeBusy', data);
  const e = gErr(await rejects(() => t.cal.freebusy.query({ requestBody: { timeMin: '2026-02-02T00:00:00Z', timeMax: '2026-02-01T00:00:00Z', items: [] } })));
  assert.equal(e.body.errors[0].reason, 'timeRangeEmpty');
});

test('colors.get returns the static palette; settings list/get', async () => {
  const t = await newRun();
  const { data: c } = await t.cal.colors.get();
  assert.equal(c.kind, 'calendar#colors');
  assert.equal(Object.keys(c.calendar).length, 24);
  assert.equal(Object.keys(c.event).length, 11);
  assert.equal(c.event['11'].background, '#dc2127');
  assertSchema('GET', '/calendar/v3/colors', c);
  const { data: s } = await t.cal.settings.list();
  assert.equal(s.kind, 'calendar#settings');
  const tz = s.items.find((x) => x.id === 'timezone');
  assert.equal(tz.value, 'UTC');
  assertSchema('GET', '/calendar/v3/users/me/settings', s);
  const { data: loc } = await t.cal.settings.get({ setting: 'locale' });
  assert.equal(loc.value, 'en');
  assert.equal(gErr(await rejects(() => t.cal.settings.get({ setting: 'nope' }))).status, 404);
  await t.cal.calendars.patch({ calendarId: 'primary', requestBody: { timeZone: 'Asia/Tokyo' } });
  assert.equal((await t.cal.settings.get({ setting: 'timezone' })).data.value, 'Asia/Tokyo');
});

test('ACL: owner rule exists; insert/get/patch/delete; delete hides the rule', async () => {
  const t = await newRun();
  const { data: l0 } = await t.cal.acl.list({ calendarId: 'primary' });
  assert.equal(l0.items.length, 1);
  assert.equal(l0.items[0].id, 'user:twin.user@example.com');
  assert.equal(l0.items[0].role, 'owner');
  assertSchema('GET', '/calendar/v3/calendars/{calendarId}/acl', l0);
  const { data: r } = await t.cal.acl.insert({ calendarId: 'primary', requestBody: { role: 'reader', scope: { type: 'user', value: 'bob@example.com' } } });
  assert.equal(r.id, 'user:bob@example.com');
  assert.equal(r.kind, 'calendar#aclRule');
  assertSchema('POST', '/calendar/v3/calendars/{calendarId}/acl', r);
  const { data: p } = await t.cal.acl.patch({ calendarId: 'primary', ruleId: r.id, requestBody: { role: 'writer' } });
  assert.equal(p.role, 'writer');
  assert.equal((await t.cal.acl.get({ calendarId: 'primary', ruleId: r.id })).data.role, 'writer');
  await t.cal.acl.delete({ calendarId: 'primary', ruleId: r.id });
  assert.equal(gErr(await rejects(() => t.cal.acl.get({ calendarId: 'primary', ruleId: r.id }))).status, 404);
  assert.equal((await t.cal.acl.list({ calendarId: 'primary' })).data.items.length, 1);
  const bad = gErr(await rejects(() => t.cal.acl.insert({ calendarId: 'primary', requestBody: { role: 'boss', scope: { type: 'user', value: 'x@y.z' } } })));
  assert.equal(bad.status, 400);
  const pub = await t.cal.acl.insert({ calendarId: 'primary', requestBody: { role: 'freeBusyReader', scope: { type: 'default' } } });
  assert.equal(pub.data.id, 'default');
});

test('auth: missing token 401 required, strict tokens 401 authError, any token accepted by default', async () => {
  const t = await newRun();
  const r = await raw(t, 'GET', '/calendar/v3/users/me/calendarList', { auth: false });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.errors[0].reason, 'required');
  assert.equal(r.json.error.errors[0].message, 'Login Required.');
  assert.equal(r.json.error.status, 'UNAUTHENTICATED');
  // A header of another scheme carries no OAuth credential: Google answers as
  // for a missing one (401 required), the same body as Drive's.
  for (const authorization of ['Basic abc', 'ya29.bare-token', 'Bearer ']) {
    const wrong = await raw(t, 'GET', '/calendar/v3/colors', { auth: false, headers: { authorization } });
    assert.equal(wrong.status, 401, authorization);
    assert.equal(wrong.json.error.status, 'UNAUTHENTICATED');
    assert.match(wrong.json.error.message, /^Request is missing required authentication credential/);
    assert.deepEqual(wrong.json.error.errors[0], { message: 'Login Required.', domain: 'global', reason: 'required',
      location: 'Authorization', locationType: 'header' }, authorization);
  }
  const any = await client(t.base, 'ya29.someothertoken').calendars.get({ calendarId: 'primary' });
  assert.equal(any.status, 200);
  await admin(t, 'PATCH', '/admin/config', { strict_tokens: true });
  const bad = gErr(await rejects(() => client(t.base, 'ya29.someothertoken').calendars.get({ calendarId: 'primary' })));
  assert.equal(bad.status, 401);
  assert.equal(bad.body.errors[0].reason, 'authError');
  assert.equal((await t.cal.calendars.get({ calendarId: 'primary' })).status, 200);
});

test('scopes: readonly token reads but cannot write (403 insufficientPermissions); events scope; disabled_scopes', async () => {
  const t = await newRun();
  await admin(t, 'PATCH', '/admin/config', { token_scopes: ['https://www.googleapis.com/auth/calendar.readonly'] });
  assert.equal((await t.cal.calendarList.list()).status, 200);
  assert.equal((await t.cal.events.list({ calendarId: 'primary' })).status, 200);
  const w = gErr(await rejects(() => t.cal.events.insert({ calendarId: 'primary', requestBody: ev('x', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z') })));
  assert.equal(w.status, 403);
  assert.equal(w.body.errors[0].reason, 'insufficientPermissions');
  assert.equal(w.body.message, 'Request had insufficient authentication scopes.');
  assert.equal(w.body.status, 'PERMISSION_DENIED');
  assert.equal(w.body.details[0].reason, 'ACCESS_TOKEN_SCOPE_INSUFFICIENT');
  assert.equal(w.body.details[0].metadata.service, 'calendar-json.googleapis.com');
  await admin(t, 'PATCH', '/admin/config', { token_scopes: ['calendar.events'] });
  assert.equal((await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('x', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z') })).status, 200);
  assert.equal(gErr(await rejects(() => t.cal.calendarList.list())).status, 403);
  assert.equal(gErr(await rejects(() => t.cal.calendars.insert({ requestBody: { summary: 'x' } }))).status, 403);
  await admin(t, 'PATCH', '/admin/config', { token_scopes: ['calendar.events.readonly', 'calendar.readonly'], disabled_scopes: ['calendar.readonly'] });
  assert.equal((await t.cal.events.list({ calendarId: 'primary' })).status, 200);
  assert.equal(gErr(await rejects(() => t.cal.calendarList.list())).status, 403);
  await admin(t, 'PATCH', '/admin/config', { token_scopes: ['https://www.googleapis.com/auth/calendar'], disabled_scopes: [] });
  assert.equal((await t.cal.calendars.insert({ requestBody: { summary: 'ok' } })).status, 200);
});

test('watch: events.watch sends sync then exists with X-Goog headers; channels.stop ends it', async () => {
  const t = await newRun();
  const rx = await receiver();
  try {
    const { data: ch } = await t.cal.events.watch({ calendarId: 'primary', requestBody: { id: 'chan-1', type: 'web_hook', address: rx.url, token: 'tok-abc' } });
    assert.equal(ch.kind, 'api#channel');
    assert.equal(ch.id, 'chan-1');
    assert.ok(ch.resourceId);
    assert.ok(Number(ch.expiration) > Date.now());
    assertSchema('POST', '/calendar/v3/calendars/{calendarId}/events/watch', ch);
    await rx.waitFor(1);
    assert.equal(rx.deliveries[0].headers['x-goog-resource-state'], 'sync');
    assert.equal(rx.deliveries[0].headers['x-goog-message-number'], '1');
    await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('x', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z') });
    await rx.waitFor(2);
    const h = rx.deliveries[1].headers;
    assert.equal(h['x-goog-channel-id'], 'chan-1');
    assert.equal(h['x-goog-resource-id'], ch.resourceId);
    assert.equal(h['x-goog-resource-state'], 'exists');
    assert.equal(h['x-goog-message-number'], '2');
    assert.equal(h['x-goog-channel-token'], 'tok-abc');
    const dup = gErr(await rejects(() => t.cal.events.watch({ calendarId: 'primary', requestBody: { id: 'chan-1', type: 'web_hook', address: rx.url } })));
    assert.equal(dup.status, 400);
    const stop = await t.cal.channels.stop({ requestBody: { id: 'chan-1', resourceId: ch.resourceId } });
    assert.equal(stop.status, 204);
    await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('y', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z') });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(rx.deliveries.length, 2);
    assert.equal(gErr(await rejects(() => t.cal.channels.stop({ requestBody: { id: 'chan-1', resourceId: ch.resourceId } }))).status, 404);
    const { data: d } = await admin(t, 'GET', '/admin/webhooks/deliveries').then((r) => ({ data: r.json }));
    assert.ok(JSON.stringify(d).includes('chan-1'));
  } finally { await rx.close(); }
});

test('watch: calendarList, acl and settings channels', async () => {
  const t = await newRun();
  const rx = await receiver();
  try {
    await t.cal.calendarList.watch({ requestBody: { id: 'cl-1', type: 'web_hook', address: rx.url } });
    await t.cal.acl.watch({ calendarId: 'primary', requestBody: { id: 'acl-1', type: 'web_hook', address: rx.url } });
    const { data: s } = await t.cal.settings.watch({ requestBody: { id: 'set-1', type: 'web_hook', address: rx.url } });
    assert.equal(s.id, 'set-1');
    await rx.waitFor(3);
    await t.cal.calendars.insert({ requestBody: { summary: 'New' } });
    await t.cal.acl.insert({ calendarId: 'primary', requestBody: { role: 'reader', scope: { type: 'user', value: 'b@x.y' } } });
    await rx.waitFor(5);
    const ex = rx.deliveries.filter((g) => g.headers['x-goog-resource-state'] === 'exists').map((g) => g.headers['x-goog-channel-id']).sort();
    assert.deepEqual(ex, ['acl-1', 'cl-1']);
  } finally { await rx.close(); }
});

test('watch: an events channel hears only its own calendar', async () => {
  const t = await newRun();
  const rx = await receiver();
  try {
    const { data: other } = await t.cal.calendars.insert({ requestBody: { summary: 'Other' } });
    await t.cal.events.watch({ calendarId: other.id, requestBody: { id: 'other-1', type: 'web_hook', address: rx.url } });
    await t.cal.events.watch({ calendarId: 'primary', requestBody: { id: 'prim-1', type: 'web_hook', address: rx.url } });
    await rx.waitFor(2);
    await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('p', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z') });
    await t.cal.events.insert({ calendarId: other.id, requestBody: ev('o', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z') });
    await t.cal.events.insert({ calendarId: other.id, requestBody: ev('o2', '2026-01-02T10:00:00Z', '2026-01-02T11:00:00Z') });
    await rx.waitFor(5);
    await new Promise((r) => setTimeout(r, 200));
    const exists = (id) => rx.deliveries.filter((g) => g.headers['x-goog-channel-id'] === id &&
      g.headers['x-goog-resource-state'] === 'exists').map((g) => g.headers['x-goog-message-number']);
    assert.deepEqual(exists('prim-1'), ['2']);
    assert.deepEqual(exists('other-1').sort(), ['2', '3']);
  } finally { await rx.close(); }
});

test('seeding through a scenario: calendars and events with deterministic ids', async () => {
  const url = await control();
  const seed = { google_calendar: { calendars: [
    { name: 'Work', primary: true, time_zone: 'Europe/Berlin', events: [{ summary: 'Kickoff', start: '2026-03-02T09:00:00+01:00', end: '2026-03-02T10:00:00+01:00', attendees: ['a@x.y'] }] },
    { name: 'Side', events: [{ summary: 'Trip', start: '2026-03-05', end: '2026-03-07' }, { summary: 'Gym', start: '2026-03-02T18:00:00Z', end: '2026-03-02T19:00:00Z', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] }] }] } };
  const sc = await (await fetch(`${url}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'gcal-seed', twins: ['google_calendar'], seed_config: seed }) })).json();
  const t1 = await newRun({ scenario_id: sc.id });
  const t2 = await newRun({ scenario_id: sc.id });
  assert.equal(t1.run.seed_results.google_calendar.status, 'seeded');
  assert.equal(t1.run.seed_results.google_calendar.calendars, 2);
  assert.equal(t1.run.seed_results.google_calendar.events, 3);
  const l1 = (await t1.cal.calendarList.list()).data.items, l2 = (await t2.cal.calendarList.list()).data.items;
  assert.deepEqual(l1.map((x) => x.id), l2.map((x) => x.id));
  const primary = l1.find((x) => x.primary);
  assert.equal(primary.summary, 'Work');
  assert.equal(primary.timeZone, 'Europe/Berlin');
  const side = l1.find((x) => x.summary === 'Side');
  const e1 = (await t1.cal.events.list({ calendarId: side.id })).data.items;
  const e2 = (await t2.cal.events.list({ calendarId: side.id })).data.items;
  assert.deepEqual(e1.map((x) => x.id), e2.map((x) => x.id));
  assert.equal(e1.find((x) => x.summary === 'Trip').start.date, '2026-03-05');
  const gym = await t1.cal.events.instances({ calendarId: side.id, eventId: e1.find((x) => x.summary === 'Gym').id });
  assert.equal(gym.data.items.length, 4);
  const bad = await fetch(`${url}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bad', twins: ['google_calendar'], seed_config: { google_calendar: { calendars: [{ events: [] }] } } }) });
  assert.equal(bad.status, 400);
});

test('calendar-conflicts preset seeds fully and its overlaps show as busy', async () => {
  const t = await newRun({ scenario_id: 'preset-calendar-conflicts', twins: ['google_calendar', 'slack'] });
  assert.equal(t.run.seed_results.google_calendar.status, 'seeded');
  assert.equal(t.run.seed_results.google_calendar.calendars, 3);
  assert.equal(t.run.seed_results.google_calendar.events, 10);
  const { data: list } = await t.cal.calendarList.list();
  assert.equal(list.items.length, 3);
  const team = list.items.find((x) => x.summary === 'Engineering Team');
  const { data: fb } = await t.cal.freebusy.query({ requestBody: { timeMin: '2026-03-10T00:00:00Z', timeMax: '2026-03-11T00:00:00Z',
    items: [{ id: 'primary' }, { id: team.id }] } });
  // Maya: Contoso call 16:00-17:00Z overlaps the 1:1 16:30-17:00Z -> one block; the tentative dentist 23:00-24:00Z.
  assert.deepEqual(fb.calendars.primary.busy, [
    { start: '2026-03-10T16:00:00Z', end: '2026-03-10T17:00:00Z' },
    { start: '2026-03-10T23:00:00Z', end: '2026-03-11T00:00:00Z' }]);
  // Team: the stand-up occurrence and the architecture review overlap -> merged.
  assert.equal(fb.calendars[team.id].busy.length, 1);
  assert.equal(fb.calendars[team.id].busy[0].start, '2026-03-10T16:45:00Z');
  const { data: evs } = await t.cal.events.list({ calendarId: team.id });
  assert.equal(evs.items.length, 2); // the cancelled retro is hidden
  const reset = await fetch(`${t.controlUrl}/twin-runs/${t.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
});

test('stateful routes are marked stateful in /admin/openapi; faults render Google errors', async () => {
  const t = await newRun();
  await t.cal.colors.get();
  const hits = await admin(t, 'GET', '/admin/stub-hits');
  assert.equal(hits.status, 200);
  assert.ok(!JSON.stringify(hits.json).includes('/calendar/v3/colors'));
  const f = await admin(t, 'POST', '/admin/faults', { route: '*', status: 429, count: 1 });
  assert.ok(f.status < 300, JSON.stringify(f.json));
  const e = gErr(await rejects(() => t.cal.calendarList.list()));
  assert.equal(e.status, 429);
  assert.equal(e.body.errors[0].reason, 'rateLimitExceeded');
  assert.equal((await t.cal.calendarList.list()).status, 200);
});

test('fields: partial responses on get and list (nested masks, "*"); bad maxResults and pageToken are 400', async () => {
  const t = await newRun();
  await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('one', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z', { location: 'Room 1' }) });
  await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('two', '2026-02-02T10:00:00Z', '2026-02-02T11:00:00Z') });
  const { data: cal } = await t.cal.calendars.get({ calendarId: 'primary', fields: 'id,summary' });
  assert.deepEqual(Object.keys(cal).sort(), ['id', 'summary']);
  const { data: page } = await t.cal.events.list({ calendarId: 'primary', maxResults: 1, fields: 'nextPageToken,items(summary,start/dateTime)' });
  assert.deepEqual(Object.keys(page).sort(), ['items', 'nextPageToken']);
  assert.deepEqual(page.items, [{ summary: 'one', start: { dateTime: '2026-02-01T10:00:00Z' } }]);
  const { data: rest } = await t.cal.events.list({ calendarId: 'primary', pageToken: page.nextPageToken, fields: 'items(summary)' });
  assert.deepEqual(rest.items, [{ summary: 'two' }]);
  const { data: all } = await t.cal.calendarList.list({ fields: '*' });
  assert.equal(all.kind, 'calendar#calendarList');
  assert.ok(all.nextSyncToken);
  const big = await raw(t, 'GET', '/calendar/v3/calendars/primary/events?maxResults=100000&fields=items(id)');
  assert.equal(big.status, 200);
  assert.equal(big.json.items.length, 2);
  const bad = await raw(t, 'GET', '/calendar/v3/calendars/primary/events?maxResults=zero');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.errors[0].location, 'maxResults');
  // maxResults is an int32 with minimum 1 (no declared maximum): plain digits
  // only, and a value past int32 is refused rather than read as the ceiling.
  for (const v of ['+5', ' 5', '5 ', '0', '-3', '2147483648', '99999999999999999999']) {
    const r = await raw(t, 'GET', `/calendar/v3/calendars/primary/events?maxResults=${encodeURIComponent(v)}`);
    assert.equal(r.status, 400, v);
    assert.equal(r.json.error.status, 'INVALID_ARGUMENT', v);
    assert.deepEqual(r.json.error.errors[0], { domain: 'global', reason: 'invalid', location: 'maxResults',
      locationType: 'parameter', message: `Invalid value '${v}'. Values must be within the range: [1, 2147483647]` }, v);
  }
  assert.equal((await raw(t, 'GET', '/calendar/v3/calendars/primary/events?maxResults=2147483647')).status, 200);
  const badTok = await raw(t, 'GET', '/calendar/v3/calendars/primary/events?pageToken=nope');
  assert.equal(badTok.status, 400);
  assert.equal(badTok.json.error.status, 'INVALID_ARGUMENT');
});

test('fields: unknown selections are 400 invalidParameter, checked against the schema', async () => {
  const t = await newRun();
  const bad = async (call, name) => {
    const e = gErr(await rejects(call));
    assert.equal(e.status, 400, name);
    assert.deepEqual(e.body, { code: 400, message: `Invalid field selection ${name}`, status: 'INVALID_ARGUMENT',
      errors: [{ message: `Invalid field selection ${name}`, domain: 'global', reason: 'invalidParameter',
        location: 'fields', locationType: 'parameter' }] }, name);
  };
  await bad(() => t.cal.calendars.get({ calendarId: 'primary', fields: 'id,title' }), 'title');
  await bad(() => t.cal.events.list({ calendarId: 'primary', fields: 'items(summary,start/when)' }), 'when');
  await bad(() => t.cal.events.list({ calendarId: 'primary', fields: 'files(id)' }), 'files');
  await bad(() => t.cal.calendarList.list({ fields: 'items(id,summary/x)' }), 'x');
  await bad(() => t.cal.events.insert({ calendarId: 'primary', fields: 'id,nope',
    requestBody: ev('ghost', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z') }), 'nope');
  assert.deepEqual((await t.cal.events.list({ calendarId: 'primary', fields: 'items(summary)' })).data, { items: [] });
  const { data } = await t.cal.events.insert({ calendarId: 'primary', fields: 'summary,recurrence,attendees(email),conferenceData/entryPoints',
    requestBody: ev('real', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z') });
  assert.deepEqual(data, { summary: 'real' });
  assert.equal((await t.cal.colors.get({ fields: 'event,calendar' })).status, 200);
  assert.equal((await t.cal.settings.list({ fields: 'items(id,value),nextSyncToken' })).status, 200);
});

// A page token is opaque but only base64: one made by hand with an offset at
// the top of int64 must give an empty last page (no overflow into a bogus
// nextPageToken), on every paged list.
test('paging: a hand-made page token past the end gives an empty last page on every list', async () => {
  const t = await newRun();
  await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('one', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z') });
  const token = 'C' + Buffer.from('p:9223372036854775807:twins').toString('base64url');
  const lists = {
    events: () => t.cal.events.list({ calendarId: 'primary', maxResults: 2500, pageToken: token }),
    calendarList: () => t.cal.calendarList.list({ maxResults: 250, pageToken: token }),
    acl: () => t.cal.acl.list({ calendarId: 'primary', maxResults: 250, pageToken: token }),
    settings: () => t.cal.settings.list({ maxResults: 250, pageToken: token }),
  };
  for (const [name, list] of Object.entries(lists)) {
    const { data } = await list();
    assert.deepEqual(data.items, [], name);
    assert.equal(data.nextPageToken, undefined, name);
    assert.ok(data.nextSyncToken, name);
  }
  // Walking settings one at a time sees each setting once, then the sync token.
  const seen = [];
  let pageToken;
  do {
    const { data } = await t.cal.settings.list({ maxResults: 5, pageToken });
    assertSchema('GET', '/calendar/v3/users/me/settings', data);
    seen.push(...data.items.map((s) => s.id));
    pageToken = data.nextPageToken;
    assert.equal(Boolean(data.nextSyncToken), !pageToken);
  } while (pageToken);
  const { data: whole } = await t.cal.settings.list();
  assert.deepEqual(seen, whole.items.map((s) => s.id));
  assert.equal(new Set(seen).size, seen.length);
});

// A reset restarts the change sequence: a sync token from before it is as
// invalid as any other unknown token (410 fullSyncRequired), rather than
// listing nothing until the new sequence passes it; one from after it works.
test('sync tokens from before a run reset are 410 fullSyncRequired; fresh ones see later changes', async () => {
  const t = await newRun();
  await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('A', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z') });
  const staleEvents = (await t.cal.events.list({ calendarId: 'primary' })).data.nextSyncToken;
  const staleList = (await t.cal.calendarList.list()).data.nextSyncToken;
  const staleAcl = (await t.cal.acl.list({ calendarId: 'primary' })).data.nextSyncToken;
  const staleSettings = (await t.cal.settings.list()).data.nextSyncToken;
  const reset = await fetch(`${t.controlUrl}/twin-runs/${t.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  const gone = async (fn) => {
    const e = gErr(await rejects(fn));
    assert.equal(e.status, 410);
    assert.equal(e.body.errors[0].reason, 'fullSyncRequired');
    assert.equal(e.body.message, 'Sync token is no longer valid, a full sync is required.');
  };
  await gone(() => t.cal.events.list({ calendarId: 'primary', syncToken: staleEvents }));
  await gone(() => t.cal.calendarList.list({ syncToken: staleList }));
  await gone(() => t.cal.acl.list({ calendarId: 'primary', syncToken: staleAcl }));
  await gone(() => t.cal.settings.list({ syncToken: staleSettings }));
  const full = await t.cal.events.list({ calendarId: 'primary' });
  assert.deepEqual(full.data.items, []);
  const { data: b } = await t.cal.events.insert({ calendarId: 'primary', requestBody: ev('B', '2026-02-02T10:00:00Z', '2026-02-02T11:00:00Z') });
  const inc = await t.cal.events.list({ calendarId: 'primary', syncToken: full.data.nextSyncToken });
  assert.deepEqual(inc.data.items.map((x) => [x.id, x.summary]), [[b.id, 'B']]);
  const list = await t.cal.calendarList.list();
  assert.equal((await t.cal.calendarList.list({ syncToken: list.data.nextSyncToken })).data.items.length, 0);
  // the per-twin admin reset starts the history over too
  assert.equal((await admin(t, 'POST', '/admin/reset')).status, 200);
  await gone(() => t.cal.events.list({ calendarId: 'primary', syncToken: inc.data.nextSyncToken }));
});

// A page token is an offset into the list it came from: after a reset the
// same offset names another page, so one from before it is as invalid as a
// token that is not Calendar's (400 invalid; only sync tokens expire with a
// 410 fullSyncRequired).  Page tokens handed out after the reset work.
test('page tokens from before a run reset are 400 invalid on events.list and calendarList.list', async () => {
  const t = await newRun();
  for (const [s, d] of [['A', '01'], ['B', '02'], ['C', '03']])
    await t.cal.events.insert({ calendarId: 'primary', requestBody: ev(s, `2026-02-${d}T10:00:00Z`, `2026-02-${d}T11:00:00Z`) });
  await t.cal.calendars.insert({ requestBody: { summary: 'Team' } });
  const events = { calendarId: 'primary', maxResults: 1, singleEvents: true, orderBy: 'startTime' };
  const ev1 = await t.cal.events.list(events);
  const staleEvents = ev1.data.nextPageToken;
  assert.deepEqual((await t.cal.events.list({ ...events, pageToken: staleEvents })).data.items.map((x) => x.summary), ['B']);
  const staleList = (await t.cal.calendarList.list({ maxResults: 1 })).data.nextPageToken;
  assert.ok(staleEvents && staleList);
  const reset = await fetch(`${t.controlUrl}/twin-runs/${t.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  const invalid = async (fn) => {
    const e = gErr(await rejects(fn));
    assert.equal(e.status, 400);
    assert.equal(e.body.status, 'INVALID_ARGUMENT');
    assert.deepEqual(e.body.errors[0], { domain: 'global', reason: 'invalid', message: 'Invalid page token value.' });
  };
  await invalid(() => t.cal.events.list({ ...events, pageToken: staleEvents }));
  await invalid(() => t.cal.calendarList.list({ maxResults: 1, pageToken: staleList }));
  for (const [s, d] of [['X', '04'], ['Y', '05']])
    await t.cal.events.insert({ calendarId: 'primary', requestBody: ev(s, `2026-02-${d}T10:00:00Z`, `2026-02-${d}T11:00:00Z`) });
  const fresh = await t.cal.events.list(events);
  assert.deepEqual(fresh.data.items.map((x) => x.summary), ['X']);
  const next = await t.cal.events.list({ ...events, pageToken: fresh.data.nextPageToken });
  assert.deepEqual(next.data.items.map((x) => x.summary), ['Y']);
  assert.ok(next.data.nextSyncToken);
  // the per-twin admin reset starts the lists over too
  assert.equal((await admin(t, 'POST', '/admin/reset')).status, 200);
  await invalid(() => t.cal.events.list({ ...events, pageToken: fresh.data.nextPageToken }));
});
