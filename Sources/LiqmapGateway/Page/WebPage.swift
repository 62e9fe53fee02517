/// The web page served at `GET /`: one self-contained HTML document (no CDN, no build step, no
/// external fonts or scripts) that draws the heatmap on a canvas with the price line, lets a user pick
/// asset, window, layer, venues, side, leverage tiers and scale, shows a cell's USD and per-venue
/// split on hover, and keeps the levels panel and magnet zones live over `/v1/stream` (docs/PAGE.md).
public enum WebPage {
    public static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<title>Liqmap · liquidation heatmap</title>
<link rel="icon" href="data:,">
<style>
:root {
  --bg: #0b0e14; --panel: #11151d; --panel2: #161b25; --line: #232a36; --line2: #2d3543;
  --text: #e6e9ef; --muted: #8a93a5; --dim: #5d6677; --accent: #fde725; --accent2: #35b779;
  --long: #f6465d; --short: #0ecb81; --warn: #f0b90b; --err: #ff6b6b;
  --mono: ui-monospace, "SFMono-Regular", "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
  --sans: ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { background: var(--bg); color: var(--text); font: 13px/1.35 var(--sans); display: flex; flex-direction: column; overflow: hidden; }
button, input { font: inherit; color: inherit; }
.num { font-family: var(--mono); font-variant-numeric: tabular-nums; }
header { display: flex; align-items: center; gap: 12px; padding: 8px 14px; background: var(--panel); border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.brand { display: flex; align-items: center; gap: 8px; font-weight: 700; font-size: 15px; letter-spacing: .2px; }
.brand i { width: 18px; height: 18px; border-radius: 4px; background: linear-gradient(135deg, #440154, #3b528b 35%, #21918c 60%, #5ec962 80%, #fde725); display: inline-block; }
.asset { display: flex; align-items: center; gap: 10px; }
.asset input { width: 76px; background: var(--panel2); border: 1px solid var(--line2); border-radius: 6px; padding: 4px 8px; font-weight: 700; letter-spacing: .5px; text-transform: uppercase; }
.asset input:focus { outline: none; border-color: #3b528b; }
.lastpx { font-family: var(--mono); font-size: 17px; font-weight: 600; min-width: 96px; transition: color .6s; }
.lastpx.up { color: var(--short); } .lastpx.down { color: var(--long); }
.seg { display: inline-flex; background: var(--panel2); border: 1px solid var(--line2); border-radius: 7px; padding: 2px; gap: 2px; }
.seg button { background: none; border: 0; border-radius: 5px; padding: 3px 9px; color: var(--muted); cursor: pointer; white-space: nowrap; }
.seg button:hover { color: var(--text); background: #1f2633; }
.seg button.on { background: #2a3344; color: var(--text); box-shadow: inset 0 0 0 1px #3a4558; }
.seg .custom { padding: 3px 9px; color: var(--accent); font-family: var(--mono); font-size: 12px; align-self: center; }
.lbl { color: var(--dim); font-size: 10.5px; line-height: 1; text-transform: uppercase; letter-spacing: .6px; margin-right: -7px; align-self: center; }
.spacer { flex: 1; }
.status { display: flex; align-items: center; gap: 7px; color: var(--muted); font-size: 12px; white-space: nowrap; min-width: 104px; justify-content: flex-end; }
.status .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--dim); }
.status.live .dot { background: var(--short); box-shadow: 0 0 0 3px rgba(14,203,129,.18); }
.status.connecting .dot { background: var(--warn); }
.status.offline .dot { background: var(--long); }
.sub { display: flex; align-items: center; gap: 14px; padding: 6px 14px; background: var(--bg); border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.chips { display: inline-flex; gap: 4px; flex-wrap: wrap; }
.chip { border: 1px solid var(--line2); background: var(--panel2); color: var(--muted); border-radius: 999px; padding: 2px 10px; cursor: pointer; font-size: 12px; }
.chip:hover { color: var(--text); }
.chip.on { color: var(--text); border-color: #3b528b; background: #1b2438; }
.chip.nodata { opacity: .55; }
.chips.disabled .chip { opacity: .4; }
.meta { color: var(--dim); font-size: 12px; white-space: nowrap; }
.meta a { color: var(--muted); text-decoration: none; border-bottom: 1px dotted var(--dim); margin-left: 8px; }
.meta a:hover { color: var(--text); }
#error { background: #3a1418; color: #ffc9c9; border-bottom: 1px solid #6b2128; padding: 7px 14px; font-size: 13px; }
#error b { color: #fff; margin-right: 6px; }
main { flex: 1; display: flex; min-height: 0; }
.chartcol { flex: 1; display: flex; flex-direction: column; min-width: 0; }
#chart { position: relative; flex: 1; min-height: 200px; }
#chart canvas { position: absolute; inset: 0; width: 100%; height: 100%; display: block; }
#overlay { cursor: crosshair; }
#progress { position: absolute; left: 0; top: 0; height: 2px; width: 0; background: linear-gradient(90deg, #21918c, #fde725); opacity: 0; transition: width .4s, opacity .3s; pointer-events: none; }
#progress.run { opacity: 1; width: 70%; }
#caption { position: absolute; left: 12px; top: 16px; pointer-events: none; color: rgba(230,233,239,.78); font-size: 12px; text-shadow: 0 1px 2px rgba(0,0,0,.8); }
#caption b { color: #fff; font-size: 13px; margin-right: 4px; }
#empty { position: absolute; left: 0; right: 76px; top: 40%; text-align: center; color: #c9c2dd; pointer-events: none; font-size: 14px; }
#empty.failed { color: #ffc9c9; }
#empty small { display: block; color: #9a90b5; margin-top: 4px; font-size: 12px; }
#tip { position: absolute; z-index: 5; pointer-events: none; width: 286px; background: rgba(13,16,23,.96); border: 1px solid var(--line2); border-radius: 8px; padding: 9px 11px; box-shadow: 0 8px 28px rgba(0,0,0,.5); font-size: 12px; }
#tip .t { color: var(--muted); margin-bottom: 5px; }
#tip .big { font-family: var(--mono); font-size: 15px; font-weight: 600; color: var(--accent); }
#tip .kv { display: flex; justify-content: space-between; gap: 12px; }
#tip .kv span:first-child { color: var(--muted); }
#tip .sep { border-top: 1px solid var(--line); margin: 6px 0; }
#tip .v { display: grid; grid-template-columns: 78px 1fr 56px 32px; gap: 6px; align-items: center; margin: 2px 0; }
#tip .v .sh { text-align: right; color: var(--muted); font-family: var(--mono); }
#tip .v .bar { height: 5px; border-radius: 3px; background: #21918c; }
#tip .v .amt { text-align: right; font-family: var(--mono); }
#tip .hd { color: var(--dim); font-size: 11px; text-transform: uppercase; letter-spacing: .5px; margin-bottom: 3px; }
.legend { display: flex; align-items: center; gap: 10px; padding: 7px 14px; border-top: 1px solid var(--line); background: var(--panel); color: var(--muted); font-size: 12px; min-height: 36px; flex-wrap: wrap; }
.legend canvas { width: 260px; height: 10px; border-radius: 2px; display: block; }
.legend .scalebox { display: flex; flex-direction: column; gap: 2px; }
.legend .ticks { position: relative; width: 260px; height: 13px; font-family: var(--mono); font-size: 10.5px; color: var(--muted); }
.legend .ticks span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
.legend .end { font-family: var(--mono); color: var(--text); }
.legend .key { display: inline-flex; align-items: center; gap: 6px; margin-left: 10px; }
.legend .key i { width: 18px; height: 0; border-top: 2px solid #fff; display: inline-block; }
.legend .key i.dash { border-top: 1px dashed #fff; }
aside { width: 330px; flex: none; border-left: 1px solid var(--line); background: var(--panel); overflow-y: auto; }
.card { padding: 12px 14px; border-bottom: 1px solid var(--line); }
.card h3 { margin: 0 0 8px; font-size: 11px; text-transform: uppercase; letter-spacing: .7px; color: var(--muted); font-weight: 600; display: flex; justify-content: space-between; }
.card h3 small { text-transform: none; letter-spacing: 0; color: var(--dim); font-weight: 400; }
.zone { display: grid; grid-template-columns: 1fr auto; gap: 2px 10px; padding: 7px 9px; border-radius: 7px; background: var(--panel2); margin-bottom: 5px; border-left: 3px solid var(--line2); }
.zone.above { border-left-color: var(--short); } .zone.below { border-left-color: var(--long); }
.zone .p { font-family: var(--mono); font-size: 14px; font-weight: 600; display: flex; align-items: center; gap: 8px; }
.zone .p .badge { font-family: var(--sans); font-weight: 500; }
.zone .u { font-family: var(--mono); font-size: 14px; font-weight: 600; text-align: right; color: var(--accent); }
.zone .d { font-family: var(--mono); font-size: 12px; white-space: nowrap; }
.zone .d.pos { color: var(--short); } .zone .d.neg { color: var(--long); }
.zone .c { display: flex; align-items: center; gap: 6px; justify-content: flex-end; color: var(--muted); font-size: 11.5px; }
.meter { width: 54px; height: 5px; background: #263041; border-radius: 3px; overflow: hidden; display: inline-block; }
.meter b { display: block; height: 100%; background: linear-gradient(90deg, #3b528b, #21918c, #5ec962); }
.badge { font-size: 10px; padding: 1px 6px; border-radius: 4px; text-transform: uppercase; letter-spacing: .4px; white-space: nowrap; }
.badge.single { background: rgba(240,185,11,.14); color: var(--warn); border: 1px solid rgba(240,185,11,.35); }
.badge.multi { background: rgba(53,183,121,.12); color: #6fd39f; border: 1px solid rgba(53,183,121,.3); }
.side-tag { font-size: 11px; color: var(--muted); }
.nowline { display: flex; align-items: center; gap: 8px; margin: 8px 0; color: var(--muted); font-size: 11px; }
.nowline::before, .nowline::after { content: ""; flex: 1; border-top: 1px dashed var(--line2); }
.nowline b { font-family: var(--mono); color: var(--text); font-size: 13px; }
.none { color: var(--dim); font-size: 12px; padding: 4px 0; }
table { width: 100%; border-collapse: collapse; font-size: 12px; }
th { text-align: right; color: var(--dim); font-weight: 500; font-size: 10.5px; text-transform: uppercase; letter-spacing: .4px; padding: 0 0 4px; }
th:first-child, td:first-child { text-align: left; }
td { text-align: right; padding: 4px 0; border-top: 1px solid var(--line); font-family: var(--mono); white-space: nowrap; }
td.l { color: var(--long); } td.s { color: var(--short); }
td .badge { margin-left: 4px; font-family: var(--sans); }
.oi { display: grid; grid-template-columns: 86px 1fr 66px; gap: 6px; align-items: center; margin: 3px 0; font-size: 12px; }
.oi .bar { height: 6px; background: #3b528b; border-radius: 3px; }
.oi .amt { text-align: right; font-family: var(--mono); }
#toasts { position: fixed; right: 424px; bottom: 56px; z-index: 20; display: flex; flex-direction: column; gap: 8px; pointer-events: none; }
.toast { pointer-events: auto; width: 310px; background: #161b25; border: 1px solid var(--line2); border-left: 3px solid var(--warn); border-radius: 8px; padding: 9px 12px; box-shadow: 0 10px 30px rgba(0,0,0,.5); font-size: 12.5px; animation: tin .25s ease-out; }
.toast b { display: block; margin-bottom: 2px; }
.toast .x { float: right; cursor: pointer; color: var(--dim); border: 0; background: none; padding: 0 0 0 8px; }
@keyframes tin { from { transform: translateY(-6px); opacity: 0; } to { transform: none; opacity: 1; } }
@media (max-width: 1280px) { .lbl { display: none; } .legend .key { display: none; } }
@media (max-width: 900px) { aside { display: none; } #toasts { right: 92px; } #empty { right: 0; } }
</style>
</head>
<body>
<header>
  <div class="brand"><i></i>Liqmap</div>
  <div class="asset">
    <input id="asset" list="assets" spellcheck="false" autocomplete="off" aria-label="Asset" title="Asset (Enter to load)">
    <datalist id="assets"><option value="BTC"><option value="ETH"><option value="SOL"></datalist>
    <span id="lastpx" class="lastpx" title="Last price">—</span>
  </div>
  <div class="seg" id="g-window" role="group" aria-label="Window" title="Time window, ending now"></div>
  <div class="seg" id="g-layer" role="group" aria-label="Layer" title="Layer: projected liquidation levels, or realized liquidations"></div>
  <div class="seg" id="g-side" role="group" aria-label="Side" title="Side: long or short positions' liquidations, or both"></div>
  <div class="seg" id="g-scale" role="group" aria-label="Colour scale" title="Colour scale: relative to this view, or absolute USD (log10)"></div>
  <div class="spacer"></div>
  <div id="status" class="status connecting" title="Live stream"><span class="dot"></span><span id="status-text">Connecting…</span></div>
</header>
<div class="sub">
  <span class="lbl">Venues</span><div class="chips" id="venues"></div>
  <span class="lbl">Leverage</span><div class="chips" id="leverage"></div>
  <div class="spacer"></div>
  <div class="meta"><span id="meta"></span><a id="png" href="#" target="_blank" rel="noopener" title="This view as a PNG rendered by the gateway">PNG</a><a id="csv" href="#" target="_blank" rel="noopener" title="This view as CSV">CSV</a><a href="/openapi.json" target="_blank" rel="noopener" title="OpenAPI document">API</a></div>
</div>
<div id="error" role="alert" hidden></div>
<main>
  <div class="chartcol">
    <div id="chart">
      <canvas id="heat"></canvas>
      <canvas id="overlay"></canvas>
      <div id="progress"></div>
      <div id="caption"></div>
      <div id="empty" hidden></div>
      <div id="tip" hidden></div>
    </div>
    <div class="legend">
      <span id="legend-title">USD per cell</span>
      <span class="end num" id="legend-lo">$0</span>
      <div class="scalebox"><canvas id="legend"></canvas><div class="ticks" id="legend-ticks"></div></div>
      <span class="end num" id="legend-hi">—</span>
      <span id="legend-note"></span>
      <span class="key"><i></i>last price</span>
      <span class="key"><i class="dash"></i>current</span>
    </div>
  </div>
  <aside>
    <div class="card">
      <h3>Magnet zones <small id="asof"></small></h3>
      <div id="zones-above"></div>
      <div class="nowline"><span>last</span><b id="zones-price">—</b></div>
      <div id="zones-below"></div>
    </div>
    <div class="card">
      <h3>Top bands <small>by USD, ±range around price</small></h3>
      <table><thead><tr><th>Band</th><th>Longs</th><th>Shorts</th><th>Cons.</th></tr></thead><tbody id="bands"></tbody></table>
    </div>
    <div class="card">
      <h3>Open interest <small id="oi-total"></small></h3>
      <div id="oi"></div>
    </div>
  </aside>
</main>
<div id="toasts" aria-live="polite"></div>
<script>
(() => {
'use strict';

// ---- constants -------------------------------------------------------------------------------
// matplotlib's viridis, 256 sRGB entries (the same table as the gateway's PNG renderer).
const VIRIDIS = hexBytes(
  '44015444025645045745055946075a46085c460a5d460b5e470d60470e6147106347116447136548146748166848176948186a481a6c481b6d481c6e481d6f48' +
  '1f70482071482173482374482475482576482677482878482979472a7a472c7a472d7b472e7c472f7d46307e46327e46337f4634804535814537814538824439' +
  '83443a83443b84433d84433e85423f854240864241864142874144874045884046883f47883f48893e49893e4a893e4c8a3d4d8a3d4e8a3c4f8a3c508b3b518b' +
  '3b528b3a538b3a548c39558c39568c38588c38598c375a8c375b8d365c8d365d8d355e8d355f8d34608d34618d33628d33638d32648e32658e31668e31678e31' +
  '688e30698e306a8e2f6b8e2f6c8e2e6d8e2e6e8e2e6f8e2d708e2d718e2c718e2c728e2c738e2b748e2b758e2a768e2a778e2a788e29798e297a8e297b8e287c' +
  '8e287d8e277e8e277f8e27808e26818e26828e26828e25838e25848e25858e24868e24878e23888e23898e238a8d228b8d228c8d228d8d218e8d218f8d21908d' +
  '21918c20928c20928c20938c1f948c1f958b1f968b1f978b1f988b1f998a1f9a8a1e9b8a1e9c891e9d891f9e891f9f881fa0881fa1881fa1871fa28720a38620' +
  'a48621a58521a68522a78522a88423a98324aa8325ab8225ac8226ad8127ad8128ae8029af7f2ab07f2cb17e2db27d2eb37c2fb47c31b57b32b67a34b67935b7' +
  '7937b87838b9773aba763bbb753dbc743fbc7340bd7242be7144bf7046c06f48c16e4ac16d4cc26c4ec36b50c46a52c56954c56856c66758c7655ac8645cc863' +
  '5ec96260ca6063cb5f65cb5e67cc5c69cd5b6ccd5a6ece5870cf5773d05675d05477d1537ad1517cd2507fd34e81d34d84d44b86d54989d5488bd6468ed64590' +
  'd74393d74195d84098d83e9bd93c9dd93ba0da39a2da37a5db36a8db34aadc32addc30b0dd2fb2dd2db5de2bb8de29bade28bddf26c0df25c2df23c5e021c8e0' +
  '20cae11fcde11dd0e11cd2e21bd5e21ad8e219dae319dde318dfe318e2e418e5e419e7e419eae51aece51befe51cf1e51df4e61ef6e620f8e621fbe723fde725'
);
const BG = [VIRIDIS[0], VIRIDIS[1], VIRIDIS[2]];           // intensity 0: the plot background
const BG_CSS = rgb(0);
const PAGE_BG = '#0b0e14';
const VENUES = ['binance', 'bybit', 'okx', 'deribit', 'bitmex', 'hyperliquid'];
const VENUE_NAMES = { binance: 'Binance', bybit: 'Bybit', okx: 'OKX', deribit: 'Deribit', bitmex: 'BitMEX', hyperliquid: 'Hyperliquid' };
const WINDOWS = ['12h', '24h', '3d', '7d', '30d', '90d', '180d', '1y'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const AXIS_W = 78, AXIS_H = 26, TOP = 8;
const REFETCH_MS = 2000;

// ---- state from the page URL -----------------------------------------------------------------
const url = new URLSearchParams(location.search);
const apiKey = url.get('api_key');
const list = (v) => (v == null || v === '' ? null : v.split(',').map((s) => s.trim()).filter(Boolean));
const state = {
  asset: (url.get('asset') || 'BTC').toUpperCase(),
  window: url.get('window'),
  from: url.get('from'),
  to: url.get('to'),
  layer: url.get('layer') || 'projected',
  side: url.get('side') || 'both',
  scale: url.get('scale') || 'relative',
  venues: list(url.get('venues')),
  leverage: list(url.get('leverage')),
  minPrice: url.get('min_price'),
  maxPrice: url.get('max_price'),
  rows: url.get('rows'),
  columns: url.get('columns'),
  alert: { alert_pct: url.get('alert_pct'), alert_usd: url.get('alert_usd'), alert_consensus: url.get('alert_consensus') },
};
if (!state.window && !state.from && !state.to) state.window = '24h';
let tiers = [5, 10, 25, 50, 100];

let view = null;          // the last heatmap answer, prepared for drawing and hovering
let levels = null;        // the last /v1/levels (or stream "levels") body
let geom = null;          // plot geometry of the last draw
let fetchSeq = 0, fetchCtl = null, lastFetchAt = 0, refetchTimer = null, lastSize = null;
let lastPrice = null;

const $ = (id) => document.getElementById(id);
const heat = $('heat'), overlay = $('overlay'), chart = $('chart');
const hctx = heat.getContext('2d', { willReadFrequently: true });
const octx = overlay.getContext('2d');

// ---- small helpers ---------------------------------------------------------------------------
function hexBytes(h) { const a = new Uint8Array(h.length / 2); for (let i = 0; i < a.length; i++) a[i] = parseInt(h.substr(i * 2, 2), 16); return a; }
function rgb(i) { return 'rgb(' + VIRIDIS[i * 3] + ',' + VIRIDIS[i * 3 + 1] + ',' + VIRIDIS[i * 3 + 2] + ')'; }
function clamp(x, a, b) { return x < a ? a : x > b ? b : x; }
function pad(n) { return String(n).padStart(2, '0'); }
function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }
function hm(ms) { const d = new Date(ms); return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()); }
function md(ms) { const d = new Date(ms); return MONTHS[d.getUTCMonth()] + ' ' + pad(d.getUTCDate()); }
function ymdhm(ms) { const d = new Date(ms); return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' + hm(ms); }
function usd(v) {
  if (v == null || !isFinite(v)) return '—';
  const a = Math.abs(v), s = v < 0 ? '-$' : '$';
  const f = (x, d) => x.toFixed(d).replace(/\.0+$|(\.\d*?)0+$/, '$1');
  if (a >= 1e9) return s + f(a / 1e9, a >= 1e11 ? 0 : a >= 1e10 ? 1 : 2) + 'B';
  if (a >= 1e6) return s + f(a / 1e6, a >= 1e8 ? 0 : a >= 1e7 ? 1 : 2) + 'M';
  if (a >= 1e3) return s + f(a / 1e3, a >= 1e5 ? 0 : a >= 1e4 ? 1 : 2) + 'K';
  if (a === 0) return '$0';
  return s + (a >= 1 ? a.toFixed(0) : a.toFixed(2));
}
function priceDigits(p) { const a = Math.abs(p); return a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : a >= 0.01 ? 4 : 6; }
function price(p, digits) {
  if (p == null || !isFinite(p)) return '—';
  const d = digits == null ? priceDigits(p) : digits;
  return p.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}
function pct(v) { return v == null ? '—' : (v > 0 ? '+' : v < 0 ? '−' : '') + Math.abs(v).toFixed(2) + '%'; }
function niceStep(raw) {
  const e = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / e;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * e;
}

// ---- the API ---------------------------------------------------------------------------------
class ApiError extends Error { constructor(code, message) { super(message); this.code = code; } }
async function api(path, params, signal) {
  const headers = { Accept: 'application/json' };
  if (apiKey) headers['X-API-Key'] = apiKey;
  let res, text;
  try {
    res = await fetch(path + '?' + params.toString(), { headers, signal });
    text = await res.text();
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError('network', 'could not reach the gateway (' + e.message + ')');
  }
  let body = null;
  try { body = JSON.parse(text); } catch (e) { /* handled below */ }
  if (!res.ok) {
    const err = body && body.error;
    throw new ApiError(err ? err.code : 'http_' + res.status, err ? err.message : res.status + ' ' + (res.statusText || 'error') + (text ? ': ' + text.slice(0, 200) : ''));
  }
  if (body == null) throw new ApiError('bad_json', 'the gateway answered with unreadable JSON');
  return body;
}

function viewParams() {
  const p = new URLSearchParams();
  p.set('asset', state.asset);
  if (state.window) p.set('window', state.window);
  else { if (state.from) p.set('from', state.from); if (state.to) p.set('to', state.to); }
  p.set('layer', state.layer);
  if (state.venues) p.set('venues', state.venues.join(','));
  if (state.side !== 'both') p.set('side', state.side);
  if (state.leverage && state.layer !== 'realized') p.set('leverage', state.leverage.join(','));
  p.set('scale', state.scale);
  if (state.minPrice) p.set('min_price', state.minPrice);
  if (state.maxPrice) p.set('max_price', state.maxPrice);
  return p;
}
function levelParams() {
  const p = new URLSearchParams();
  p.set('asset', state.asset);
  if (state.venues) p.set('venues', state.venues.join(','));
  if (state.side !== 'both') p.set('side', state.side);
  if (state.leverage) p.set('leverage', state.leverage.join(','));
  return p;
}
// The page's own URL (so a view can be linked and reloaded).
function syncURL() {
  const p = new URLSearchParams();
  p.set('asset', state.asset);
  if (state.window) p.set('window', state.window);
  else { if (state.from) p.set('from', state.from); if (state.to) p.set('to', state.to); }
  if (state.layer !== 'projected') p.set('layer', state.layer);
  if (state.venues) p.set('venues', state.venues.join(','));
  if (state.side !== 'both') p.set('side', state.side);
  if (state.leverage) p.set('leverage', state.leverage.join(','));
  if (state.scale !== 'relative') p.set('scale', state.scale);
  for (const k of ['minPrice', 'maxPrice', 'rows', 'columns']) if (state[k]) p.set(k === 'minPrice' ? 'min_price' : k === 'maxPrice' ? 'max_price' : k, state[k]);
  for (const [k, v] of Object.entries(state.alert)) if (v) p.set(k, v);
  if (apiKey) p.set('api_key', apiKey);
  try { history.replaceState(null, '', '?' + p.toString()); } catch (e) { /* file: or sandboxed */ }
}

// ---- errors ----------------------------------------------------------------------------------
const errors = {};
function setError(where, message) {
  if (message) errors[where] = message; else delete errors[where];
  const box = $('error'), keys = Object.keys(errors);
  if (!keys.length) { box.hidden = true; delete document.body.dataset.error; return; }
  box.hidden = false;
  box.innerHTML = keys.map((k) => '<div><b>/v1/' + esc(k) + '</b>' + esc(errors[k]) + '</div>').join('');
  document.body.dataset.error = keys.map((k) => k + ': ' + errors[k]).join('; ');
}

// ---- loading ---------------------------------------------------------------------------------
function wanted() {
  const w = Math.max(100, chart.clientWidth - AXIS_W), h = Math.max(100, chart.clientHeight - AXIS_H - TOP);
  return {
    columns: state.columns ? Number(state.columns) : clamp(Math.round(w / 2), 10, 2000),
    rows: state.rows ? Number(state.rows) : clamp(Math.round(h / 2.5), 10, 1000),
  };
}

async function loadHeatmap(quiet) {
  const seq = ++fetchSeq;
  if (fetchCtl) fetchCtl.abort();
  fetchCtl = new AbortController();
  lastFetchAt = Date.now();
  const size = wanted();
  lastSize = size;
  const p = viewParams();
  p.set('rows', String(size.rows));
  p.set('columns', String(size.columns));
  p.set('breakdown', 'venue');
  exportLinks();
  if (!quiet) $('progress').className = 'run';
  inflight = true;
  try {
    const body = await api('/v1/heatmap', p, fetchCtl.signal);
    if (seq !== fetchSeq) return;
    view = prepare(body);
    setError('heatmap', null);
    if (!state.leverage && Array.isArray(body.leverage) && body.leverage.length) { tiers = body.leverage.slice(); renderLeverage(); }
    renderVenues();
    draw();
  } catch (e) {
    if (e.name === 'AbortError' || seq !== fetchSeq) return;
    setError('heatmap', e.message);
    if (!view) drawEmpty('The heatmap could not be loaded', e.message, true);
  } finally {
    if (seq === fetchSeq) {
      $('progress').className = '';
      inflight = false;
      if (again) { again = false; scheduleRefetch(); }
    }
  }
}

let levelSeq = 0;
async function loadLevels() {
  const seq = ++levelSeq;
  try {
    const body = await api('/v1/levels', levelParams());
    if (seq !== levelSeq) return;
    setError('levels', null);
    setLevels(body);
  } catch (e) {
    if (seq !== levelSeq) return;
    setError('levels', e.message);
  }
}

// Live refetches: at most one every REFETCH_MS, never aborting one in flight, none while the tab is hidden.
let inflight = false, again = false, stale = false;
function scheduleRefetch() {
  if (document.hidden) { stale = true; return; }
  if (refetchTimer) return;
  refetchTimer = setTimeout(() => {
    refetchTimer = null;
    if (inflight) { again = true; return; }
    loadHeatmap(true);
  }, Math.max(0, lastFetchAt + REFETCH_MS - Date.now()));
}
document.addEventListener('visibilitychange', () => { if (!document.hidden && stale) { stale = false; scheduleRefetch(); } });

// Everything changes: new URL, new data, new stream.
function reload() {
  syncURL();
  renderControls();
  loadHeatmap(false);
  loadLevels();
  connect();
}

// ---- preparing an answer ---------------------------------------------------------------------
function prepare(b) {
  const R = (b.price_low || []).length, C = (b.columns || []).length;
  const cells = b.cells || [];
  const lookup = new Map();
  for (const c of cells) lookup.set(c[0] * R + c[1], c[2]);
  const byVenue = {};
  for (const [venue, vc] of Object.entries(b.venue_cells || {})) {
    const m = new Map();
    for (const c of vc) m.set(c[0] * R + c[1], c[2]);
    byVenue[venue] = m;
  }
  const sc = b.scale || {};
  const log = sc.kind === 'absolute' || sc.mapping === 'log10';
  const lo = log ? (sc.min_usd > 0 ? sc.min_usd : 1000) : 0;
  const hi = sc.max_usd > 0 ? sc.max_usd : (log ? 1e8 : 0);
  const intensity = log
    ? (u) => (u > lo ? clamp(Math.log10(u / lo) / Math.log10(hi / lo), 0, 1) : 0)
    : (u) => (hi > 0 && u > 0 ? clamp(u / hi, 0, 1) : 0);
  return { b, R, C, cells, lookup, byVenue, log, lo, hi, intensity, t0: C ? b.columns[0] : b.from, colMs: b.column_ms || 60000 };
}

function colourIndex(i) { return i > 0 ? (i < 1 ? Math.round(i * 255) : 255) : 0; }

// ---- geometry --------------------------------------------------------------------------------
function fitCanvas(c) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, chart.clientWidth), h = Math.max(1, chart.clientHeight);
  const W = Math.round(w * dpr), H = Math.round(h * dpr);
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
  return { w, h, dpr };
}
function layout() {
  const s = fitCanvas(heat); fitCanvas(overlay);
  const plot = { x: 0, y: TOP, w: Math.max(10, s.w - AXIS_W), h: Math.max(10, s.h - TOP - AXIS_H) };
  const d = s.dpr;
  plot.X = Math.round(plot.x * d); plot.Y = Math.round(plot.y * d);
  plot.W = Math.round((plot.x + plot.w) * d) - plot.X; plot.H = Math.round((plot.y + plot.h) * d) - plot.Y;
  return { ...s, plot };
}
// Price ↔ y through the rows (their bounds ascend; a row is a straight stretch of the axis).
function rowPos(p) {
  const lo = view.b.price_low, hi = view.b.price_high, R = view.R;
  if (p <= lo[0]) return 0;
  if (p >= hi[R - 1]) return R;
  let a = 0, z = R - 1;
  while (a < z) { const m = (a + z + 1) >> 1; if (lo[m] <= p) a = m; else z = m - 1; }
  const l = lo[a], h = hi[a];
  const f = l > 0 && h > l ? Math.log(p / l) / Math.log(h / l) : 0.5;
  return a + clamp(f, 0, 1);
}
function priceY(p) { const g = geom.plot; return g.y + g.h - (rowPos(p) / view.R) * g.h; }
function rowPrice(pos) {
  const R = view.R, r = clamp(Math.floor(pos), 0, R - 1), f = clamp(pos - r, 0, 1);
  const l = view.b.price_low[r], h = view.b.price_high[r];
  return l > 0 ? l * Math.pow(h / l, f) : l + (h - l) * f;
}
function timeX(t) { const g = geom.plot; return g.x + ((t - view.t0) / (view.C * view.colMs)) * g.w; }

// ---- drawing ---------------------------------------------------------------------------------
function draw() {
  if (!view) return;
  geom = layout();
  const { plot: g, dpr } = geom;
  hctx.setTransform(1, 0, 0, 1, 0, 0);
  hctx.fillStyle = PAGE_BG;
  hctx.fillRect(0, 0, heat.width, heat.height);
  const empty = !view.R || !view.C;
  if (empty) {
    hctx.fillStyle = BG_CSS; hctx.fillRect(g.X, g.Y, g.W, g.H);
    drawEmpty('No liquidation data for ' + state.asset + ' in this view', 'Try another window, layer or venue filter, or wait for the collectors.');
    finish(0, 0);
    return;
  }
  $('empty').hidden = !!view.cells.length;
  if (!view.cells.length) $('empty').innerHTML = 'No ' + esc(state.layer) + ' liquidations in this view<small>The price axis and line are shown; cells appear as data arrives.</small>';

  // 1. Cells: one device pixel rectangle per non-zero cell, on the intensity-0 background.
  const img = hctx.createImageData(g.W, g.H), px = new Uint32Array(img.data.buffer);
  const pack = (i) => (0xff000000 | (VIRIDIS[i * 3 + 2] << 16) | (VIRIDIS[i * 3 + 1] << 8) | VIRIDIS[i * 3]) >>> 0;
  const lut = new Uint32Array(256); for (let i = 0; i < 256; i++) lut[i] = pack(i);
  px.fill(lut[0]);
  const C = view.C, R = view.R, W = g.W, H = g.H;
  for (const c of view.cells) {
    const col = c[0], row = c[1];
    if (col < 0 || col >= C || row < 0 || row >= R) continue;
    const k = colourIndex(view.intensity(c[2]));
    if (!k) continue;
    const x0 = Math.round(col * W / C), x1 = Math.max(x0 + 1, Math.round((col + 1) * W / C));
    const y0 = H - Math.round((row + 1) * H / R), y1 = Math.max(y0 + 1, H - Math.round(row * H / R));
    const v = lut[k];
    for (let y = y0; y < y1; y++) px.fill(v, y * W + x0, y * W + x1);
  }
  hctx.putImageData(img, g.X, g.Y);
  const drawn = countDrawn(g);

  // 2. Overlays in CSS pixels.
  hctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  hctx.save();
  hctx.beginPath(); hctx.rect(g.x, g.y, g.w, g.h); hctx.clip();
  const pticks = priceTicks(), tticks = timeTicks();
  hctx.strokeStyle = 'rgba(255,255,255,0.07)'; hctx.lineWidth = 1;
  hctx.beginPath();
  for (const t of pticks) { const y = Math.round(priceY(t.v)) + 0.5; hctx.moveTo(g.x, y); hctx.lineTo(g.x + g.w, y); }
  for (const t of tticks) { const x = Math.round(timeX(t.t)) + 0.5; hctx.moveTo(x, g.y); hctx.lineTo(x, g.y + g.h); }
  hctx.stroke();
  const points = drawPriceLine();
  const current = currentPrice();
  if (current != null) {
    const y = Math.round(priceY(current)) + 0.5;
    hctx.setLineDash([4, 4]); hctx.strokeStyle = 'rgba(255,255,255,0.75)'; hctx.lineWidth = 1;
    hctx.beginPath(); hctx.moveTo(g.x, y); hctx.lineTo(g.x + g.w, y); hctx.stroke(); hctx.setLineDash([]);
  }
  hctx.restore();
  drawAxes(pticks, tticks, current);
  finish(drawn, points);
}

function finish(drawn, points) {
  document.body.dataset.drawn = String(drawn);
  document.body.dataset.cells = String(view ? view.cells.length : 0);
  document.body.dataset.pricePoints = String(points);
  renderMeta();
  renderLegend();
  drawHover();
}

// Cell pixels that differ from the plot background, on every 4th pixel of every 4th line.
function countDrawn(g) {
  if (g.W <= 0 || g.H <= 0) return 0;
  const d = hctx.getImageData(g.X, g.Y, g.W, g.H).data;
  let n = 0;
  for (let y = 0; y < g.H; y += 4) {
    for (let x = 0; x < g.W; x += 4) {
      const i = (y * g.W + x) * 4;
      if (d[i] !== BG[0] || d[i + 1] !== BG[1] || d[i + 2] !== BG[2]) n++;
    }
  }
  return n;
}

function drawPriceLine() {
  const lp = view.b.last_price || [];
  let n = 0, open = false;
  hctx.lineJoin = 'round'; hctx.lineCap = 'round';
  const path = new Path2D();
  for (let i = 0; i < lp.length; i++) {
    const p = lp[i];
    if (p == null) { open = false; continue; }
    const x = timeX(view.t0 + (i + 0.5) * view.colMs), y = priceY(p);
    if (open) path.lineTo(x, y); else { path.moveTo(x, y); if (lp[i + 1] == null) path.lineTo(x + 0.01, y); }
    open = true; n++;
  }
  hctx.strokeStyle = 'rgba(0,0,0,0.55)'; hctx.lineWidth = 4; hctx.stroke(path);
  hctx.strokeStyle = '#ffffff'; hctx.lineWidth = 1.6; hctx.stroke(path);
  return n;
}

function currentPrice() {
  if (levels && levels.last_price != null && levels.asset === state.asset) return levels.last_price;
  const lp = view && view.b.last_price;
  if (lp) for (let i = lp.length - 1; i >= 0; i--) if (lp[i] != null) return lp[i];
  return null;
}

function priceTicks() {
  const g = geom.plot, lo = view.b.price_low[0], hi = view.b.price_high[view.R - 1];
  const step = niceStep((hi - lo) / Math.max(2, g.h / 46));
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi && out.length < 200; v += step) {
    const y = priceY(v);
    if (y > g.y + 6 && y < g.y + g.h - 4) out.push({ v, y, label: price(v, Math.min(digits + (step % 1 ? 1 : 0), 8)) });
  }
  // Rows may be log-spaced: drop any tick closer than 16 px to the last one kept.
  const kept = [];
  for (const t of out) if (!kept.length || Math.abs(kept[kept.length - 1].y - t.y) >= 16) kept.push(t);
  return kept;
}

const MIN = 60000, HOUR = 60 * MIN, DAY = 24 * HOUR;
function timeTicks() {
  const g = geom.plot, t0 = view.t0, t1 = view.t0 + view.C * view.colMs, span = t1 - t0;
  const target = Math.max(2, g.w / 110), raw = span / target;
  const out = [];
  if (raw > 20 * DAY) {
    const months = raw > 150 * DAY ? 6 : raw > 75 * DAY ? 3 : raw > 40 * DAY ? 2 : 1;
    const d = new Date(t0); let y = d.getUTCFullYear(), m = d.getUTCMonth() + 1;
    for (let k = 0; k < 100; k++, m++) {
      if (m > 11) { m -= 12; y++; }
      if (m % months) continue;
      const t = Date.UTC(y, m, 1); if (t > t1) break;
      out.push({ t, label: m === 0 ? String(y) : MONTHS[m], strong: m === 0 });
    }
    return out;
  }
  const steps = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY];
  const step = steps.find((s) => s >= raw) || 14 * DAY;
  const offset = step === 7 * DAY || step === 14 * DAY ? 4 * DAY : 0;   // weeks start on Monday
  for (let t = Math.ceil((t0 - offset) / step) * step + offset; t <= t1 && out.length < 200; t += step) {
    const midnight = t % DAY === 0;
    out.push({ t, label: step >= DAY || midnight ? md(t) : hm(t), strong: midnight && step < DAY });
  }
  return out;
}

function drawAxes(pticks, tticks, current) {
  const g = geom.plot, c = hctx;
  c.font = '11px ' + getComputedStyle(document.body).getPropertyValue('--mono');
  c.textBaseline = 'middle'; c.textAlign = 'left';
  c.strokeStyle = '#2d3543'; c.lineWidth = 1;
  c.beginPath(); c.moveTo(g.x + g.w + 0.5, g.y); c.lineTo(g.x + g.w + 0.5, g.y + g.h); c.moveTo(g.x, g.y + g.h + 0.5); c.lineTo(g.x + g.w, g.y + g.h + 0.5); c.stroke();
  c.fillStyle = '#8a93a5';
  const tagY = current != null ? priceY(current) : null;
  for (const t of pticks) {
    if (tagY != null && Math.abs(t.y - tagY) < 14) continue;   // under the current price tag
    const y = Math.round(t.y) + 0.5;
    c.beginPath(); c.moveTo(g.x + g.w, y); c.lineTo(g.x + g.w + 4, y); c.stroke();
    c.fillText(t.label, g.x + g.w + 8, y);
  }
  // Magnet zones as marks on the axis: green above (shorts liquidated), red below (longs).
  if (levels && levels.asset === state.asset && levels.magnet_zones) {
    for (const side of ['above', 'below']) {
      for (const z of levels.magnet_zones[side] || []) {
        if (!(z.price >= view.b.price_low[0] && z.price <= view.b.price_high[view.R - 1])) continue;
        const y = priceY(z.price);
        c.fillStyle = side === 'above' ? '#0ecb81' : '#f6465d';
        c.beginPath(); c.moveTo(g.x + g.w + 1, y); c.lineTo(g.x + g.w + 7, y - 4); c.lineTo(g.x + g.w + 7, y + 4); c.closePath(); c.fill();
      }
    }
  }
  c.textAlign = 'center'; c.textBaseline = 'top';
  for (const t of tticks) {
    const x = Math.round(timeX(t.t)) + 0.5;
    if (x < g.x + 18 || x > g.x + g.w - 18) continue;
    c.strokeStyle = '#2d3543'; c.beginPath(); c.moveTo(x, g.y + g.h); c.lineTo(x, g.y + g.h + 4); c.stroke();
    c.fillStyle = t.strong ? '#e6e9ef' : '#8a93a5';
    c.fillText(t.label, x, g.y + g.h + 7);
  }
  c.textAlign = 'left'; c.fillStyle = '#5d6677'; c.fillText('UTC', g.x + g.w + 8, g.y + g.h + 7);
  if (current != null) tag(priceY(current), price(current), '#ffffff', '#0b0e14');
}
function tag(y, text, bg, fg, ctx) {
  const c = ctx || hctx, g = geom.plot;
  const yy = clamp(y, g.y + 8, g.y + g.h - 8);
  c.fillStyle = bg;
  c.beginPath(); c.moveTo(g.x + g.w, yy); c.lineTo(g.x + g.w + 6, yy - 9); c.lineTo(g.x + g.w + AXIS_W - 2, yy - 9); c.lineTo(g.x + g.w + AXIS_W - 2, yy + 9); c.lineTo(g.x + g.w + 6, yy + 9); c.closePath(); c.fill();
  c.fillStyle = fg; c.textAlign = 'left'; c.textBaseline = 'middle';
  c.font = '600 11px ' + getComputedStyle(document.body).getPropertyValue('--mono');
  c.fillText(text, g.x + g.w + 9, yy + 0.5);
}

function drawEmpty(title, detail, failed) {
  const e = $('empty');
  e.hidden = false;
  e.innerHTML = esc(title) + (detail ? '<small>' + esc(detail) + '</small>' : '');
  e.classList.toggle('failed', !!failed);
  if (!view) {
    geom = layout();
    const g = geom.plot;
    hctx.setTransform(1, 0, 0, 1, 0, 0);
    hctx.fillStyle = PAGE_BG; hctx.fillRect(0, 0, heat.width, heat.height);
    hctx.fillStyle = failed ? '#10141c' : BG_CSS; hctx.fillRect(g.X, g.Y, g.W, g.H);
    if (failed) { hctx.strokeStyle = '#2d3543'; hctx.setLineDash([6, 6]); hctx.strokeRect(g.X + 0.5, g.Y + 0.5, g.W - 1, g.H - 1); hctx.setLineDash([]); }
  }
}

// ---- hover -----------------------------------------------------------------------------------
let hover = null;
overlay.addEventListener('pointermove', (e) => { const r = overlay.getBoundingClientRect(); hover = { x: e.clientX - r.left, y: e.clientY - r.top }; drawHover(); });
overlay.addEventListener('pointerleave', () => { hover = null; drawHover(); });

function drawHover() {
  const tip = $('tip');
  const d = window.devicePixelRatio || 1;
  octx.setTransform(1, 0, 0, 1, 0, 0); octx.clearRect(0, 0, overlay.width, overlay.height);
  if (!hover || !view || !geom || !view.R || !view.C) { tip.hidden = true; return; }
  const g = geom.plot;
  if (hover.x < g.x || hover.x >= g.x + g.w || hover.y < g.y || hover.y >= g.y + g.h) { tip.hidden = true; return; }
  const col = clamp(Math.floor((hover.x - g.x) / g.w * view.C), 0, view.C - 1);
  const pos = (g.y + g.h - hover.y) / g.h * view.R, row = clamp(Math.floor(pos), 0, view.R - 1);
  octx.setTransform(d, 0, 0, d, 0, 0);
  // Cell outline and crosshair.
  const cx0 = g.x + col * g.w / view.C, cx1 = g.x + (col + 1) * g.w / view.C;
  const cy1 = g.y + g.h - row * g.h / view.R, cy0 = g.y + g.h - (row + 1) * g.h / view.R;
  octx.strokeStyle = 'rgba(255,255,255,0.35)'; octx.setLineDash([3, 3]); octx.lineWidth = 1;
  octx.beginPath(); octx.moveTo(g.x, Math.round(hover.y) + 0.5); octx.lineTo(g.x + g.w, Math.round(hover.y) + 0.5);
  octx.moveTo(Math.round(hover.x) + 0.5, g.y); octx.lineTo(Math.round(hover.x) + 0.5, g.y + g.h); octx.stroke(); octx.setLineDash([]);
  octx.strokeStyle = '#fde725'; octx.lineWidth = 1.5;
  octx.strokeRect(cx0, cy0, Math.max(2, cx1 - cx0), Math.max(2, cy1 - cy0));
  tag(hover.y, price(rowPrice(pos)), '#3a4558', '#ffffff', octx);
  const t = view.t0 + col * view.colMs;
  octx.font = '11px ' + getComputedStyle(document.body).getPropertyValue('--mono');
  const label = md(t) + ' ' + hm(t);
  const tw = octx.measureText(label).width + 12, tx = clamp(hover.x - tw / 2, g.x, g.x + g.w - tw);
  octx.fillStyle = '#3a4558'; octx.fillRect(tx, g.y + g.h + 2, tw, 18);
  octx.fillStyle = '#fff'; octx.textAlign = 'left'; octx.textBaseline = 'middle'; octx.fillText(label, tx + 6, g.y + g.h + 11.5);

  // Tooltip.
  const key = col * view.R + row, cell = view.lookup.get(key) || 0;
  const b = view.b, r = (b.rows || [])[row] || null, lp = (b.last_price || [])[col];
  let html = '<div class="t">' + esc(ymdhm(t)) + ' – ' + esc(hm(t + view.colMs)) + ' UTC</div>';
  html += '<div class="kv"><span>Price band</span><span class="num">' + price(b.price_low[row]) + ' – ' + price(b.price_high[row]) + '</span></div>';
  if (lp != null) html += '<div class="kv"><span>Last price</span><span class="num">' + price(lp) + '</span></div>';
  html += '<div class="sep"></div><div class="kv"><span>' + (state.layer === 'realized' ? 'Liquidated' : 'Projected') + ' · ' + (state.side === 'both' ? 'both sides' : esc(state.side) + 's') + '</span><span class="big">' + usd(cell) + '</span></div>';
  const split = [];
  for (const [v, m] of Object.entries(view.byVenue)) { const u = m.get(key); if (u > 0) split.push([v, u]); }
  split.sort((a, z) => z[1] - a[1]);
  if (split.length) {
    html += '<div class="sep"></div><div class="hd">By venue</div>';
    for (const [v, u] of split) {
      const share = cell > 0 ? u / cell : 0;
      html += '<div class="v"><span>' + esc(VENUE_NAMES[v] || v) + '</span><span><div class="bar" style="width:' + Math.max(2, Math.round(share * 100)) + '%"></div></span><span class="amt">' + usd(u) + '</span><span class="sh">' + (share > 0 && share < 0.005 ? '<1' : Math.round(share * 100)) + '%</span></div>';
    }
  }
  if (r) {
    html += '<div class="sep"></div><div class="hd">Price row · ' + (state.layer === 'realized' ? 'window total' : 'latest book') + '</div>';
    html += '<div class="kv"><span>Longs / shorts</span><span class="num"><span style="color:#f6465d">' + usd(r.long_usd) + '</span> / <span style="color:#0ecb81">' + usd(r.short_usd) + '</span></span></div>';
    html += '<div class="kv"><span>Consensus</span><span class="num">' + (r.consensus || 0).toFixed(2) + ' ' + badge(r.label) + '</span></div>';
  }
  tip.innerHTML = html;
  tip.hidden = false;
  const tr = tip.getBoundingClientRect(), cw = chart.clientWidth, ch = chart.clientHeight;
  let x = hover.x + 16, y = hover.y + 16;
  if (x + tr.width > cw - AXIS_W) x = hover.x - tr.width - 16;
  if (y + tr.height > ch - 4) y = Math.max(4, hover.y - tr.height - 16);
  tip.style.left = Math.max(4, x) + 'px'; tip.style.top = y + 'px';
}
function badge(label) {
  if (label === 'single_venue') return '<span class="badge single" title="Only one venue shows this level">single venue</span>';
  if (label === 'multi_venue') return '<span class="badge multi" title="Several venues agree on this level">multi venue</span>';
  return '';
}

// ---- side panel ------------------------------------------------------------------------------
function setLevels(l) {
  if (!l || (l.asset && l.asset !== state.asset)) return;
  levels = l;
  const lp = l.last_price;
  if (lp != null) setLastPrice(lp);
  renderPanel();
  if (view) draw();
}
function setLastPrice(p) {
  const el = $('lastpx');
  if (lastPrice != null && p !== lastPrice) { el.className = 'lastpx ' + (p > lastPrice ? 'up' : 'down'); clearTimeout(setLastPrice.t); setLastPrice.t = setTimeout(() => { el.className = 'lastpx'; }, 1500); }
  lastPrice = p;
  el.textContent = price(p);
  document.title = state.asset + ' ' + price(p) + ' · Liqmap';
}
function zoneHTML(z, side) {
  const sideName = z.short_usd > z.long_usd ? 'shorts' : 'longs';
  return '<div class="zone ' + side + '" title="band ' + price(z.price_low) + ' – ' + price(z.price_high) + ' · prominence ' + usd(z.prominence_usd) + '">' +
    '<span class="p">' + price(z.price) + (z.label === 'single_venue' ? ' ' + badge(z.label) : '') + '</span><span class="u">' + usd(z.usd) + '</span>' +
    '<span class="d ' + (z.distance_pct >= 0 ? 'pos' : 'neg') + '">' + pct(z.distance_pct) + ' <span class="side-tag">' + sideName + '</span></span>' +
    '<span class="c" title="consensus: how far the venues agree on this zone (0 to 1)">' + '<span class="meter"><b style="width:' + Math.round(clamp(z.consensus || 0, 0, 1) * 100) + '%"></b></span>' + (z.consensus || 0).toFixed(2) + '</span></div>';
}
function renderPanel() {
  const l = levels;
  const mz = (l && l.magnet_zones) || { above: [], below: [] };
  const above = (mz.above || []).slice().sort((a, b) => b.price - a.price), below = (mz.below || []).slice().sort((a, b) => b.price - a.price);
  $('zones-above').innerHTML = above.length ? above.map((z) => zoneHTML(z, 'above')).join('') : '<div class="none">No magnet zone above</div>';
  $('zones-below').innerHTML = below.length ? below.map((z) => zoneHTML(z, 'below')).join('') : '<div class="none">No magnet zone below</div>';
  $('zones-price').textContent = l && l.last_price != null ? price(l.last_price) : '—';
  $('asof').textContent = l && l.as_of ? 'as of ' + hm(l.as_of) + ' UTC' : '';
  const bands = ((l && l.bands) || []).slice().sort((a, b) => (b.long_usd + b.short_usd) - (a.long_usd + a.short_usd)).slice(0, 10);
  $('bands').innerHTML = bands.length ? bands.map((b) => '<tr title="' + Object.entries(b.by_venue || {}).map(([v, x]) => (VENUE_NAMES[v] || v) + ' ' + usd(x.long_usd + x.short_usd)).join(' · ') + '"><td>' + price((b.price_low + b.price_high) / 2) + (b.label === 'single_venue' ? badge(b.label) : '') + '</td><td class="l">' + (b.long_usd ? usd(b.long_usd) : '·') + '</td><td class="s">' + (b.short_usd ? usd(b.short_usd) : '·') + '</td><td>' + (b.consensus || 0).toFixed(2) + '</td></tr>').join('')
    : '<tr><td colspan="4" class="none" style="font-family:inherit">No projected levels near the price</td></tr>';
  const oi = Object.entries((l && l.open_interest_usd) || (view && view.b.open_interest_usd) || {}).sort((a, b) => b[1] - a[1]);
  const total = oi.reduce((s, x) => s + x[1], 0), max = oi.length ? oi[0][1] : 0;
  $('oi-total').textContent = total ? usd(total) + ' total' : '';
  $('oi').innerHTML = oi.length ? oi.map(([v, x]) => '<div class="oi"><span>' + esc(VENUE_NAMES[v] || v) + '</span><span><div class="bar" style="width:' + Math.max(2, Math.round(x / max * 100)) + '%"></div></span><span class="amt">' + usd(x) + '</span></div>').join('') : '<div class="none">No open interest reported</div>';
}

// ---- legend, meta, export --------------------------------------------------------------------
function renderLegend() {
  const c = $('legend'), d = window.devicePixelRatio || 1;
  if (c.width !== Math.round(260 * d)) { c.width = Math.round(260 * d); c.height = Math.round(10 * d); }
  const x = c.getContext('2d'), img = x.createImageData(c.width, c.height);
  for (let i = 0; i < c.width; i++) {
    const k = Math.round(i / (c.width - 1) * 255);
    for (let y = 0; y < c.height; y++) { const o = (y * c.width + i) * 4; img.data[o] = VIRIDIS[k * 3]; img.data[o + 1] = VIRIDIS[k * 3 + 1]; img.data[o + 2] = VIRIDIS[k * 3 + 2]; img.data[o + 3] = 255; }
  }
  x.putImageData(img, 0, 0);
  const ticks = $('legend-ticks');
  if (!view) return;
  $('legend-lo').textContent = view.log ? usd(view.lo) : '$0';
  $('legend-hi').textContent = view.hi > 0 ? usd(view.hi) : '—';
  if (view.log) {
    const n = Math.log10(view.hi / view.lo), out = [];
    for (let k = 1; k < n; k++) out.push('<span style="left:' + (k / n * 100) + '%">' + usd(view.lo * Math.pow(10, k)) + '</span>');
    ticks.innerHTML = out.join('');
    $('legend-note').textContent = 'absolute · log10';
    $('legend-note').title = 'log10(usd / ' + usd(view.lo) + ') over ' + Math.round(Math.log10(view.hi / view.lo)) + ' decades: a colour means the same USD in every view';
  } else {
    ticks.innerHTML = [0.25, 0.5, 0.75].map((f) => '<span style="left:' + (f * 100) + '%">' + (view.hi > 0 ? usd(view.hi * f) : '') + '</span>').join('');
    $('legend-note').textContent = 'relative · linear';
    $('legend-note').title = 'usd / ' + usd(view.hi) + ' (the view\'s 99th-percentile cell), clamped';
  }
}
function renderMeta() {
  if (!view) return;
  const venues = state.venues ? state.venues.map((v) => VENUE_NAMES[v] || v).join(', ') : 'all venues';
  const lev = state.leverage && state.layer !== 'realized' ? ' · ' + state.leverage.map((x) => x + '×').join(' ') : '';
  const span = state.window ? state.window : md(view.b.from) + ' ' + hm(view.b.from) + ' → ' + md(view.b.to) + ' ' + hm(view.b.to) + ' UTC';
  $('caption').innerHTML = '<b>' + esc(state.asset) + '</b> ' + esc((state.layer === 'realized' ? 'realized liquidations' : 'projected liquidation levels') + ' · ' + venues +
    ' · ' + (state.side === 'both' ? 'both sides' : state.side + 's') + lev + ' · ' + span);
  const b = view.b;
  const parts = [b.resolution + ' × ' + view.R + ' rows', view.cells.length.toLocaleString('en-US') + ' cells', 'updated ' + new Date().toISOString().slice(11, 19) + ' UTC'];
  $('meta').textContent = parts.join(' · ');
  $('meta').title = ymdhm(b.from) + ' → ' + ymdhm(b.to) + ' UTC, ' + view.C + ' columns of ' + b.resolution + ', ' + view.R + ' price rows (level ' + b.price_level + ')';
}
function exportLinks() {
  for (const f of ['png', 'csv']) {
    const p = viewParams(); p.set('format', f);
    if (f === 'png') { p.set('width', '1600'); p.set('height', '800'); }
    if (apiKey) p.set('api_key', apiKey);
    $(f).href = '/v1/heatmap?' + p.toString();
  }
}

// ---- controls --------------------------------------------------------------------------------
function seg(id, options, current, onPick) {
  const el = $(id);
  el.innerHTML = '';
  for (const [value, label] of options) {
    const b = document.createElement('button');
    b.type = 'button'; b.textContent = label; b.dataset.value = value;
    if (value === current) b.className = 'on';
    b.addEventListener('click', () => onPick(value));
    el.appendChild(b);
  }
  return el;
}
function renderControls() {
  $('asset').value = state.asset;
  const w = seg('g-window', WINDOWS.map((x) => [x, x]), state.window, (v) => { state.window = v; state.from = state.to = null; reload(); });
  if (!state.window) {
    const s = document.createElement('span'); s.className = 'custom';
    const f = Number(state.from), t = Number(state.to);
    s.textContent = (isFinite(f) && state.from ? md(f) + ' ' + hm(f) : '…') + ' → ' + (isFinite(t) && state.to ? md(t) + ' ' + hm(t) : '…');
    s.title = 'A fixed span from the page URL (from/to); pick a window to follow the live edge';
    w.appendChild(s);
  }
  seg('g-layer', [['projected', 'Projected'], ['realized', 'Realized']], state.layer, (v) => { state.layer = v; reload(); });
  seg('g-side', [['both', 'Both'], ['long', 'Longs'], ['short', 'Shorts']], state.side, (v) => { state.side = v; reload(); });
  seg('g-scale', [['relative', 'Relative'], ['absolute', 'Absolute']], state.scale, (v) => { state.scale = v; reload(); });
  renderVenues();
  renderLeverage();
}
function chipGroup(id, values, chosen, label, onChange, hasData) {
  const el = $(id);
  el.innerHTML = '';
  const all = !chosen;
  const mk = (text, on, title, click) => {
    const b = document.createElement('button');
    b.type = 'button'; b.className = 'chip' + (on ? ' on' : ''); b.textContent = text; if (title) b.title = title;
    b.addEventListener('click', click); el.appendChild(b); return b;
  };
  mk('All', all, 'Every ' + label, () => onChange(null));
  for (const v of values) {
    const on = !all && chosen.includes(String(v));
    const b = mk(label === 'venue' ? (VENUE_NAMES[v] || v) : v + '×', on, null, () => {
      let next = all ? [] : chosen.slice();
      next = next.includes(String(v)) ? next.filter((x) => x !== String(v)) : next.concat([String(v)]);
      if (!next.length || next.length === values.length) next = null;
      else next.sort((a, z) => values.map(String).indexOf(a) - values.map(String).indexOf(z));
      onChange(next);
    });
    if (hasData && (all || on) && !hasData(v)) { b.classList.add('nodata'); b.title = 'No data from ' + (VENUE_NAMES[v] || v) + ' in this view'; }
  }
  return el;
}
function renderVenues() {
  const present = view && view.b.venues ? new Set(view.b.venues) : null;
  chipGroup('venues', VENUES, state.venues, 'venue', (next) => { state.venues = next; reload(); }, present ? (v) => present.has(v) : null);
}
function renderLeverage() {
  const el = chipGroup('leverage', tiers, state.leverage, 'leverage tier', (next) => { state.leverage = next; reload(); });
  el.classList.toggle('disabled', state.layer === 'realized');
  el.title = state.layer === 'realized' ? 'Realized liquidations carry no leverage tier: the filter applies to the levels panel only' : 'Leverage tiers of the projected book';
}
$('asset').addEventListener('change', () => {
  const v = $('asset').value.trim().toUpperCase();
  if (!v || v === state.asset) { $('asset').value = state.asset; return; }
  state.asset = v; levels = null; view = null; lastPrice = null; $('lastpx').textContent = '—'; renderPanel(); reload();
});
$('asset').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('asset').blur(); });

// ---- the live stream -------------------------------------------------------------------------
let ws = null, wsKey = '', wsTimer = null, wsAttempt = 0, wsRetryAt = 0, wsLast = 0, wsWasUp = false;
function streamQuery() {
  const p = levelParams();
  for (const [k, v] of Object.entries(state.alert)) if (v) p.set(k, v);
  if (apiKey) p.set('api_key', apiKey);
  return p.toString();
}
function setStatus(kind, text) {
  $('status').className = 'status ' + kind;
  $('status-text').textContent = text;
  document.body.dataset.stream = kind;
}
function connect() {
  const key = streamQuery();
  if (ws && wsKey === key && ws.readyState <= 1) return;
  if (ws) { const old = ws; ws = null; try { old.close(1000); } catch (e) { /* closed */ } }
  clearTimeout(wsTimer);
  wsKey = key;
  setStatus('connecting', 'Connecting…');
  let sock;
  try {
    sock = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/v1/stream?' + key);
  } catch (e) { retry(); return; }
  ws = sock;
  sock.onopen = () => { if (sock === ws) { wsAttempt = 0; setStatus('live', 'Live'); } };
  sock.onmessage = (ev) => { if (sock === ws) onMessage(ev.data); };
  sock.onclose = () => { if (sock === ws) { ws = null; retry(); } };
}
function retry() {
  const delay = Math.round(Math.min(30000, 1000 * Math.pow(2, wsAttempt)) * (0.8 + Math.random() * 0.4));
  wsAttempt++;
  wsRetryAt = Date.now() + delay;
  clearTimeout(wsTimer);
  wsTimer = setTimeout(connect, delay);
  tickStatus();
}
function tickStatus() {
  if (ws) return;
  const s = Math.max(0, Math.ceil((wsRetryAt - Date.now()) / 1000));
  setStatus('offline', 'Offline · retry ' + s + 's');
  if (s > 0) setTimeout(tickStatus, 1000);
}
function followsLive() {
  if (state.window) return true;
  const to = Number(state.to);
  return !state.to || !isFinite(to) || to > Date.now() - 10 * MIN;
}
function onMessage(text) {
  let m;
  try { m = JSON.parse(text); } catch (e) { return; }
  wsLast = Date.now();
  $('status').title = 'Live stream · last message ' + new Date(wsLast).toISOString().slice(11, 19) + ' UTC';
  if (m.type === 'hello') {
    setStatus('live', 'Live');
    if (wsWasUp) scheduleRefetch();   // a reconnect: the heatmap may have moved on meanwhile
    wsWasUp = true;
  }
  else if (m.type === 'levels') setLevels(m.levels);
  else if (m.type === 'column') {
    if (m.column && m.column.last_price != null) setLastPrice(m.column.last_price);
    if (m.layer === state.layer && followsLive()) scheduleRefetch();
  } else if (m.type === 'alert') toast(m);
}

// ---- alerts as toasts ------------------------------------------------------------------------
const seen = new Map();
function toast(m) {
  const z = m.zone || {};
  const key = m.side + '|' + Math.round(z.price || 0);
  const now = Date.now();
  if (seen.has(key) && now - seen.get(key) < 10 * MIN) return;
  seen.set(key, now);
  const box = $('toasts');
  while (box.children.length >= 4) box.removeChild(box.firstChild);
  const t = document.createElement('div');
  t.className = 'toast';
  const who = z.short_usd > z.long_usd ? 'shorts' : 'longs';
  t.innerHTML = '<button class="x" aria-label="Dismiss">×</button><b>' + esc(m.asset || state.asset) + ' near a magnet zone ' + esc(m.side === 'above' ? 'above' : 'below') + '</b>' +
    '<span class="num">' + usd(z.usd) + '</span> of ' + who + ' at <span class="num">' + price(z.price) + '</span> (' + pct(z.distance_pct) + ' from ' + price(m.last_price) + ') · consensus ' + (z.consensus || 0).toFixed(2) + (z.label === 'single_venue' ? ' · single venue' : '');
  t.querySelector('.x').addEventListener('click', () => t.remove());
  box.appendChild(t);
  setTimeout(() => t.remove(), 12000);
}

// ---- resizes ---------------------------------------------------------------------------------
let resizeTimer = null;
function onResize() {
  if (view) draw();
  else if (geom && !$('empty').hidden) { const e = $('empty'), small = e.querySelector('small'); drawEmpty(e.firstChild ? e.firstChild.textContent : '', small ? small.textContent : '', e.classList.contains('failed')); }
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    const w = wanted();
    if (lastSize && (Math.abs(w.columns - lastSize.columns) / lastSize.columns > 0.1 || Math.abs(w.rows - lastSize.rows) / lastSize.rows > 0.1)) loadHeatmap(true);
  }, 400);
}
if (window.ResizeObserver) new ResizeObserver(onResize).observe(chart); else window.addEventListener('resize', onResize);
let dprQuery = null;
function watchDPR() {
  if (!window.matchMedia) return;
  if (dprQuery) dprQuery.removeEventListener('change', onDPR);
  dprQuery = matchMedia('(resolution: ' + (window.devicePixelRatio || 1) + 'dppx)');
  dprQuery.addEventListener('change', onDPR);
}
function onDPR() { onResize(); watchDPR(); }
watchDPR();

// ---- start -----------------------------------------------------------------------------------
renderPanel();
renderLegend();
reload();
})();
</script>
</body>
</html>
"""#
}
