// flowpulse console: four views over the JSON API, kept live by server-sent events.
// Plain browser JavaScript (no build step); the chart library (uPlot) comes from its WebJar.
(function () {
  'use strict';
  const $ = (sel, root) => (root || document).querySelector(sel);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  };
  const fmtTime = ms => ms == null || ms < 0 || !isFinite(ms) ? '' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  const fmtNum = x => x == null || Number.isNaN(x) ? '' : Math.abs(x) >= 1e6 ? x.toExponential(3) : (Math.round(x * 1000) / 1000).toLocaleString('en');
  // axis labels: 1.2 G, 350 M, 12 k
  const fmtSI = x => { const a = Math.abs(x); for (const [d, u] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']]) if (a >= d) return +(x / d).toFixed(2) + ' ' + u; return String(+x.toFixed(2)); };
  const badge = (s, cls) => el('span', { class: 'badge ' + (cls || s).replace(' ', ''), text: s });
  const api = async (path, opts) => {
    const r = await fetch(path, opts);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw Object.assign(new Error(body.error || r.statusText), { status: r.status });
    return body;
  };
  // at most one run of fn per `ms`, the last call wins
  const throttle = (fn, ms) => {
    let timer = null, last = 0;
    return () => {
      if (timer) return;
      const wait = Math.max(0, last + ms - Date.now());
      timer = setTimeout(() => { timer = null; last = Date.now(); fn(); }, wait);
    };
  };

  // a failed load says so on the page instead of leaving a view silently empty
  const problem = msg => { const f = $('#problem'); f.hidden = false; f.textContent = 'Problem: ' + msg; };
  window.addEventListener('unhandledrejection', e => problem(e.reason && e.reason.message || String(e.reason)));
  window.addEventListener('error', e => problem(e.message));

  const ui = { view: 'ports', info: null, ports: { sort: 'state', dir: 'asc', page: 0 }, alerts: { page: 0 }, queue: { page: 0 },
    portKey: null, chart: null, series: null };

  // ---------------------------------------------------------------- routing
  function route() {
    const h = decodeURIComponent(location.hash.slice(1) || 'ports');
    let view = h;
    if (h.startsWith('port=')) { view = 'port'; ui.portKey = h.slice(5); }
    ui.view = ['ports', 'port', 'alerts', 'queue', 'models'].includes(view) ? view : 'ports';
    document.querySelectorAll('.view').forEach(v => v.classList.toggle('shown', v.id === 'view-' + ui.view));
    document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', a.dataset.view === (ui.view === 'port' ? 'ports' : ui.view)));
    refresh();
  }
  function refresh() {
    window.flowpulseStats && window.flowpulseStats.renders++;
    ({ ports: loadPorts, port: loadSeries, alerts: loadAlerts, queue: loadQueue, models: loadModels })[ui.view]();
  }

  // ---------------------------------------------------------------- ports
  async function loadPorts() {
    const p = ui.ports;
    const q = new URLSearchParams({ filter: $('#port-filter').value, state: $('#port-state').value, sort: p.sort, dir: p.dir, page: p.page, size: 50 });
    const page = await api('/api/ports?' + q);
    const tbody = $('#ports-table tbody');
    tbody.replaceChildren(...page.items.map(r => el('tr', { class: 'clickable', 'data-key': r.key, onclick: () => { location.hash = 'port=' + encodeURIComponent(r.key); } },
      el('td', {}, badge(r.state)), el('td', { text: r.key }), el('td', { text: fmtTime(r.lastBucketMillis) }),
      el('td', { class: 'num', text: fmtNum(r.lastValue) }), el('td', { class: 'num', text: fmtNum(r.lastScore) }),
      el('td', { class: 'num', text: r.anomalousPoints + ' / ' + r.points }), el('td', { text: r.detector }))));
    if (!page.items.length) tbody.append(el('tr', {}, el('td', { colspan: 7, text: 'no port keys yet (waiting for the anomalies topic)' })));
    document.querySelectorAll('#ports-table th[data-sort]').forEach(th => {
      th.classList.toggle('sorted', th.dataset.sort === p.sort); th.classList.toggle('asc', p.dir === 'asc');
    });
    pager($('#ports-pager'), page, n => { p.page = n; loadPorts(); });
  }
  function pager(box, page, go) {
    const pages = Math.max(1, Math.ceil(page.total / page.size));
    box.replaceChildren(
      el('button', { text: '\u2190 previous', onclick: () => go(page.page - 1), ...(page.page <= 0 ? { disabled: '' } : {}) }),
      el('span', { text: `page ${page.page + 1} of ${pages} (${page.total} in all)` }),
      el('button', { text: 'next \u2192', onclick: () => go(page.page + 1), ...(page.page + 1 >= pages ? { disabled: '' } : {}) }));
  }

  // ---------------------------------------------------------------- one port's chart
  async function loadSeries() {
    const key = ui.portKey;
    let v;
    try { v = await api('/api/series?' + new URLSearchParams({ key })); } catch (e) {
      $('#port-title').textContent = key; $('#port-chart').replaceChildren(el('p', { text: e.message })); return;
    }
    $('#port-title').textContent = key;
    $('#port-state-badge').replaceWith(Object.assign(badge(v.state), { id: 'port-state-badge' }));
    drawChart(v);
    $('#episodes-table tbody').replaceChildren(...v.episodes.slice().reverse().map(a => el('tr', {},
      el('td', {}, badge(a.severity)), el('td', {}, badge(a.state)), el('td', { text: fmtTime(a.firstBucketMillis) }),
      el('td', { text: fmtTime(a.lastBucketMillis) }), el('td', { class: 'num', text: a.count }),
      el('td', { class: 'num', text: fmtNum(a.peakScore) }), el('td', { text: a.alertId }))));
  }
  function drawChart(v) {
    const s = v.series, n = s.t.length;
    const crit = v.episodes.filter(e => e.severity === 'critical');
    const inCrit = t => crit.some(e => t >= e.firstBucketMillis && t <= e.lastBucketMillis);
    const warnPts = new Array(n), critPts = new Array(n);
    for (let i = 0; i < n; i++) {
      const flagged = s.anomalous[i], c = flagged && inCrit(s.t[i]);
      warnPts[i] = flagged && !c ? s.value[i] : null; critPts[i] = c ? s.value[i] : null;
    }
    const data = [s.t.map(t => t / 1000), s.value, s.expected, s.lower, s.upper, warnPts, critPts];
    const box = $('#port-chart');
    const keepX = ui.chart && ui.chartKey === v.key ? { min: ui.chart.scales.x.min, max: ui.chart.scales.x.max } : null;
    if (ui.chart) { ui.chart.destroy(); ui.chart = null; }
    box.replaceChildren();
    const episodes = v.episodes;
    const pointsOnly = (color, edge) => ({ paths: () => null, points: { show: true, size: 9, fill: color, stroke: edge, width: 1 } });
    const opts = {
      width: Math.max(600, box.clientWidth - 18), height: 400,
      cursor: { drag: { x: true, y: false, setScale: true } },
      scales: { x: { time: true } },
      series: [{},
        { label: 'value', stroke: '#1f5fbf', width: 1.5 },
        { label: 'expected', stroke: '#2a8a2a', width: 1.5, dash: [6, 4] },
        { label: 'lower', stroke: 'rgba(40,150,40,0.45)', width: 1 },
        { label: 'upper', stroke: 'rgba(40,150,40,0.45)', width: 1 },
        Object.assign({ label: 'flagged', stroke: '#e0a800' }, pointsOnly('#f2c200', '#9a7400')),
        Object.assign({ label: 'flagged (critical)', stroke: '#d62728' }, pointsOnly('#d62728', '#7a1010'))],
      bands: [{ series: [4, 3], fill: 'rgba(60,180,60,0.20)' }],
      axes: [{}, { size: 64, values: (u, vals) => vals.map(fmtSI) }],
      hooks: {
        drawClear: [u => {
          const ctx = u.ctx; ctx.save();
          for (const e of episodes) {
            const x0 = u.valToPos(e.firstBucketMillis / 1000, 'x', true), x1 = u.valToPos(e.lastBucketMillis / 1000, 'x', true);
            ctx.fillStyle = e.severity === 'critical' ? 'rgba(214,39,40,0.12)' : 'rgba(224,168,0,0.14)';
            const left = Math.max(u.bbox.left, Math.min(x0, x1) - 3), right = Math.min(u.bbox.left + u.bbox.width, Math.max(x0, x1) + 3);
            if (right > left) ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
          }
          ctx.restore();
        }],
      },
    };
    ui.chart = new uPlot(opts, data, box);
    ui.chartKey = v.key;
    ui.series = v;
    box.dataset.points = n;
    box.dataset.flagged = s.anomalous.filter(Boolean).length;
    if (keepX && keepX.min != null) ui.chart.setScale('x', keepX);
  }
  document.querySelectorAll('[data-range]').forEach(b => b.addEventListener('click', () => {
    if (!ui.chart || !ui.series || !ui.series.series.t.length) return;
    const t = ui.series.series.t, last = t[t.length - 1] / 1000, span = +b.dataset.range;
    ui.chart.setScale('x', { min: span ? last - span : t[0] / 1000, max: last });
  }));

  // ---------------------------------------------------------------- alerts
  async function loadAlerts() {
    const a = ui.alerts;
    const v = await api('/api/alerts?' + new URLSearchParams({ open: $('#alerts-open').value, page: a.page, size: 50 }));
    $('#alert-counts').replaceChildren(el('span', { text: `${v.open} open` }), el('span', { text: `${v.critical} critical` }),
      el('span', { text: `${v.warning} warning` }), el('span', { text: `${v.held} episodes held` }));
    // rows whose episode did not change are kept as they are (no rebuild, no flash): at 100 updates/s
    // only the changed rows cost the page anything
    const rows = ui.alertRows || new Map(), next = new Map();
    const tbody = $('#alerts-table tbody');
    let changed = 0;
    const wanted = v.page.items.map(r => {
      const sig = [r.severity, r.state, r.lastBucketMillis, r.count, r.peakScore].join('/');
      const old = rows.get(r.alertId);
      if (old && old.sig === sig) { next.set(r.alertId, old); return old.tr; }
      const tr = el('tr', { class: 'clickable' + (old || ui.alertRows ? ' fresh' : ''), 'data-alert': r.alertId, 'data-key': r.key,
        onclick: () => { location.hash = 'port=' + encodeURIComponent(r.key); } },
      el('td', {}, badge(r.severity)), el('td', {}, badge(r.state)), el('td', { text: r.key }),
      el('td', { text: fmtTime(r.firstBucketMillis) }), el('td', { text: fmtTime(r.lastBucketMillis) }),
      el('td', { class: 'num', text: r.count }), el('td', { class: 'num', text: fmtNum(r.peakScore) }),
      el('td', { text: r.modelId }), el('td', { text: new Date(r.receivedMillis).toLocaleTimeString() }));
      next.set(r.alertId, { sig, tr });
      changed++;
      return tr;
    });
    // a flash per changed row while few change; under a storm of updates a still highlight (animating
    // dozens of rows every second would keep the page busy repainting)
    if (changed > 5) wanted.forEach(tr => { if (tr.classList.contains('fresh')) { tr.classList.remove('fresh'); tr.classList.add('changed'); } });
    ui.alertRows = next;
    if (wanted.length !== tbody.children.length || wanted.some((tr, i) => tbody.children[i] !== tr)) tbody.replaceChildren(...wanted);
    if (!v.page.items.length) $('#alerts-table tbody').append(el('tr', {}, el('td', { colspan: 9, text: 'no alerts' })));
    pager($('#alerts-pager'), v.page, n => { a.page = n; ui.alertRows = null; loadAlerts(); });
  }

  // ---------------------------------------------------------------- annotation queue
  const store = { get: k => localStorage.getItem('flowpulse.' + k) || '', set: (k, v) => localStorage.setItem('flowpulse.' + k, v) };
  $('#analyst').value = store.get('analyst');
  $('#token').value = sessionStorage.getItem('flowpulse.token') || '';
  $('#analyst').addEventListener('change', e => store.set('analyst', e.target.value.trim()));
  $('#token').addEventListener('change', e => sessionStorage.setItem('flowpulse.token', e.target.value.trim()));
  function say(text, ok) {
    const m = $('#queue-message'); m.hidden = false; m.className = 'message ' + (ok ? 'ok' : 'err'); m.textContent = text;
  }
  async function send(path, body) {
    const analyst = $('#analyst').value.trim();
    if (!analyst) { say('Enter your name as analyst first.', false); $('#analyst').focus(); return null; }
    store.set('analyst', analyst);
    try {
      return await api(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Flowpulse-Token': $('#token').value.trim() },
        body: JSON.stringify(Object.assign({ annotator: analyst }, body)) });
    } catch (e) { say(`Not saved (${e.status}): ${e.message}`, false); return null; }
  }
  async function label(requestId, lbl) {
    const r = await send('/api/labels', { requestId, label: lbl });
    if (r) { say(`Saved: ${requestId} labelled "${r.label}" by ${r.annotator} (${r.topic} partition ${r.partition} offset ${r.offset}).`, true); loadQueue(); }
  }
  async function skip(requestId) {
    const r = await send('/api/skips', { requestId });
    if (r) { say(`Skipped ${requestId}.`, true); loadQueue(); }
  }
  async function loadQueue() {
    if (document.activeElement && document.activeElement.classList.contains('custom-label') && document.activeElement.value) return;
    const q = ui.queue;
    const v = await api('/api/queue?' + new URLSearchParams({ page: q.page, size: 10 }));
    const readOnly = v.readOnly;
    $('#token-label').hidden = readOnly;
    $('#queue-stats').replaceChildren(el('span', { text: `${v.pending} pending` }), el('span', { text: `${v.labelled} labelled` }),
      el('span', { text: `${v.skipped} skipped` }), el('span', { text: `${v.received} requested` }));
    const pct = v.budget > 0 ? Math.min(100, 100 * v.windowLabelled / v.budget) : 0;
    $('#budget-bar').style.width = pct + '%';
    $('#budget-text').textContent = `budget window from ${fmtTime(v.windowStartMillis)}: ${v.windowLabelled} labelled of ${v.windowRequests} requested, budget ${v.budget} per ${Math.round(v.budgetWindowMillis / 60000)} min`;
    const list = $('#queue-list');
    list.replaceChildren(...v.page.items.map(r => {
      const maxP = Math.max(...Object.values(r.probabilities), 1e-9);
      const labels = Array.from(new Set([...Object.keys(r.probabilities), ...v.labels]));
      const custom = el('input', { class: 'custom-label', placeholder: 'other label' });
      const actions = readOnly ? [el('span', { class: 'meta', text: 'read-only console' })] : [
        ...labels.map(l => el('button', { class: 'label-btn', 'data-label': l, text: l, onclick: () => label(r.requestId, l) })),
        custom, el('button', { text: 'save', onclick: () => custom.value.trim() && label(r.requestId, custom.value.trim()) }),
        el('button', { class: 'skip-btn', text: 'skip', onclick: () => skip(r.requestId) })];
      return el('div', { class: 'request', 'data-request': r.requestId },
        el('div', {}, el('h4', { text: r.flow }),
          el('div', { class: 'meta', text: `request ${r.requestId} · flow start ${fmtTime(r.flowStartMicros / 1000)}` }),
          el('div', { class: 'meta', text: `query score ${fmtNum(r.score)} (${r.strategy}) · model ${r.modelId || '?'} v${r.modelVersion}` }),
          el('div', { class: 'meta', text: 'predicted: ' + (r.predictedLabel || '?') }),
          ...Object.entries(r.probabilities).map(([l, p]) => el('div', { class: 'prob' },
            el('span', { text: l, style: 'width:90px' }), el('div', { class: 'bar', style: `width:${Math.round(120 * p / maxP)}px` }),
            el('span', { text: (100 * p).toFixed(1) + ' %' })))),
        el('table', { class: 'features' }, el('tbody', {}, ...r.features.map(f => el('tr', {},
          el('td', { class: f.usedByModel ? 'used' : '', text: f.name + (f.usedByModel ? ' \u2605' : '') }),
          el('td', { class: 'num', text: fmtNum(f.value) }))))),
        el('div', { class: 'actions' }, ...actions));
    }));
    if (!v.page.items.length) list.append(el('p', { text: 'no pending annotation requests' }));
    pager($('#queue-pager'), v.page, n => { q.page = n; loadQueue(); });
    $('#recent-labels tbody').replaceChildren(...v.recentLabels.map(l => el('tr', {},
      el('td', { text: l.requestId }), el('td', { text: l.label }), el('td', { text: l.annotator }), el('td', { text: fmtTime(l.annotatedMillis) }))));
  }

  // ---------------------------------------------------------------- models
  function versionRow(x) {
    const card = x.decodeError ? 'payload: ' + x.decodeError : x.labels.length
      ? el('span', {}, 'classes ', el('code', { text: x.labels.join(', ') }), ' · features ', el('code', { text: x.features.join(', ') }))
      : '\u2013';
    const outcome = badge(x.outcome, x.outcome === 'accepted' ? 'ok' : x.outcome === 'rejected' ? 'critical' : 'nodata');
    return el('tr', { 'data-version': x.version },
      el('td', { text: 'v' + x.version }), el('td', { text: x.serving ? '\u2714 serving' : '' }),
      el('td', {}, outcome, x.reason ? ' ' + x.reason : ''),
      el('td', { text: fmtTime(x.createdMillis) }), el('td', { text: x.format }),
      el('td', { text: Object.entries(x.metrics).map(([k, val]) => `${k}=${fmtNum(val)}`).join(', ') || '\u2013' }),
      el('td', { class: 'num', text: x.payloadBytes.toLocaleString('en') + ' B' }), el('td', { text: x.signed ? 'yes' : 'no' }),
      el('td', { class: 'card' }, card));
  }
  function modelBox(m) {
    const head = el('tr', {}, ...['Version', 'Serving', 'Outcome', 'Created', 'Format', 'Metrics', 'Payload', 'Signed', 'Card'].map(h => el('th', { text: h })));
    return el('div', { class: 'model', 'data-model': m.modelId },
      el('h3', { text: `${m.modelId} (${m.kind}) · serving v${m.servingVersion || '\u2013'}` }),
      el('table', { class: 'grid' }, el('thead', {}, head), el('tbody', {}, ...m.versions.map(versionRow))));
  }
  async function loadModels() {
    const v = await api('/api/models');
    $('#models-list').replaceChildren(...v.models.map(modelBox));
    if (!v.models.length) $('#models-list').append(el('p', { text: 'no models on the models topic yet' }));
    $('#rejected-table tbody').replaceChildren(...v.rejected.map(e => el('tr', {},
      el('td', { text: e.modelId }), el('td', { text: 'v' + e.version }), el('td', { text: e.kind }), el('td', { text: e.reason }),
      el('td', { text: e.servingVersion ? 'v' + e.servingVersion : '\u2013' }), el('td', { text: fmtTime(e.atMillis) }))));
    if (!v.rejected.length) $('#rejected-table tbody').append(el('tr', {}, el('td', { colspan: 6, text: 'none rejected' })));
  }

  // ---------------------------------------------------------------- header, live feed
  function showSummary(s) {
    $('#nav-alert-count').textContent = s.openAlerts || '';
    $('#nav-queue-count').textContent = s.pendingRequests || '';
    $('#readonly-banner').hidden = !s.readOnly;
    const st = s.portStates;
    $('#port-states').replaceChildren(...Object.entries(st).map(([k, n]) => el('span', {}, badge(k), ' ' + n)));
    $('#footer').textContent = `${s.ports} port keys · ${s.records.toLocaleString('en')} records read · ${s.undecodable} undecodable` +
      (s.droppedKeys ? ` · ${s.droppedKeys} points of keys beyond the key limit dropped` : '') +
      (s.waitingFor && s.waitingFor.length ? ` · waiting for topics (missing, or Kafka unreachable): ${s.waitingFor.join(', ')}` : '');
  }
  const live = {
    ports: throttle(() => ui.view === 'ports' ? loadPorts() : ui.view === 'port' ? loadSeries() : null, 2000),
    alerts: throttle(() => ui.view === 'alerts' && loadAlerts(), 1000),
    queue: throttle(() => ui.view === 'queue' && loadQueue(), 1000),
    models: throttle(() => ui.view === 'models' && loadModels(), 1000),
  };
  // counts for tests and benchmarks: live events received, views rendered
  const stats = window.flowpulseStats = { events: 0, renders: 0 };
  function connect() {
    const es = new EventSource('/api/events');
    ['summary', 'alerts', 'ports', 'queue', 'models'].forEach(t => es.addEventListener(t, () => { stats.events++; }));
    es.onopen = () => { $('#live-dot').classList.add('on'); $('#live-text').textContent = 'live'; };
    es.onerror = () => { $('#live-dot').classList.remove('on'); $('#live-text').textContent = 'reconnecting'; };
    es.addEventListener('summary', e => showSummary(JSON.parse(e.data)));
    es.addEventListener('alerts', () => { live.alerts(); live.ports(); });
    es.addEventListener('ports', () => live.ports());
    es.addEventListener('queue', () => live.queue());
    es.addEventListener('models', () => live.models());
  }

  document.querySelectorAll('#ports-table th[data-sort]').forEach(th => th.addEventListener('click', () => {
    const p = ui.ports;
    if (p.sort === th.dataset.sort) p.dir = p.dir === 'asc' ? 'desc' : 'asc'; else { p.sort = th.dataset.sort; p.dir = th.dataset.sort === 'state' || th.dataset.sort === 'key' ? 'asc' : 'desc'; }
    p.page = 0; loadPorts();
  }));
  $('#port-filter').addEventListener('input', throttle(() => { ui.ports.page = 0; loadPorts(); }, 250));
  $('#port-state').addEventListener('change', () => { ui.ports.page = 0; loadPorts(); });
  $('#alerts-open').addEventListener('change', () => { ui.alerts.page = 0; ui.alertRows = null; loadAlerts(); });
  window.addEventListener('hashchange', route);
  window.addEventListener('resize', throttle(() => ui.view === 'port' && ui.series && drawChart(ui.series), 300));
  api('/api/summary').then(showSummary).catch(() => {});
  connect();
  route();
})();
