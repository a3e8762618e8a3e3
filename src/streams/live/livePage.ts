/** Where the page loads JSMpeg from: our own loopback server (the page needs no network beyond it). */
export const PLAYER_PATH = '/jsmpeg-player.umd.min.js';
/** The WebSocket that carries MPEG-TS only, from a join point on (what JSMpeg's WebSocket source expects). */
export const VIDEO_PATH = '/video';
/** JSON state polled by the page once a second (status text, pictures, frame rate, size). */
export const STATUS_PATH = '/status';

/**
 * The viewer page: JSMpeg decodes the MPEG-1 video into a canvas (2D, not WebGL: works on boxes and
 * in headless browsers without a GPU); the table shows what the gateway sees, so a technician can
 * tell "camera silent" from "browser cannot decode". `#decoded` counts pictures drawn here.
 */
export function livePage(cameraId: string): string {
  const id = cameraId.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>camgate live · ${id}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#212121}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{color:#616161}dd{margin:0;font-variant-numeric:tabular-nums}
canvas{border:1px solid #9e9e9e;margin-top:10px;max-width:100%;background:#263238}
.note{color:#616161;font-size:12px;max-width:640px}
</style></head><body>
<h1>camgate live · ${id}</h1>
<dl>
<dt>status</dt><dd id="status">connecting</dd>
<dt>picture size</dt><dd id="size">-</dd>
<dt>pictures decoded here</dt><dd id="decoded">0</dd>
<dt>pictures (gateway)</dt><dd id="pictures">-</dd>
<dt>frame rate (gateway)</dt><dd id="fps">-</dd>
</dl>
<canvas id="video" width="640" height="360"></canvas>
<p class="note">Video: MPEG-1, re-encoded on the gateway by ffmpeg while this page is open, decoded by
JSMpeg (MIT licence, Dominic Szablewski; packaged as @cycjimmy/jsmpeg-player).</p>
<script src="${PLAYER_PATH}"></script>
<script>
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var decoded = 0;
  var wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '${VIDEO_PATH}';
  if (typeof JSMpeg === 'undefined') {
    $('status').textContent = 'the video decoder did not load';
  } else {
    // reconnectInterval 0: after ffmpeg ends, the status line says why; a reload retries.
    window.camgatePlayer = new JSMpeg.Player(wsUrl, {
      canvas: $('video'), disableGl: true, audio: false, reconnectInterval: 0,
      onVideoDecode: function () { decoded += 1; $('decoded').textContent = String(decoded); }
    });
  }
  function poll() {
    fetch('${STATUS_PATH}', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (s) {
      $('status').textContent = s.status;
      if (s.width) $('size').textContent = s.width + ' x ' + s.height;
      $('pictures').textContent = String(s.pictures);
      $('fps').textContent = s.fps.toFixed(1) + ' fps';
    }, function () { $('status').textContent = 'camgate live is not answering'; });
  }
  poll();
  setInterval(poll, 1000);
})();
</script></body></html>
`;
}
