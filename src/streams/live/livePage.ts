/**
 * The viewer page. node-rtsp-stream ships no player and jsmpeg is not vendored in this project, so
 * the page does not decode video: it proves video is arriving (WebSocket messages, bytes, bit rate,
 * pictures counted by the gateway) and draws the picture size from the stream header.
 */
export function livePage(cameraId: string): string {
  const id = cameraId.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>camgate live · ${id}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#212121}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{color:#616161}dd{margin:0;font-variant-numeric:tabular-nums}
canvas{border:1px solid #9e9e9e;margin-top:10px;max-width:100%}
.note{color:#616161;font-size:12px;max-width:640px}
</style></head><body>
<h1>camgate live · ${id}</h1>
<dl>
<dt>status</dt><dd id="status">connecting</dd>
<dt>picture size</dt><dd id="size">-</dd>
<dt>WebSocket frames</dt><dd id="frames">0</dd>
<dt>bytes</dt><dd id="bytes">0</dd>
<dt>bit rate</dt><dd id="rate">-</dd>
<dt>pictures (gateway)</dt><dd id="pictures">-</dd>
<dt>frame rate (gateway)</dt><dd id="fps">-</dd>
</dl>
<canvas id="frame" width="320" height="180"></canvas>
<p class="note">Video is not decoded in this page (no MPEG-1 player is bundled): the counters show whether
the camera's video reaches the gateway and advances. The box is the picture's aspect ratio.</p>
<script>
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var frames = 0, bytes = 0, lastBytes = 0;
  var ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
  ws.binaryType = 'arraybuffer';
  function drawSize(w, h) {
    var c = $('frame'), scale = Math.min(1, 640 / w);
    c.width = Math.round(w * scale); c.height = Math.round(h * scale);
    var g = c.getContext('2d');
    g.fillStyle = '#263238'; g.fillRect(0, 0, c.width, c.height);
    g.strokeStyle = '#80cbc4'; g.beginPath();
    g.moveTo(c.width / 2, 0); g.lineTo(c.width / 2, c.height); g.moveTo(0, c.height / 2); g.lineTo(c.width, c.height / 2);
    g.stroke();
    g.fillStyle = '#ffffff'; g.font = '20px sans-serif'; g.fillText(w + ' x ' + h, 12, 30);
  }
  ws.onopen = function () { $('status').textContent = 'connected, waiting for video'; };
  ws.onclose = function () { $('status').textContent = 'disconnected'; };
  ws.onmessage = function (e) {
    if (typeof e.data === 'string') {
      var m = JSON.parse(e.data);
      if (m.status) $('status').textContent = m.status;
      if (typeof m.pictures === 'number') $('pictures').textContent = String(m.pictures);
      if (typeof m.fps === 'number') $('fps').textContent = m.fps.toFixed(1) + ' fps';
      return;
    }
    var b = new Uint8Array(e.data);
    // node-rtsp-stream's header: "jsmp" then width and height as big-endian uint16.
    if (b.length === 8 && b[0] === 0x6a && b[1] === 0x73 && b[2] === 0x6d && b[3] === 0x70) {
      var w = (b[4] << 8) | b[5], h = (b[6] << 8) | b[7];
      $('size').textContent = w + ' x ' + h;
      drawSize(w, h);
      return;
    }
    frames += 1; bytes += b.length;
    $('frames').textContent = String(frames);
    $('bytes').textContent = String(bytes);
  };
  setInterval(function () {
    $('rate').textContent = Math.round(((bytes - lastBytes) * 8) / 1000) + ' kbit/s';
    lastBytes = bytes;
  }, 1000);
})();
</script></body></html>
`;
}
