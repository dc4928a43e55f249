/* What the page knows: its state, the reads of the emulator's logs, and the model built from
 * them (conversations, and the links between records: receipts, edits, responses, callbacks). */

import { MAX_RECORDS, CT, parseJson, obj, arr, str, api } from './helpers.js';

/* ---- 2. state and fetching ------------------------------------------------------------- */

export const state = {
  requests: [], callbacks: [], items: [], faults: [], seenAt: new Map(), clockOffset: null,
  last: { requests: 0, callbacks: 0, items: 0 }, version: null, loaded: false,
  selected: null, shownConv: null, detailSeq: null, showAll: false, model: null,
  filters: { provider: '', operation: '', status: '', text: '' },
};

/* New entries of a log (requests or callbacks) since the last one we have. Asking from the one
 * before it tells a reset (or the log dropping old entries) apart: the entry we had last is
 * then gone, and the log is read again from the start. Returns the new entries, or null when
 * the log was read again. */
export async function fetchLog(name, path) {
  const last = state.last[name];
  // the first read asks only for what the page keeps: a full log can hold 100,000 records
  const range = last > 0 ? 'after=' + (last - 1) : 'last=' + MAX_RECORDS;
  const after = (path.includes('?') ? '&' : '?') + range;
  const list = arr(obj((await api(path + after)).body)[name]);
  if (last > 0 && !list.some((x) => x.seq === last)) {
    state[name] = []; state.last[name] = 0;
    await fetchLog(name, path);
    return null;
  }
  const fresh = list.filter((x) => x.seq > last);
  state[name] = state[name].concat(fresh).slice(-MAX_RECORDS);
  if (fresh.length) state.last[name] = fresh[fresh.length - 1].seq;
  return fresh;
}

export async function fetchRecords() {
  const fresh = await fetchLog('requests', 'requests?all=1&redact=1');
  if (!fresh) { state.shownConv = null; state.seenAt.clear(); }
  const now = state.loaded ? Date.now() : 0;  // records of the first read are not "live"
  for (const rec of fresh || state.requests) {
    state.seenAt.set(rec.seq, now);
    noteClock(rec, now || null);
  }
  return !fresh || fresh.length > 0;
}

export async function fetchFaults() {
  const faults = arr(obj((await api('faults')).body).faults), before = JSON.stringify(state.faults);
  state.faults = faults;
  return JSON.stringify(faults) !== before;
}

/* `received` is the emulator's monotonic clock. A wall-clock time from an answer (Sinch
 * accepted_time, Connect AbsoluteTime) or the moment a live record arrived maps it to a time. */
function noteClock(rec, arrivedAt) {
  const body = obj(obj(rec.response).body);
  const stamp = Date.parse(body.accepted_time || body.AbsoluteTime || '');
  if (!Number.isNaN(stamp)) state.clockOffset = stamp - rec.received * 1000;
  else if (arrivedAt && state.clockOffset === null) state.clockOffset = arrivedAt - rec.received * 1000;
}

export function timeOf(rec) {
  if (rec.agent) return new Date(rec.body.AbsoluteTime).toLocaleTimeString();  // its own time
  if (state.clockOffset === null || typeof rec.received !== 'number') return '#' + rec.seq;
  return new Date(rec.received * 1000 + state.clockOffset).toLocaleTimeString();
}

/* ---- 3. model: conversations and the links between records ---------------------------- */

function sinchRecipient(body) {
  const r = obj(body.recipient);
  if (typeof r.contact_id === 'string') return 'contact ' + r.contact_id;
  const ids = arr(obj(r.identified_by).channel_identities).map(obj);
  if (ids.length) return ids.map((i) => str(i.channel) + ' ' + str(i.identity)).join(', ');
  return null;
}

/* [key, label] of the conversation a record belongs to. */
export function conversationOf(rec) {
  const p = rec.provider, body = obj(rec.body);
  if (!p) return ['other', 'Other requests'];
  if (rec.operation === 'oauth_token' || rec.operation === 'update_webhook') return [p + ':(control)', 'Auth and settings'];
  let who = null;
  if (p === 'sinch') who = sinchRecipient(body);
  else if (p === 'zapi') who = typeof body.phone === 'string' ? body.phone : null;
  else if (p === 'connect') who = rec.conversation || 'default connection';
  return who === null ? [p + ':(none)', 'No recipient'] : [p + ':' + who, who];
}

/* Failed as the client saw it: rejected, or processed but the answer was dropped. */
export function isFailed(rec) {
  return !rec.replayed && (!rec.accepted || (!!rec.response && rec.response.sent === false));
}

/* The id the provider answered for a record (what receipts, callbacks, edits refer to). */
function answerIds(rec) {
  const b = obj(obj(rec.response).body);
  return [b.message_id, b.event_id, b.messageId, b.zaapId, b.id, b.Id].filter((x) => typeof x === 'string');
}

/* The answer id a record refers to: a Connect receipt's message, a Z-API edit's or response's
 * event. */
function targetId(rec) {
  const b = obj(rec.body), type = str(b.ContentType);
  if (rec.provider === 'connect' && (type === CT + 'message.read' || type === CT + 'message.delivered')) {
    return obj(parseJson(str(b.Content))).messageId;
  }
  return rec.operation === 'edit_event' || rec.operation === 'respond_event' ? b.eventMessageId : undefined;
}

/* What the agent side of a Connect chat sent (GET /_emulator/connect/agent), as a record of the
 * conversation: operation agent_item, a negative seq (its own numbering). Its `received` is on
 * the request log's clock, so it sorts exactly among the customer's requests. */
function agentRecord(it) {
  return {
    seq: -it.seq, provider: 'connect', operation: 'agent_item', accepted: true, agent: true,
    conversation: it.conversation, method: 'POST', path: '/_emulator/connect/agent', query: '',
    received: typeof it.received === 'number' ? it.received : Infinity,
    status: 200, headers: {}, body: it, body_raw: JSON.stringify(it),
    response: { sent: true, status: 200, headers: {}, body: { Id: it.Id, AbsoluteTime: it.AbsoluteTime } },
  };
}

export function buildModel() {
  const m = { convs: new Map(), byAnswer: new Map(), callbacks: new Map(), items: new Map(), records: new Map() };
  for (const cb of state.callbacks) {
    const k = cb.provider + ':' + cb.id;
    if (!m.callbacks.has(k)) m.callbacks.set(k, []);
    m.callbacks.get(k).push(cb);
  }
  const records = state.requests.concat(state.items.map(agentRecord));
  if (state.items.length) records.sort((a, b) => a.received - b.received);  // stable: log order kept
  for (const rec of records) { m.records.set(rec.seq, rec); place(m, rec); }
  return m;
}

function place(m, rec) {
  const [key, label] = conversationOf(rec);
  if (!m.convs.has(key)) {
    m.convs.set(key, { key: key, label: label, provider: rec.provider || 'other', items: [], records: [] });
  }
  const conv = m.convs.get(key);
  conv.records.push(rec);
  conv.last = rec;
  // a receipt, an event edit or a response joins the item it refers to, when that is known
  const id = rec.accepted ? targetId(rec) : undefined;
  const target = typeof id === 'string' ? m.byAnswer.get(rec.provider + ':' + id) : undefined;
  if (target) {
    target.attached.push(rec);
    m.items.set(rec.seq, target);
    return;
  }
  const item = { rec: rec, attached: [] };
  conv.items.push(item);
  m.items.set(rec.seq, item);
  for (const id of answerIds(rec)) m.byAnswer.set(rec.provider + ':' + id, item);
}

export function callbacksOf(rec) {
  return Array.from(new Set(answerIds(rec))).flatMap((id) => state.model.callbacks.get(rec.provider + ':' + id) || []);
}
