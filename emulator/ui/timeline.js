/* The conversation list on the left and the timeline of the selected conversation, kept in step
 * with the model without rebuilding what did not change. */

import { PAGE_ITEMS, TYPING_MS, PROVIDERS, CT, $, put, clear, obj, str, el, add } from './helpers.js';
import { state, timeOf, conversationOf, isFailed } from './model.js';
import { RENDERERS, tickOf, note, faultText } from './renderers.js';

/* ---- 5. timeline and sidebar ----------------------------------------------------------- */

function errorText(rec) {
  const res = rec.response, b = res ? res.body : null;
  if (b && typeof b === 'object') {
    const e = b.error;
    const msg = (e && typeof e === 'object') ? e.message : (e || b.message || b.error_description);
    if (msg) return str(msg);
    if (b.value === false) return '{"value": false}';
  }
  return res && res.body_raw ? res.body_raw.slice(0, 200) : '';
}

function failedNode(item) {
  const r = item.rec, box = el('div', 'failed');
  const status = r.status === null ? 'no answer' : String(r.status);
  add(box, el('div', 'failed-head', '✗ ' + status + ' · ' + (r.operation || r.path) + ' · ' + faultText(r)));
  const err = errorText(r);
  return add(box, err ? el('div', 'failed-error', err) : null, el('div', 'failed-body', summaryOf(r)));
}

const EVENT_WORDS = {
  composing_event: 'typing', composing_end_event: 'stopped typing', comment_reply_event: 'comment reply',
  agent_joined_event: 'agent joined', agent_left_event: 'agent left', generic_event: 'generic event',
};

/* One line about a request: its text, else what kind of thing it is, else its raw body. */
export function summaryOf(rec) {
  const b = obj(rec.body), type = str(b.ContentType);
  if (type.startsWith(CT)) return type.slice(CT.length) + (b.Content ? ' ' + str(b.Content) : '');
  const msg = obj(b.message), inner = obj(msg[Object.keys(msg)[0]]);
  const ev = Object.keys(obj(b.event))[0], evBody = obj(obj(b.event)[ev]);
  const text = b.Content || (typeof b.message === 'string' ? b.message : null) || inner.text ||
    obj(inner.text_message).text || inner.title || inner.url || obj(b.event).name ||
    (b.eventResponse && 'response ' + str(b.eventResponse)) ||
    (ev && EVENT_WORDS[ev] ? EVENT_WORDS[ev] + (evBody.text ? ': ' + str(evBody.text) : '') : null);
  return text ? str(text) : (rec.body_raw || '').slice(0, 300);
}

function itemNode(item) {
  const rec = item.rec;
  if (rec.replayed) return note('event', 'replayed ClientToken, same answer: ' + summaryOf(rec));
  if (!rec.accepted) return failedNode(item);
  const render = RENDERERS[rec.provider + ':' + rec.operation];
  return render ? render(item) : note('event', rec.method + ' ' + rec.path + ' → ' + rec.status);
}

function makeItem(key) {
  const li = el('li', 'item');
  li.tabIndex = 0;  // Enter opens the detail
  li.dataset.key = li.dataset.seq = key;
  return li;
}

/* Fills a timeline entry; skipped when nothing it shows has changed. */
function fillItem(li, item) {
  const rec = item.rec;
  li.classList.toggle('selected', state.detailSeq === rec.seq);
  const sig = [tickOf(item), item.attached.length, state.clockOffset !== null].join('|');
  if (li.dataset.sig === sig) return;
  li.dataset.sig = sig;
  clear(li);
  const node = add(li, itemNode(item)).lastChild;
  li.classList.add(rec.replayed ? 'replayed' : isFailed(rec) ? 'is-failed' : 'is-ok');
  li.classList.toggle('centered', node.classList.contains('note'));
  li.classList.toggle('received', node.classList.contains('message-received'));
}

/* Brings a list's children in line with `list`, reusing the nodes whose key is kept (focus and
 * element references survive live updates). */
function reconcile(parent, list, keyOf, make, fill) {
  const old = new Map();
  for (const n of Array.from(parent.children)) old.set(n.dataset.key, n);
  let at = parent.firstChild;
  for (const x of list) {
    const key = keyOf(x);
    const node = old.get(key) || make(key);
    old.delete(key);
    fill(node, x);
    if (node === at) at = at.nextSibling;
    else parent.insertBefore(node, at);
  }
  for (const n of old.values()) n.remove();
}

function matches(rec) {
  const f = state.filters;
  if (f.provider && (rec.provider || 'other') !== f.provider) return false;
  if (f.operation && rec.operation !== f.operation) return false;
  if (f.status === 'ok' && isFailed(rec)) return false;
  if (f.status === 'failed' && !isFailed(rec)) return false;
  const hay = rec.path + ' ' + (rec.body_raw || '') + ' ' + conversationOf(rec)[1];
  return !f.text || hay.toLowerCase().includes(f.text.toLowerCase());
}

function itemMatches(item) { return matches(item.rec) || item.attached.some(matches); }

export function visibleConversations() {
  return Array.from(state.model.convs.values(), (conv) => ({ conv: conv, count: conv.records.filter(matches).length }))
    .filter((x) => x.count > 0).sort((a, b) => b.conv.last.seq - a.conv.last.seq);
}

function makeConv(key) {
  const li = el('li');
  li.dataset.key = key;
  const btn = put(li, el('button', 'conv'));
  btn.type = 'button';
  btn.dataset.conv = key;
  return li;
}

function fillConv(li, { conv, count }) {
  const btn = li.firstChild, name = PROVIDERS[conv.provider] || 'other';
  const current = conv.key === state.selected;
  btn.classList.toggle('current', current);
  if (current) btn.setAttribute('aria-current', 'true'); else btn.removeAttribute('aria-current');
  btn.setAttribute('aria-label', name + ' ' + conv.label + ', ' + count + ' requests');
  clear(btn);
  add(btn, el('span', 'badge provider-' + conv.provider, name), el('span', 'conv-label', conv.label),
    el('span', 'conv-count', String(count)),
    el('span', 'conv-last', timeOf(conv.last) + ' · ' + summaryOf(conv.last).slice(0, 60)));
}

export function renderSidebar(list) {
  $('conv-empty').hidden = list.length > 0;
  $('conv-empty').textContent = state.requests.length ? 'Nothing matches the filters.'
    : 'Nothing received yet. Send something to the emulator.';
  reconcile($('conversations'), list, (x) => x.conv.key, makeConv, fillConv);
}

/* "5 requests", or "5 requests · 2 from the agent side" when a Connect chat has both. */
function countText(records) {
  const agent = records.filter((r) => r.agent).length, sent = records.length - agent;
  return sent + (sent === 1 ? ' request' : ' requests') + (agent ? ' · ' + agent + ' from the agent side' : '');
}

export function renderTimeline() {
  const ol = $('timeline'), conv = state.model.convs.get(state.selected);
  const atBottom = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
  if (state.shownConv !== state.selected) clear(ol);
  $('chat-title').textContent = conv ? (PROVIDERS[conv.provider] || 'Other') + ' · ' + conv.label : 'No conversation selected';
  $('chat-sub').textContent = conv ? countText(conv.records) : 'Pick a conversation on the left.';
  const items = conv ? conv.items.filter(itemMatches) : [];
  const shown = state.showAll ? items : items.slice(-PAGE_ITEMS);
  $('earlier').hidden = shown.length === items.length;
  reconcile(ol, shown, (item) => String(item.rec.seq), makeItem, fillItem);
  if (atBottom || state.shownConv !== state.selected) ol.scrollTop = ol.scrollHeight;
  state.shownConv = state.selected;
  renderTyping(conv);
}

let typingTimer = null;

/* "typing…" while the newest thing in the conversation is a typing event that arrived live
 * in the last few seconds; a message or a typing-end event takes it away. */
function renderTyping(conv) {
  const box = $('typing');
  clearTimeout(typingTimer);
  const last = conv ? conv.items[conv.items.length - 1] : null;
  const since = last && isTypingStart(last.rec) ? state.seenAt.get(last.rec.seq) : 0;
  const left = since ? since + TYPING_MS - Date.now() : 0;
  box.hidden = left <= 0;
  box.textContent = left > 0 ? conv.label + ' · typing…' : '';
  if (left > 0) typingTimer = setTimeout(() => renderTyping(state.model.convs.get(state.selected)), left + 50);
}

function isTypingStart(rec) {
  const b = obj(rec.body);
  return rec.accepted && (!!obj(b.event).composing_event || b.ContentType === CT + 'typing');
}
