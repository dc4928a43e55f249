/* How each provider's request looks to its recipient: a bubble, a card, a note (one renderer per
 * provider and operation), with its time, its tick and the fault that touched it. Text only. */

import { CT, put, obj, arr, str, el, add, urlNode } from './helpers.js';
import { timeOf, isFailed, callbacksOf } from './model.js';

/* ---- 4. provider renderers ------------------------------------------------------------- */

const TICKS = ['sent', 'delivered', 'read'];
const STATUS_TICK = {
  QUEUED_ON_CHANNEL: 'sent', DELIVERED: 'delivered', READ: 'read', FAILED: 'failed',  // Sinch
  SENT: 'sent', RECEIVED: 'delivered', PLAYED: 'read',  // Z-API
  [CT + 'message.delivered']: 'delivered', [CT + 'message.read']: 'read',  // Connect receipts
};

/* sent / delivered / read / failed, from Connect receipts and delivery callbacks. */
export function tickOf(item) {
  const seen = item.attached.map((r) => STATUS_TICK[str(obj(r.body).ContentType)])
    .concat(callbacksOf(item.rec).map((cb) => STATUS_TICK[cb.delivery_status]));
  if (seen.includes('failed')) return 'failed';
  return TICKS[Math.max(0, ...seen.map((t) => TICKS.indexOf(t)))];
}

function tickNode(tick) {
  const marks = { sent: '✓', delivered: '✓✓', read: '✓✓', failed: '✗' };
  const node = add(el('span', 'tick tick-' + tick, marks[tick]), el('span', 'sr-only', ' ' + tick));
  node.setAttribute('title', tick);
  return node;
}

function bubble(kind) { return el('div', 'bubble bubble-' + kind); }
export function note(kind, text) { return el('div', 'note note-' + kind, text); }

function textBubble(text, label) {
  const b = bubble('text');
  if (label) add(b, el('div', 'label', label));
  return add(b, el('p', 'text', text));
}

/* An inert choice button: a kind tag (link, call…), its title, maybe a detail. */
function chip(kind, text, extra) {
  const c = el('span', 'chip');
  if (kind) add(c, el('span', 'chip-kind', kind + ' '));
  add(c, document.createTextNode(text));
  if (extra) add(c, document.createTextNode(' '), typeof extra === 'string' ? el('span', 'chip-extra', extra) : extra);
  return c;
}

const CHOICE_KINDS = {
  text_message: (c) => chip(null, str(c.text)),
  url_message: (c) => chip('link', str(c.title), urlNode(c.url)),
  call_message: (c) => chip('call', str(c.title), str(c.phone_number)),
  location_message: (c) => chip('location', str(c.title || c.label)),
  calendar_message: (c) => chip('calendar', str(c.title), str(c.event_start)),
  share_location_message: (c) => chip('share location', str(c.title)),
};

function choiceChips(choices) {
  const row = el('div', 'chips');
  for (const c of arr(choices).map(obj)) {
    const kind = Object.keys(c).find((k) => CHOICE_KINDS[k]);
    add(row, kind ? CHOICE_KINDS[kind](obj(c[kind])) : chip(null, JSON.stringify(c)));
  }
  return row.firstChild ? row : null;
}

function mediaBlock(m) {
  const box = el('div', 'media');
  add(box, el('span', 'kind', 'media'), urlNode(m.url));
  if (m.filename_override) add(box, el('span', 'muted', ' ' + str(m.filename_override)));
  return box;
}

function cardBlock(c) {
  const card = el('div', 'card');
  if (c.media_message) add(card, mediaBlock(obj(c.media_message)));
  if (c.title) add(card, el('div', 'card-title', str(c.title)));
  if (c.description) add(card, el('p', 'text', str(c.description)));
  return add(card, choiceChips(c.choices));
}

function listBlock(l) {
  const box = bubble('list');
  add(box, el('div', 'card-title', str(l.title)));
  if (l.description) add(box, el('p', 'text', str(l.description)));
  for (const s of arr(l.sections).map(obj)) {
    if (s.title) add(box, el('div', 'label', str(s.title)));
    const ul = put(box, el('ul', 'list-items'));
    for (const it of arr(s.items).map(obj)) {
      const c = obj(it.choice), p = obj(it.product);
      add(ul, el('li', null, it.choice ? str(c.title) + (c.description ? ' — ' + str(c.description) : '')
        : 'product ' + str(p.id) + ' (' + str(p.marketplace) + ')'));
    }
  }
  return box;
}

const SINCH_MESSAGES = {
  text_message: (m) => textBubble(str(m.text)),
  media_message: (m) => add(bubble('media'), mediaBlock(m)),
  choice_message: (m) => add(textBubble(str(obj(m.text_message).text)), choiceChips(m.choices)),
  card_message: (m) => add(bubble('card'), cardBlock(m)),
  carousel_message: (m) => {
    const b = bubble('carousel'), row = put(b, el('div', 'carousel'));
    for (const c of arr(m.cards)) add(row, cardBlock(obj(c)));
    return add(b, choiceChips(m.choices));
  },
  location_message: (m) => {
    const co = obj(m.coordinates);
    return add(textBubble(str(m.title), 'Location'), el('div', 'muted',
      str(m.label) + ' ' + str(co.latitude) + ', ' + str(co.longitude)));
  },
  contact_info_message: (m) => textBubble(str(obj(m.name).full_name) + ' · ' +
    arr(m.phone_numbers).map((p) => str(obj(p).phone_number)).join(', '), 'Contact card'),
  list_message: (m) => listBlock(m),
  template_message: (m) => {
    const t = obj(m.omni_template || Object.values(obj(m.channel_template))[0]);
    return textBubble(str(t.template_id) + (t.version ? ' v' + str(t.version) : ''), 'Template');
  },
};

function sinchMessage(item) {
  const msg = obj(obj(item.rec.body).message);
  const kind = Object.keys(SINCH_MESSAGES).find((k) => msg[k]);
  const node = kind ? SINCH_MESSAGES[kind](obj(msg[kind])) : textBubble(JSON.stringify(msg), 'Message');
  return messageNode(item, node);
}

const SINCH_EVENTS = {
  composing_event: () => note('typing', 'typing'),
  composing_end_event: () => note('typing', 'stopped typing'),
  comment_reply_event: (e) => textBubble(str(e.text), 'Comment reply'),
  agent_joined_event: (e) => note('agent', agentName(e) + ' joined'),
  agent_left_event: (e) => note('agent', agentName(e) + ' left'),
  generic_event: (e) => note('event', 'generic event ' + JSON.stringify(obj(e.payload))),
};

function agentName(e) {
  const a = obj(e.agent);
  return str(a.display_name || 'agent') + (a.type ? ' (' + str(a.type) + ')' : '');
}

function sinchEvent(item) {
  const ev = obj(obj(item.rec.body).event);
  const kind = Object.keys(SINCH_EVENTS).find((k) => ev[k]);
  const node = kind ? SINCH_EVENTS[kind](obj(ev[kind])) : note('event', JSON.stringify(ev));
  return node.classList.contains('bubble') ? messageNode(item, node) : node;
}

function zapiText(item) {
  const b = obj(item.rec.body);
  const label = b.editMessageId ? 'edit of ' + str(b.editMessageId)
    : b.messageId ? 'reply to ' + str(b.messageId) : null;
  return messageNode(item, textBubble(str(b.message), label));
}

function eventWhen(e) {
  const t = Date.parse(str(e.dateTime));
  const shown = Number.isNaN(t) ? str(e.dateTime) : new Date(t).toLocaleString();
  return shown + (e.timeZone ? ' (' + str(e.timeZone) + ')' : '');
}

/* A Z-API group event as a calendar card: the latest edit wins, responses are counted. */
function zapiEventCard(item) {
  const edits = item.attached.filter((r) => r.operation === 'edit_event');
  const answers = item.attached.filter((r) => r.operation === 'respond_event');
  const current = obj(obj((edits[edits.length - 1] || item.rec).body).event);
  const card = el('div', 'event-card' + (current.canceled === true ? ' canceled' : ''));
  add(card, el('div', 'event-kicker', item.rec.operation === 'edit_event' ? 'Edit of an unknown event' : 'Group event'));
  add(card, el('div', 'event-name', str(current.name)));
  if (current.canceled === true) add(card, el('div', 'badge badge-canceled', 'Cancelled'));
  add(card, eventLine('When', eventWhen(current)));
  if (current.location) add(card, eventLine('Where', str(obj(current.location).name)));
  if (current.callLinkType) add(card, eventLine('Call', str(current.callLinkType) + ' call'));
  if (current.description) add(card, el('p', 'text', str(current.description)));
  if (edits.length) add(card, el('div', 'event-edited', 'edited ' + (edits.length === 1 ? 'once' : edits.length + ' times')));
  if (answers.length) add(card, responsesNode(answers));
  return messageNode(item, card);
}

function eventLine(name, value) {
  return add(el('div', 'event-line'), el('span', 'kind', name + ' '), el('span', null, value));
}

function responsesNode(answers) {
  const going = answers.filter((r) => obj(r.body).eventResponse === 'GOING').length;
  const box = el('div', 'event-responses');
  add(box, el('span', 'going', '✔ going ' + going), el('span', 'not-going', ' ✘ not going ' + (answers.length - going)));
  add(box, el('span', 'muted', ' · last: ' + str(obj(answers[answers.length - 1].body).eventResponse)));
  return box;
}

function connectMessage(item) {
  const b = obj(item.rec.body);
  return messageNode(item, textBubble(str(b.Content), b.ContentType === 'text/plain' ? null : str(b.ContentType)));
}

const CONNECT_EVENTS = {
  typing: () => note('typing', 'typing'),
  'participant.joined': () => note('agent', 'participant joined'),
  'participant.left': () => note('agent', 'participant left'),
  'chat.ended': () => note('agent', 'chat ended'),
  'connection.acknowledged': () => note('event', 'connection acknowledged'),
  'message.read': (b) => note('event', 'read receipt for ' + str(b.Content)),
  'message.delivered': (b) => note('event', 'delivered receipt for ' + str(b.Content)),
};

function connectEvent(item) {
  const b = obj(item.rec.body), type = str(b.ContentType);
  const fn = type.startsWith(CT) ? CONNECT_EVENTS[type.slice(CT.length)] : null;
  return fn ? fn(b) : note('event', 'event ' + type + (b.Content ? ' ' + str(b.Content) : ''));
}

/* The other side of a Connect chat (POST /_emulator/connect/agent): messages as received
 * bubbles with the sender's name, events as notes. */
function connectAgentItem(item) {
  const b = obj(item.rec.body), who = str(b.DisplayName) || str(b.ParticipantRole);
  if (b.Type === 'EVENT') {
    const type = str(b.ContentType), fn = type.startsWith(CT) ? CONNECT_EVENTS[type.slice(CT.length)] : null;
    const shown = fn ? fn(b) : note('event', 'event ' + type);
    shown.textContent = who + ': ' + shown.textContent;
    return shown;
  }
  const content = textBubble(str(b.Content), who + (b.ContentType === 'text/plain' ? '' : ' · ' + str(b.ContentType)));
  content.classList.add('bubble-received');
  return add(el('div', 'message message-received'), content, el('div', 'meta', timeOf(item.rec)));
}

export const RENDERERS = {
  'sinch:send_message': sinchMessage,
  'sinch:send_event': sinchEvent,
  'zapi:send_message': zapiText,
  'zapi:send_event': zapiEventCard,
  'zapi:edit_event': zapiEventCard,
  'zapi:respond_event': (item) => note('event', 'response ' + str(obj(item.rec.body).eventResponse) +
    ' to event ' + str(obj(item.rec.body).eventMessageId)),
  'connect:send_message': connectMessage,
  'connect:send_event': connectEvent,
  'connect:create_connection': (item) => note('agent', 'participant connection created ' +
    arr(obj(item.rec.body).Type).join(', ')),
  'connect:disconnect': () => note('agent', 'customer disconnected'),
  'connect:agent_item': connectAgentItem,
};

export const FAULT_TEXT = {
  close: 'connection closed, no answer', reset: 'connection reset, no answer',
  hang: 'no answer (hanging)', close_after: 'processed, then the connection was closed',
  reset_after: 'processed, then the connection was reset', oversized: 'oversized answer',
  value_false: 'answered {"value": false}', latency: 'answered late',
  expire_token: 'tokens expired', status: 'injected status',
};

export function faultText(rec) {
  return rec.throttled ? 'throttled (rate limit)' : rec.fault ? 'fault: ' + (FAULT_TEXT[rec.fault] || rec.fault) : 'rejected';
}

/* A sent bubble with its time, its tick, and the fault that let it through (latency…). */
function messageNode(item, content) {
  const meta = el('div', 'meta', timeOf(item.rec) + ' ');
  if (item.rec.fault) add(meta, el('span', 'badge badge-warn', faultText(item.rec)), document.createTextNode(' '));
  if (!isFailed(item.rec)) add(meta, tickNode(tickOf(item)));
  return add(el('div', 'message'), content, meta);
}
