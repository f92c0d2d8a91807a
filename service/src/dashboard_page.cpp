// The dashboard's page, script and style (docs/dashboard.md). Everything is served by waitroomd
// itself (no CDN, no web font: the machine may have no internet), and the Content-Security-
// Policy (http_endpoint.cpp) allows scripts and styles from these URLs only. The script builds
// the DOM with textContent: article ids, order ids and errors are user data, never markup.
#include "dashboard.hpp"

namespace waitroomd {

const char* const kDashboardHtml = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>waitroom dashboard</title>
<link rel="stylesheet" href="dashboard.css">
<script src="dashboard.js" defer></script>
</head>
<body>
<header>
  <h1>waitroom</h1>
  <span id="status" class="muted">loading…</span>
  <span id="daemon" class="muted"></span>
</header>
<div id="db-error" class="banner" hidden></div>
<noscript><div class="banner">This page needs JavaScript: it polls dashboard.json.</div></noscript>
<main>
  <section class="tiles">
    <div class="tile"><span class="label">plans waiting</span><span id="plans-waiting" class="value">–</span></div>
    <div class="tile"><span class="label">waiting lines</span><span id="waiting-lines" class="value">–</span></div>
    <div class="tile"><span class="label">oldest wait</span><span id="oldest-wait" class="value">–</span></div>
    <div class="tile"><span class="label">not routable</span><span id="plans-not-routable" class="value">–</span></div>
    <div class="tile"><span class="label">reroute queue</span><span id="reroute-queue" class="value">–</span></div>
    <div class="tile"><span class="label">events pending</span><span id="deliveries-pending" class="value">–</span></div>
    <div class="tile"><span class="label">dead letters</span><span id="deliveries-dead" class="value">–</span></div>
  </section>
  <section class="panel">
    <h2>Why they wait</h2>
    <p id="reasons-cover" class="muted"></p>
    <table id="reasons"><thead><tr><th>reason</th><th class="num">lines</th><th class="num">quantity</th><th class="barcol"></th></tr></thead><tbody></tbody></table>
  </section>
  <section class="panel">
    <h2>Largest queues, by article</h2>
    <table id="articles"><thead><tr><th>article</th><th class="num">lines</th><th class="num">quantity</th><th>reasons</th></tr></thead><tbody></tbody></table>
  </section>
  <section class="panel wide">
    <h2>Oldest waits</h2>
    <table id="oldest"><thead><tr><th>order</th><th>article</th><th class="num">quantity</th><th>reason</th><th class="num">queue position</th><th class="num">waiting</th></tr></thead><tbody></tbody></table>
  </section>
  <section class="panel wide">
    <h2>Releases over the last hour</h2>
    <p id="releases-total" class="muted"></p>
    <svg id="releases-chart" viewBox="0 0 600 82" role="img" aria-label="plans released and entering the waiting room per minute"></svg>
    <p class="legend"><span class="key released"></span>released (routed from the waiting room) <span class="key entered"></span>entered the waiting room</p>
  </section>
  <section class="panel">
    <h2>Event lag by subscription</h2>
    <table id="subscriptions"><thead><tr><th>subscription</th><th>kind</th><th class="num">pending</th><th class="num">lag</th><th class="num">dead</th></tr></thead><tbody></tbody></table>
  </section>
  <section class="panel">
    <h2>Dead letters</h2>
    <table id="dead-letters"><thead><tr><th>subscription</th><th class="num">event</th><th>name</th><th class="num">attempts</th><th>last error</th><th class="num">held back</th></tr></thead><tbody></tbody></table>
  </section>
</main>
</body>
</html>
)html";

const char* const kDashboardCss = R"css(
:root { --fg: #1d2733; --muted: #66707c; --bg: #f4f6f8; --card: #fff; --line: #dde2e8;
        --accent: #2f6fdd; --released: #2e9d5b; --entered: #e08a1e; --bad: #c62f2f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5em; align-items: baseline; padding: .8em 1.2em;
         background: var(--fg); color: #fff; }
header h1 { margin: 0; font-size: 1.3em; }
header .muted { color: #c5ccd4; }
.banner { margin: 1em 1.2em 0; padding: .8em 1em; background: #fde8e8; color: var(--bad);
          border: 1px solid var(--bad); border-radius: 4px; font-weight: 600; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1em;
       padding: 1em 1.2em; }
.tiles { grid-column: 1 / -1; display: grid; gap: .8em;
         grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); }
.tile, .panel { background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
.tile { padding: .7em .9em; display: flex; flex-direction: column; }
.tile .label { color: var(--muted); font-size: .85em; }
.tile .value { font-size: 1.7em; font-weight: 600; }
.tile .value.bad { color: var(--bad); }
.panel { padding: .6em 1em 1em; overflow-x: auto; }
.panel.wide { grid-column: 1 / -1; }
.panel h2 { font-size: 1em; margin: .3em 0 .6em; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .25em .5em; border-bottom: 1px solid var(--line);
         white-space: nowrap; }
td.error, td.article, td.order { white-space: normal; word-break: break-all; }
th { color: var(--muted); font-weight: 500; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.empty td { color: var(--muted); font-style: italic; }
th.barcol { width: 40%; }
.bar { height: .8em; background: var(--accent); border-radius: 2px; min-width: 1px; }
svg { width: 100%; height: auto; background: #fafbfc; border: 1px solid var(--line); }
svg .released { fill: var(--released); }
svg .entered { fill: var(--entered); }
svg .axis { stroke: var(--line); }
svg text { fill: var(--muted); font-size: 6px; }
.legend .key { display: inline-block; width: .8em; height: .8em; margin: 0 .3em 0 1em; }
.legend .key.released { background: var(--released); }
.legend .key.entered { background: var(--entered); }
)css";

const char* const kDashboardJs = R"js(
'use strict';
(function () {
  const POLL_MS = 5000;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const byId = (id) => document.getElementById(id);

  // An element with a class and text: data only ever goes in as textContent.
  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function count(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'); }
  function age(s) {
    if (s === null || s === undefined) return '–';
    if (s < 60) return Math.round(s) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }
  // Replaces a table's rows: cells are [text, className] pairs or plain text.
  function fillTable(id, rows, emptyText) {
    const body = byId(id).tBodies[0];
    const fresh = document.createElement('tbody');
    if (!rows.length) {
      const tr = el('tr', 'empty');
      const td = el('td', '', emptyText);
      td.colSpan = byId(id).tHead.rows[0].cells.length;
      tr.appendChild(td);
      fresh.appendChild(tr);
    }
    for (const cells of rows) {
      const tr = el('tr');
      for (const c of cells) {
        if (c instanceof Node) { const td = el('td'); td.appendChild(c); tr.appendChild(td); }
        else if (Array.isArray(c)) tr.appendChild(el('td', c[1], c[0]));
        else tr.appendChild(el('td', '', c));
      }
      fresh.appendChild(tr);
    }
    body.replaceWith(fresh);
  }
  function setTile(id, text, bad) {
    const e = byId(id);
    e.textContent = text;
    e.classList.toggle('bad', Boolean(bad));
  }
  function showError(message) {
    const banner = byId('db-error');
    banner.textContent = message;
    banner.hidden = !message;
  }

  function renderStats(s) {
    s = s || {};
    setTile('plans-waiting', count(s.plansWaiting));
    setTile('waiting-lines', count(s.waitingLines));
    setTile('oldest-wait', age(s.oldestWaitSeconds));
    setTile('plans-not-routable', count(s.plansNotRoutable), s.plansNotRoutable > 0);
    setTile('reroute-queue', count(s.rerouteQueueDepth));
    setTile('deliveries-pending', count(s.deliveriesPending));
    setTile('deliveries-dead', count(s.deliveriesDead), s.deliveriesDead > 0);
  }

  // An article or order id of a tenant other than 'default' (SPEC §7) shows its tenant: the
  // same id in two tenants is two queues, two orders.
  function ofTenant(x, id) {
    return !x.tenantId || x.tenantId === 'default' ? id : x.tenantId + ' / ' + id;
  }

  function renderQueues(d) {
    const reasons = d.reasons || [];
    const most = Math.max(1, ...reasons.map((r) => r.lines));
    fillTable('reasons', reasons.map((r) => {
      const bar = el('div', 'bar');
      bar.style.width = (100 * r.lines / most).toFixed(1) + '%';
      return [[r.reason, 'reason'], [count(r.lines), 'num'], [count(r.quantity), 'num'], bar];
    }), d.reasons ? 'nothing waits' : 'not read yet');
    const articles = d.articles || [];
    const waiting = d.stats ? d.stats.waitingLines : null;
    byId('reasons-cover').textContent = d.reasons === undefined ? '' :
      'Lines of the ' + articles.length + ' articles with the largest queues: ' +
      count(d.reasonsCoverLines) + ' of ' + count(waiting) + ' waiting lines.';
    fillTable('articles', articles.map((a) => [
      [ofTenant(a, a.article), 'article'], [count(a.lines), 'num'], [count(a.quantity), 'num'],
      [Object.keys(a.reasons).sort().map((r) => r + ' ' + a.reasons[r]).join(', '), 'reasons']]),
      d.articles ? 'nothing waits' : 'not read yet');
  }

  function renderOldest(rows) {
    fillTable('oldest', (rows || []).map((o) => [
      [ofTenant(o, o.tenantOrderId), 'order'], [o.article, 'article'], [count(o.quantity), 'num'],
      [o.reason, 'reason'], [o.queuePosition + ' of ' + o.queueLength, 'num position'],
      [age(o.waitingSeconds), 'num']]), rows ? 'nothing waits' : 'not read yet');
  }

  function renderReleases(r, serverTime) {
    const svg = byId('releases-chart');
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const total = byId('releases-total');
    if (!r || !serverTime) { total.textContent = ''; return; }
    const end = Math.floor(serverTime / 60) * 60;  // the current minute
    const start = end - 59 * 60;
    const perMinute = new Map(r.minutes.map((m) => [m.minute, m]));
    let released = 0, entered = 0, most = 1;
    for (const m of r.minutes) {
      if (m.minute < start) continue;
      released += m.released; entered += m.entered;
      most = Math.max(most, m.released, m.entered);
    }
    const w = 600 / 60, h = 70;
    const axis = document.createElementNS(SVG_NS, 'line');
    axis.setAttribute('class', 'axis');
    axis.setAttribute('x1', '0'); axis.setAttribute('x2', '600');
    axis.setAttribute('y1', String(h)); axis.setAttribute('y2', String(h));
    svg.appendChild(axis);
    for (let i = 0; i < 60; i++) {
      const m = perMinute.get(start + i * 60) || { released: 0, entered: 0 };
      [['released', m.released, 0], ['entered', m.entered, w / 2]].forEach(([cls, n, dx]) => {
        if (!n) return;
        const bar = document.createElementNS(SVG_NS, 'rect');
        const bh = Math.max(1, h * n / most);
        bar.setAttribute('class', cls);
        bar.setAttribute('x', String(i * w + dx + 0.5));
        bar.setAttribute('y', String(h - bh));
        bar.setAttribute('width', String(w / 2 - 1));
        bar.setAttribute('height', String(bh));
        const title = document.createElementNS(SVG_NS, 'title');
        title.textContent = new Date((start + i * 60) * 1000).toISOString().slice(11, 16) +
          ' UTC: ' + n + ' ' + cls;
        bar.appendChild(title);
        svg.appendChild(bar);
      });
    }
    [['60 min ago', 2, 'start'], ['now', 598, 'end']].forEach(([label, x, anchor]) => {
      const t = document.createElementNS(SVG_NS, 'text');
      t.setAttribute('x', String(x));
      t.setAttribute('y', '80');
      t.setAttribute('text-anchor', anchor);
      t.textContent = label;
      svg.appendChild(t);
    });
    let text = 'Plans released: ' + count(released) + ', entered: ' + count(entered) +
      ' (at most ' + count(most) + ' in one minute).';
    if (r.scanned >= r.limit && r.since && r.since > start) {
      text += ' Only the newest ' + count(r.limit) + ' events are read: the chart starts at ' +
        new Date(r.since * 1000).toISOString().slice(11, 16) + ' UTC.';
    }
    total.textContent = text;
  }

  function renderOutbox(subscriptions, dead) {
    fillTable('subscriptions', (subscriptions || []).map((s) => [
      [s.subscription + (s.active ? '' : ' (paused)'), 'subscription'], s.kind,
      [count(s.pending), 'num'], [age(s.lagSeconds), 'num'], [count(s.dead), 'num']]),
      subscriptions ? 'no subscription' : 'not read yet');
    fillTable('dead-letters', (dead || []).map((x) => [
      x.subscription, [x.eventId, 'num'], x.event, [count(x.attempts), 'num'],
      [x.lastError, 'error'], [count(x.blockedEvents), 'num']]),
      dead ? 'no dead letter' : 'not read yet');
  }

  function render(d) {
    const db = d.database || {};
    if (!db.connected) showError('Database unreachable: ' + (db.error || 'not connected') +
                                 '. The figures below are not current.');
    else if (db.error) showError('Database error: ' + db.error);
    else showError('');
    renderStats(d.stats);
    renderQueues(d);
    renderOldest(d.oldest);
    renderReleases(d.releases, d.serverTime);
    renderOutbox(d.subscriptions, d.deadLetters);
    const failing = Object.keys((d.daemon && d.daemon.failing) || {});
    byId('daemon').textContent = 'daemon: ' + (d.daemon && d.daemon.connected ? 'connected' : 'not connected') +
      (failing.length ? ', failing: ' + failing.join(', ') : '');
    byId('status').textContent = 'updated ' + new Date().toISOString().slice(11, 19) + ' UTC';
  }

  async function poll() {
    try {
      const response = await fetch('dashboard.json', { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      render(await response.json());
    } catch (e) {
      showError('The dashboard endpoint did not answer (' + e.message + '): is waitroomd running?');
      byId('status').textContent = 'not updated since ' + new Date().toISOString().slice(11, 19) + ' UTC';
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }
  poll();
})();
)js";

}  // namespace waitroomd
