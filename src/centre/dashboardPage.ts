/**
 * The centre's dashboard: one self-contained page (no build step, no external assets) that reads
 * the same JSON API anyone can. Region table → site → camera, causes, contract warnings, history;
 * it polls every 2 s, and prints cleanly (controls hidden, tables unbroken).
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>camgate centre</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1rem 2rem;color:#222}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;margin:.3rem 0}th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#b00}.ok{color:#070}.warn{color:#a60}#updated{color:#666;font-size:.85rem}
nav a{margin-right:.8rem}.bar{display:inline-block;height:.7rem;background:#4a7;vertical-align:middle}
@media print{nav,#updated{display:none}body{margin:0}tr{break-inside:avoid}}
</style></head><body>
<nav><a href="#/">National</a><a href="#/contracts">Contracts</a><a href="#/history">History</a></nav>
<h1 id="title">camgate centre</h1><div id="updated"></div><main id="main">loading…</main>
<script>
const $ = (s) => document.querySelector(s);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const pct = (p) => p === null || p === undefined ? '-' : p.toFixed(1) + '%';
const link = (h, t) => '<a href="#' + h + '">' + esc(t) + '</a>';
const table = (head, rows, id) => '<table' + (id ? ' id="' + id + '"' : '') + '><thead><tr>' + head.map((h) => '<th>' + esc(h) + '</th>').join('') +
  '</tr></thead><tbody>' + rows.map((r) => '<tr>' + r.map((c) => typeof c === 'number' ? '<td class="n">' + c + '</td>' : '<td>' + c + '</td>').join('') + '</tr>').join('') + '</tbody></table>';
const causes = (list) => list.map((c) => esc(c.cause) + ' ' + c.sites).join(', ');
async function api(path) { const r = await fetch(path); if (!r.ok) throw new Error(path + ': ' + r.status); return r.json(); }
function groupRows(groups, linkOf) {
  return groups.map((g) => [linkOf ? linkOf(g) : esc(g.key), g.sites, g.sitesIntegrated, g.sitesFullyIntegrated, pct(g.pct),
    g.cameras.planned.total, g.cameras.installed.total, g.cameras.integrated.total, causes(g.causes)]);
}
const GROUP_HEAD = ['', 'sites', 'integrated', 'fully', '%', 'planned cams', 'installed', 'integrated cams', 'causes (sites)'];
function national(f) {
  $('#title').textContent = 'National: ' + f.national.sitesIntegrated + ' of ' + f.national.sites + ' sites integrated (' + pct(f.national.pct) + ')';
  const n = f.national.cameras;
  let h = '<p id="national">cameras integrated: overview ' + n.integrated.overview + '/' + n.planned.overview + ', panoramic ' +
    n.integrated.panoramic + '/' + n.planned.panoramic + ', lpr ' + n.integrated.lpr + '/' + n.planned.lpr + ' (integrated/planned)</p>';
  h += '<h2>Regions</h2>' + table(['region', ...GROUP_HEAD.slice(1)], groupRows(f.regions, (g) => link('/region/' + encodeURIComponent(g.key), g.key)), 'regions');
  h += '<h2>Site kinds</h2>' + table(['kind', ...GROUP_HEAD.slice(1)], groupRows(f.kinds), 'kinds');
  h += contracts(f, 'Contracts ending soon or expired');
  if (f.unregistered.length) h += '<h2>Unregistered sites (reporting, not in the registry)</h2>' +
    table(['site', 'gateways', 'cameras'], f.unregistered.map((u) => [esc(u.siteId), esc(u.gateways.map((g) => g.gatewayId + ' ' + g.state).join(', ')), u.cameras]), 'unregistered');
  return h;
}
function contracts(f, title) {
  if (!f.contracts.length) return '';
  return '<h2>' + esc(title) + '</h2>' + table(['site', 'region', 'provider', 'ends', 'days'], f.contracts.map((c) =>
    [link('/site/' + encodeURIComponent(c.siteId), c.siteId + ' ' + c.name), esc(c.region), esc(c.commsProvider), esc(c.contractEnd),
     '<span class="' + (c.daysLeft < 0 ? 'bad' : 'warn') + '">' + c.daysLeft + '</span>']), 'contracts');
}
async function region(name) {
  const d = await api('/api/regions/' + encodeURIComponent(name));
  const g = d.region;
  $('#title').textContent = name + ': ' + g.sitesIntegrated + ' of ' + g.sites + ' sites integrated (' + pct(g.pct) + ')';
  const sites = d.sites;
  return '<h2>Causes</h2>' + table(['cause', 'sites'], g.causes.map((c) => [esc(c.cause), c.sites]), 'causes') +
    '<h2>Districts</h2>' + table(['district', ...GROUP_HEAD.slice(1)], groupRows(d.districts), 'districts') +
    '<h2>Sites</h2>' + table(['site', 'kind', 'integrated', 'cameras int/inst/planned', 'cause', 'evidence'], sites.map((s) => [
      link('/site/' + encodeURIComponent(s.siteId), s.siteId + ' ' + s.name), esc(s.kind),
      s.integrated ? '<span class="ok">' + (s.fullyIntegrated ? 'fully' : 'yes') + '</span>' : '<span class="bad">no</span>',
      s.cameras.integrated.total + '/' + s.cameras.installed.total + '/' + s.cameras.planned.total, esc(s.cause), esc(s.evidence)]), 'sites');
}
async function site(id) {
  const d = await api('/api/sites/' + encodeURIComponent(id));
  const s = d.site;
  $('#title').textContent = 'Site ' + id + (s.name ? ' ' + s.name : '');
  let h = '<p id="site-cause">' + (s.integrated === undefined ? 'unregistered site' : s.integrated ? 'integrated' : 'not integrated: ' + esc(s.cause) + ' — ' + esc(s.evidence)) + '</p>';
  if (s.region) h += '<p>' + esc(s.region) + ' / ' + esc(s.district) + ' · ' + esc(s.kind) + ' · contractor ' + esc(s.contractor) + ' · comms ' + esc(s.commsProvider) + ' until ' + esc(s.contractEnd ?? '-') + '</p>';
  h += '<h2>Gateways</h2>' + table(['gateway', 'state', 'since'], s.gateways.map((g) => [esc(g.gatewayId), esc(g.state), esc(g.since)]), 'gateways');
  h += '<h2>Cameras</h2>' + table(['camera', 'class', 'status', 'integrated', 'cause', 'recording', 'since', 'model'], d.cameras.map((c) => [
    esc(c.cameraId), esc(c.class), esc(c.status), c.integrated ? 'yes' : '<span class="bad">no</span>', esc(c.cause), esc(c.recording && c.recording.status), esc(c.since), esc((c.manufacturer ?? '') + ' ' + (c.model ?? ''))]), 'cameras');
  return h;
}
async function history() {
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10);
  const days = await api('/api/history?from=' + from + '&to=' + to);
  $('#title').textContent = 'History: sites integrated per day';
  return table(['day', 'sites', 'integrated', '%', ''], days.map((d) => [esc(d.day), d.national.sites, d.national.sitesIntegrated, pct(d.national.pct),
    '<span class="bar" style="width:' + Math.round((d.national.pct ?? 0) * 2) + 'px"></span>']), 'history');
}
async function render() {
  const route = decodeURIComponent(location.hash.slice(1) || '/');
  try {
    let html;
    if (route.startsWith('/site/')) html = await site(route.slice(6));
    else if (route === '/history') html = await history();
    else if (route.startsWith('/region/')) html = await region(route.slice(8));
    else {
      const f = await api('/api/summary');
      if (route === '/contracts') { $('#title').textContent = 'Comms contracts'; html = contracts(f, 'Contracts ending soon or expired') || '<p>none</p>'; }
      else html = national(f);
    }
    $('#main').innerHTML = html;
    $('#updated').textContent = 'updated ' + new Date().toISOString();
  } catch (err) { $('#updated').textContent = 'update failed: ' + err.message; }
}
window.addEventListener('hashchange', render);
render();
setInterval(render, 2000);
</script></body></html>
`;
