/* The panels beside the timeline (the detail of a request, the faults), the page's controls
 * (filters, reset, keyboard), and render(), which redraws the whole page: it lives here, above
 * the panels it draws, so that no module imports one that imports it. refresh (app.js) is passed
 * in by the set-up functions that need it. */

import { OPERATIONS, $, clear, obj, str, el, add, pretty, api } from './helpers.js';
import { state, buildModel, timeOf, conversationOf, callbacksOf } from './model.js';
import { FAULT_TEXT } from './renderers.js';
import { renderSidebar, renderTimeline, visibleConversations, summaryOf } from './timeline.js';

/* The sidebar, the timeline, the open detail and the faults list, from the state. */
export function render() {
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
  const rec = state.model.records.get(state.detailSeq);
  const body = $('detail-body');
  clear(body);
  if (!rec) { closeDetail(); return; }
  const item = state.model.items.get(rec.seq);
  const cbs = callbacksOf(rec);
  $('detail-title').textContent = rec.agent ? 'Agent side, item #' + -rec.seq : 'Request #' + rec.seq;
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

async function postFault(spec, refresh) {
  const out = $('fault-error');
  out.textContent = '';
  const r = await api('faults', { method: 'POST', body: typeof spec === 'string' ? spec : JSON.stringify(spec) });
  if (!r.ok) out.textContent = 'Refused (' + r.status + '): ' + str(obj(r.body).error || r.body);
  await refresh();
}

/* refresh reads what changed and renders it (app.js). */
function addOptions(select, values) {
  for (const v of values) { const o = el('option', null, v); o.value = v; select.appendChild(o); }
}

export function setupFaults(refresh) {
  addOptions($('ff-operation'), OPERATIONS);
  $('faults-toggle').addEventListener('click', () => {
    const open = $('faults').hidden;
    showPanel(open ? 'faults' : null);
    if (open) $('ff-provider').focus();
  });
  $('faults-close').addEventListener('click', () => { showPanel(null); $('faults-toggle').focus(); });
  $('fault-form').addEventListener('submit', (e) => { e.preventDefault(); postFault(formSpec(), refresh); });
  // sent as typed: the emulator says what is wrong with it
  $('fault-raw-form').addEventListener('submit', (e) => { e.preventDefault(); postFault($('ff-raw').value.trim(), refresh); });
  $('faults-clear').addEventListener('click', () => api('faults', { method: 'DELETE' }).then(refresh));
}

/* ---- 8. filters, reset, keyboard ------------------------------------------------------- */

export function setupFilters() {
  addOptions($('f-operation'), OPERATIONS);
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
export function setupReset(refresh) {
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

export function setupKeyboard() {
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
