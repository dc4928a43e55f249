/* sendevent-emulator inbox: shows what was sent to the emulator as the recipient would see it.
 *
 * Everything shown comes from requests, so it is untrusted: the DOM is built only with
 * createElement, textContent and a few safe attributes. Never innerHTML or anything that parses
 * markup or code. Links are made only for http(s) URLs. The page talks only to /_emulator/.
 *
 * Sections: 1 helpers · 2 state and fetching · 3 model (conversations, links between records) ·
 * 4 provider renderers · 5 timeline and sidebar · 6 detail pane · 7 faults panel ·
 * 8 filters, reset, keyboard · 9 live updates and start-up */
(function () {
  'use strict';

  /* ---- 1. helpers ------------------------------------------------------------------------ */

  const API = '/_emulator/';
  const MAX_RECORDS = 20000;       // the page keeps at most this many requests
  const PAGE_ITEMS = 300;          // timeline items shown before "Show earlier items"
  const TYPING_MS = 6000;          // how long a typing indicator stays up
  const PROVIDERS = { sinch: 'Sinch', zapi: 'Z-API', connect: 'Connect' };
  const CT = 'application/vnd.amazonaws.connect.event.';

  function $(id) { return document.getElementById(id); }
  function put(parent, child) { parent.appendChild(child); return child; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function parseJson(text) { try { return JSON.parse(text); } catch (e) { return null; } }
  function obj(v) { return v && typeof v === 'object' && !Array.isArray(v) ? v : {}; }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function str(v) { return typeof v === 'string' ? v : (v === undefined || v === null ? '' : JSON.stringify(v)); }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function add(parent, ...children) {
    for (const c of children) if (c) parent.appendChild(c);
    return parent;
  }

  function isHttpUrl(text) {
    if (typeof text !== 'string' || !/^https?:\/\//i.test(text)) return false;
    try { const u = new URL(text); return u.protocol === 'http:' || u.protocol === 'https:'; }
    catch (e) { return false; }
  }

  /* An http(s) URL becomes a link that opens in a new tab (nothing is fetched until a click);
   * anything else (javascript:, data:, …) is plain text. */
  function urlNode(url) {
    if (!isHttpUrl(url)) return el('span', 'url-text', str(url));
    const a = el('a', 'url', url);
    a.setAttribute('href', url);
    a.setAttribute('rel', 'noopener noreferrer');
    a.setAttribute('target', '_blank');
    a.addEventListener('click', (e) => e.stopPropagation());
    return a;
  }

  function pretty(value, raw) {
    return value !== null && value !== undefined ? JSON.stringify(value, null, 2) : String(raw || '(empty)');
  }

  async function api(path, options) {
    const res = await fetch(API + path, Object.assign({ cache: 'no-store' }, options));
    const body = await res.json().catch(() => null);
    return { ok: res.ok, status: res.status, body: body };
  }

  /* ---- 2. state and fetching ------------------------------------------------------------- */

  const state = {
    requests: [], callbacks: [], faults: [], seenAt: new Map(), clockOffset: null,
    last: { requests: 0, callbacks: 0 }, version: null, loaded: false,
    selected: null, shownConv: null, detailSeq: null, showAll: false, model: null,
    filters: { provider: '', operation: '', status: '', text: '' },
  };

  /* New entries of a log (requests or callbacks) since the last one we have. Asking from the one
   * before it tells a reset (or the log dropping old entries) apart: the entry we had last is
   * then gone, and the log is read again from the start. Returns the new entries, or null when
   * the log was read again. */
  async function fetchLog(name, path) {
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

  async function fetchRecords() {
    const fresh = await fetchLog('requests', 'requests?all=1&redact=1');
    if (!fresh) { state.shownConv = null; state.seenAt.clear(); }
    const now = state.loaded ? Date.now() : 0;  // records of the first read are not "live"
    for (const rec of fresh || state.requests) {
      state.seenAt.set(rec.seq, now);
      noteClock(rec, now || null);
    }
    return !fresh || fresh.length > 0;
  }

  async function fetchFaults() {
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

  function timeOf(rec) {
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
  function conversationOf(rec) {
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
  function isFailed(rec) {
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

  function buildModel() {
    const m = { convs: new Map(), byAnswer: new Map(), callbacks: new Map(), items: new Map() };
    for (const cb of state.callbacks) {
      const k = cb.provider + ':' + cb.id;
      if (!m.callbacks.has(k)) m.callbacks.set(k, []);
      m.callbacks.get(k).push(cb);
    }
    for (const rec of state.requests) place(m, rec);
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

  function callbacksOf(rec) {
    return Array.from(new Set(answerIds(rec))).flatMap((id) => state.model.callbacks.get(rec.provider + ':' + id) || []);
  }

  /* ---- 4. provider renderers ------------------------------------------------------------- */

  const TICKS = ['sent', 'delivered', 'read'];
  const STATUS_TICK = {
    QUEUED_ON_CHANNEL: 'sent', DELIVERED: 'delivered', READ: 'read', FAILED: 'failed',  // Sinch
    SENT: 'sent', RECEIVED: 'delivered', PLAYED: 'read',  // Z-API
    [CT + 'message.delivered']: 'delivered', [CT + 'message.read']: 'read',  // Connect receipts
  };

  /* sent / delivered / read / failed, from Connect receipts and delivery callbacks. */
  function tickOf(item) {
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
  function note(kind, text) { return el('div', 'note note-' + kind, text); }

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

  const RENDERERS = {
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
  };

  /* A sent bubble with its time, its tick, and the fault that let it through (latency…). */
  function messageNode(item, content) {
    const meta = el('div', 'meta', timeOf(item.rec) + ' ');
    if (item.rec.fault) add(meta, el('span', 'badge badge-warn', faultText(item.rec)), document.createTextNode(' '));
    if (!isFailed(item.rec)) add(meta, tickNode(tickOf(item)));
    return add(el('div', 'message'), content, meta);
  }

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

  const FAULT_TEXT = {
    close: 'connection closed, no answer', reset: 'connection reset, no answer',
    hang: 'no answer (hanging)', close_after: 'processed, then the connection was closed',
    reset_after: 'processed, then the connection was reset', oversized: 'oversized answer',
    value_false: 'answered {"value": false}', latency: 'answered late',
    expire_token: 'tokens expired', status: 'injected status',
  };

  function faultText(rec) {
    return rec.throttled ? 'throttled (rate limit)' : rec.fault ? 'fault: ' + (FAULT_TEXT[rec.fault] || rec.fault) : 'rejected';
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
  function summaryOf(rec) {
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

  function visibleConversations() {
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

  function renderSidebar(list) {
    $('conv-empty').hidden = list.length > 0;
    $('conv-empty').textContent = state.requests.length ? 'Nothing matches the filters.'
      : 'Nothing received yet. Send something to the emulator.';
    reconcile($('conversations'), list, (x) => x.conv.key, makeConv, fillConv);
  }

  function renderTimeline() {
    const ol = $('timeline'), conv = state.model.convs.get(state.selected);
    const atBottom = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
    if (state.shownConv !== state.selected) clear(ol);
    $('chat-title').textContent = conv ? (PROVIDERS[conv.provider] || 'Other') + ' · ' + conv.label : 'No conversation selected';
    $('chat-sub').textContent = conv ? conv.records.length + ' requests' : 'Pick a conversation on the left.';
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

  function render() {
    state.model = buildModel();
    const list = visibleConversations();
    if (!state.selected || !list.some((x) => x.conv.key === state.selected)) {
      state.selected = list.length ? list[0].conv.key : null;
    }
    renderSidebar(list);
    renderTimeline();
    if (state.detailSeq !== null) renderDetail();
    renderFaults();
  }

  function selectConversation(key) {
    state.selected = key;
    state.shownConv = null;  // shown afresh, scrolled to its newest item
    state.showAll = false;
    render();
    const btn = document.querySelector('.conv[data-conv="' + CSS.escape(key) + '"]');
    if (btn) btn.focus();
  }

  /* ---- 6. detail pane -------------------------------------------------------------------- */

  function section(title, ...children) { return add(el('section', 'detail-section'), el('h3', null, title), ...children); }

  /* A definition list of the pairs whose value is not empty. */
  function kvList(pairs) {
    const dl = el('dl', 'kv');
    for (const [k, v] of pairs.filter((p) => p[1] !== undefined && p[1] !== null && p[1] !== '')) {
      add(dl, el('dt', null, k), el('dd', null, String(v)));
    }
    return dl;
  }

  function headersNode(headers) {
    const names = Object.keys(obj(headers));
    if (!names.length) return el('p', 'muted', '(none)');
    return el('pre', 'code headers', names.map((n) => n + ': ' + str(headers[n])).join('\n'));
  }

  function requestSection(rec) {
    const target = rec.path + (rec.query ? '?' + rec.query : '');
    return section('Request', el('pre', 'code request-line', rec.method + ' ' + target),
      kvList([['provider', rec.provider || 'none'], ['operation', rec.operation || 'none'],
        ['conversation', conversationOf(rec)[1]], ['seq', rec.seq], ['received', timeOf(rec)],
        ['request # on its connection', rec.connection_requests]]),
      el('h4', null, 'Headers'), headersNode(rec.headers),
      el('h4', null, 'Body'), el('pre', 'code body', pretty(rec.body, rec.body_raw)));
  }

  function answerSection(rec) {
    const res = rec.response;
    const facts = kvList([['status', rec.status === null ? 'none' : rec.status],
      ['accepted', rec.accepted ? 'yes' : 'no'], ['fault', rec.fault ? rec.fault + ' — ' + (FAULT_TEXT[rec.fault] || '') : ''],
      ['throttled', rec.throttled ? 'yes (rate limit)' : ''], ['replayed', rec.replayed ? 'yes (ClientToken replay)' : '']]);
    if (!res) return section('Answer', facts, el('p', 'muted', 'No answer was produced.'));
    return section('Answer', facts,
      res.sent === false ? el('p', 'warn', 'Processed, but the answer was never sent (' + rec.fault + ').') : null,
      el('h4', null, 'Status ' + res.status), el('h4', null, 'Headers'), headersNode(res.headers),
      el('h4', null, 'Body'), el('pre', 'code answer-body', pretty(res.body, res.body_raw)));
  }

  function callbackNode(cb) {
    const d = el('details', 'callback');
    const outcome = cb.skipped ? 'skipped: ' + cb.skipped : cb.answer !== null && cb.answer !== undefined
      ? 'answered ' + cb.answer : 'no answer' + (cb.error ? ' (' + cb.error + ')' : '');
    add(d, el('summary', null, cb.trigger + ' ' + str(cb.delivery_status) + ' · attempt ' + cb.attempt + ' · ' + outcome));
    return add(d, kvList([['url', cb.url], ['time', cb.time], ['error', cb.error]]),
      el('h4', null, 'Body'), el('pre', 'code', pretty(cb.body, cb.body_raw)));
  }

  function detailLink(rec) {
    const b = el('button', 'link-button', '#' + rec.seq + ' ' + rec.operation + ': ' + summaryOf(rec).slice(0, 80));
    b.type = 'button';
    b.addEventListener('click', () => openDetail(rec.seq));
    return b;
  }

  function relatedSection(item) {
    if (!item || !item.attached.length) return null;
    const ul = el('ul', 'related');
    for (const r of item.attached) add(ul, add(el('li'), detailLink(r)));
    return section('Receipts, edits and responses', ul);
  }

  function appliesTo(item) {
    return item ? section('Applies to', detailLink(item.rec)) : null;
  }

  function renderDetail() {
    const rec = state.requests.find((r) => r.seq === state.detailSeq);
    const body = $('detail-body');
    clear(body);
    if (!rec) { closeDetail(); return; }
    const item = state.model.items.get(rec.seq);
    const cbs = callbacksOf(rec);
    $('detail-title').textContent = 'Request #' + rec.seq;
    add(body, requestSection(rec), answerSection(rec),
      section('Callbacks', cbs.length ? null : el('p', 'muted', 'No callback.'), ...cbs.map(callbackNode)),
      item && item.rec.seq === rec.seq ? relatedSection(item) : appliesTo(item));
  }

  let detailOpener = null;

  function openDetail(seq) {
    if (state.detailSeq === null) detailOpener = document.activeElement;
    state.detailSeq = seq;
    showPanel('detail');
    renderDetail();
    renderTimeline();  // marks the item shown
    $('detail-close').focus();
  }

  function closeDetail() {
    showPanel(null);
    renderTimeline();
    if (detailOpener && document.contains(detailOpener)) detailOpener.focus();
    detailOpener = null;
  }

  function showPanel(which) {
    $('detail').hidden = which !== 'detail';
    $('faults').hidden = which !== 'faults';
    $('faults-toggle').setAttribute('aria-expanded', String(which === 'faults'));
    $('layout').classList.toggle('with-panel', !!which);
    if (which !== 'detail') state.detailSeq = null;
  }

  /* ---- 7. faults panel ------------------------------------------------------------------- */

  function faultSummary(f) {
    const parts = ['#' + f.id, f.provider, f.operation || 'any operation'];
    for (const k of Object.keys(f)) {
      if (['id', 'remaining', 'provider', 'operation'].indexOf(k) < 0) parts.push(k + '=' + JSON.stringify(f[k]));
    }
    parts.push(f.remaining === null || f.remaining === undefined ? 'until cleared' : f.remaining + ' left');
    return parts.join(' · ');
  }

  function renderFaults() {
    const ul = $('fault-list');
    clear(ul);
    for (const f of state.faults) add(ul, el('li', 'fault', faultSummary(f)));
    $('faults-empty').hidden = state.faults.length > 0;
    $('faults-count').textContent = String(state.faults.length);
  }

  /* The small form as a spec: empty fields are left out; numbers stay numbers. */
  function formSpec() {
    const spec = {};
    for (const f of $('fault-form').elements) {
      if (f.name && f.value.trim() !== '') spec[f.name] = f.type === 'number' ? Number(f.value) : f.value.trim();
    }
    return spec;
  }

  async function postFault(spec) {
    const out = $('fault-error');
    out.textContent = '';
    const r = await api('faults', { method: 'POST', body: typeof spec === 'string' ? spec : JSON.stringify(spec) });
    if (!r.ok) out.textContent = 'Refused (' + r.status + '): ' + str(obj(r.body).error || r.body);
    await refresh();
  }

  function setupFaults() {
    $('faults-toggle').addEventListener('click', () => {
      const open = $('faults').hidden;
      showPanel(open ? 'faults' : null);
      if (open) $('ff-provider').focus();
    });
    $('faults-close').addEventListener('click', () => { showPanel(null); $('faults-toggle').focus(); });
    $('fault-form').addEventListener('submit', (e) => { e.preventDefault(); postFault(formSpec()); });
    // sent as typed: the emulator says what is wrong with it
    $('fault-raw-form').addEventListener('submit', (e) => { e.preventDefault(); postFault($('ff-raw').value.trim()); });
    $('faults-clear').addEventListener('click', () => api('faults', { method: 'DELETE' }).then(refresh));
  }

  /* ---- 8. filters, reset, keyboard ------------------------------------------------------- */

  function setupFilters() {
    const read = () => {
      state.filters = { provider: $('f-provider').value, operation: $('f-operation').value,
        status: $('f-status').value, text: $('f-text').value.trim() };
      state.showAll = false;
      render();
    };
    for (const id of ['f-provider', 'f-operation', 'f-status']) $(id).addEventListener('change', read);
    $('f-text').addEventListener('input', read);
    $('filters').addEventListener('submit', (e) => e.preventDefault());
    $('earlier').addEventListener('click', () => { state.showAll = true; renderTimeline(); });
  }

  /* Reset asks for a second click (within 4 s) instead of a dialog. */
  function setupReset() {
    const btn = $('reset');
    let armed = null;
    const arm = (on) => {
      clearTimeout(armed);
      armed = on ? setTimeout(() => arm(false), 4000) : null;
      btn.textContent = on ? 'Click again to reset' : 'Reset emulator';
      btn.classList.toggle('armed', on);
    };
    btn.addEventListener('click', async () => {
      if (!armed) { arm(true); return; }
      arm(false);
      await api('reset', { method: 'POST' });
      closeDetail();
      await refresh();
    });
  }

  function setupKeyboard() {
    const convs = $('conversations'), tl = $('timeline');
    convs.addEventListener('click', (e) => e.target.closest('.conv') && selectConversation(e.target.closest('.conv').dataset.conv));
    convs.addEventListener('keydown', (e) => moveFocus(e, '.conv'));
    tl.addEventListener('click', (e) => {
      const li = e.target.closest('.item');
      if (li && !e.target.closest('a')) openDetail(Number(li.dataset.seq));
    });
    tl.addEventListener('keydown', (e) => {
      const li = e.target.closest('.item');
      if (li && e.target === li && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); openDetail(Number(li.dataset.seq)); }
      else moveFocus(e, '.item');
    });
    $('detail-close').addEventListener('click', closeDetail);
    document.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      if (!$('detail').hidden) closeDetail();
      else if (!$('faults').hidden) { showPanel(null); $('faults-toggle').focus(); }
    });
  }

  /* Arrow keys (and Home/End) move between the elements of a list. */
  function moveFocus(e, selector) {
    const all = Array.from(e.currentTarget.querySelectorAll(selector));
    const at = all.indexOf(e.target.closest(selector));
    const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 }[e.key];
    if (at < 0 || next === undefined) return;
    e.preventDefault();
    all[Math.min(all.length - 1, Math.max(0, next))].focus();
  }

  /* ---- 9. live updates and start-up ------------------------------------------------------ */

  let refreshing = null, again = false;

  /* Reads what changed and renders it. A call while a read is under way makes it read once more
   * when done, so no change is missed. */
  function refresh() {
    if (refreshing) { again = true; return refreshing; }
    refreshing = (async () => {
      do {
        again = false;
        const changed = await Promise.all([fetchRecords(), fetchFaults(),
          fetchLog('callbacks', 'callbacks').then((fresh) => !fresh || fresh.length > 0)]);
        if (!state.loaded || changed.some(Boolean)) render();
        state.loaded = true;
      } while (again);
    })().finally(() => { refreshing = null; });
    return refreshing;
  }

  function setLive(text, ok) {
    $('live').textContent = text;
    $('live').classList.toggle('down', !ok);
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /* Long polling on /_emulator/changes: it answers as soon as something was recorded. */
  async function liveLoop() {
    for (;;) {
      try {
        const since = state.version === null ? '' : 'since=' + state.version + '&';
        const r = await api('changes?' + since + 'wait=25');
        if (!r.ok) throw new Error('changes: ' + r.status);
        const v = obj(r.body).version;
        if (v !== state.version) { state.version = v; await refresh(); }
        setLive('live', true);
        await sleep(150);
      } catch (err) {
        setLive('disconnected, retrying…', false);
        await sleep(2000);
      }
    }
  }

  // the script is deferred: the document is parsed by now
  setupFilters();
  setupReset();
  setupFaults();
  setupKeyboard();
  liveLoop();
})();
