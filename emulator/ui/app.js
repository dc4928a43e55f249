/* sendevent-emulator inbox: shows what was sent to the emulator as the recipient would see it.
 *
 * Everything shown comes from requests, so it is untrusted: the DOM is built only with
 * createElement, textContent and a few safe attributes. Never innerHTML or anything that parses
 * markup or code. Links are made only for http(s) URLs. The page talks only to /_emulator/.
 *
 * The script is plain ES modules (no build step), by concern; each imports only from those
 * above it (no cycle), and the numbers are the page's sections:
 *   helpers.js    1 constants, DOM and value helpers, api() (the one wrapper of fetch)
 *   model.js      2 state and fetching · 3 model (conversations, links between records)
 *   renderers.js  4 provider renderers, the words for faults
 *   timeline.js   5 timeline and sidebar
 *   panels.js     render() and selecting a conversation · 6 detail pane · 7 faults panel ·
 *                 8 filters, reset, keyboard
 *   app.js        9 live updates and start-up (this file: the entry point) */

import { $, obj, api } from './helpers.js';
import { state, fetchLog, fetchRecords, fetchFaults } from './model.js';
import { render, setupFilters, setupReset, setupFaults, setupKeyboard } from './panels.js';

/* ---- 9. live updates and start-up ------------------------------------------------------ */

let refreshing = null, again = false;

/* Reads what changed and renders it. A call while a read is under way makes it read once more
 * when done, so no change is missed. */
function refresh() {
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    do {
      again = false;
      const read = (name, path) => fetchLog(name, path).then((fresh) => !fresh || fresh.length > 0);
      const changed = await Promise.all([fetchRecords(), fetchFaults(),
        read('callbacks', 'callbacks'), read('items', 'connect/agent')]);
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

// a module script is deferred: the document is parsed by now
setupFilters();
setupReset(refresh);
setupFaults(refresh);
setupKeyboard();
liveLoop();
