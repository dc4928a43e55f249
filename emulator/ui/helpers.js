/* The inbox page's helpers: its constants, the DOM and value helpers, and api(), the one wrapper
 * of fetch (the page talks only to /_emulator/). Nodes are made with createElement and
 * textContent only; see app.js. */

/* ---- 1. helpers ------------------------------------------------------------------------ */

const API = '/_emulator/';
export const MAX_RECORDS = 20000;       // the page keeps at most this many requests
export const PAGE_ITEMS = 300;          // timeline items shown before "Show earlier items"
export const TYPING_MS = 6000;          // how long a typing indicator stays up
export const PROVIDERS = { sinch: 'Sinch', zapi: 'Z-API', connect: 'Connect' };
export const CT = 'application/vnd.amazonaws.connect.event.';
// the emulator's operation names (the log's "operation"): the filter and the fault form list them
export const OPERATIONS = ['send_message', 'send_event', 'edit_event', 'respond_event',
  'create_connection', 'disconnect', 'oauth_token', 'update_webhook'];

export function $(id) { return document.getElementById(id); }
export function put(parent, child) { parent.appendChild(child); return child; }
export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
export function parseJson(text) { try { return JSON.parse(text); } catch (e) { return null; } }
export function obj(v) { return v && typeof v === 'object' && !Array.isArray(v) ? v : {}; }
export function arr(v) { return Array.isArray(v) ? v : []; }
export function str(v) { return typeof v === 'string' ? v : (v === undefined || v === null ? '' : JSON.stringify(v)); }

export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function add(parent, ...children) {
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
export function urlNode(url) {
  if (!isHttpUrl(url)) return el('span', 'url-text', str(url));
  const a = el('a', 'url', url);
  a.setAttribute('href', url);
  a.setAttribute('rel', 'noopener noreferrer');
  a.setAttribute('target', '_blank');
  a.addEventListener('click', (e) => e.stopPropagation());
  return a;
}

export function pretty(value, raw) {
  return value !== null && value !== undefined ? JSON.stringify(value, null, 2) : String(raw || '(empty)');
}

export async function api(path, options) {
  const res = await fetch(API + path, Object.assign({ cache: 'no-store' }, options));
  const body = await res.json().catch(() => null);
  return { ok: res.ok, status: res.status, body: body };
}
