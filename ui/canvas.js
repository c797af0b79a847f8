const canvas = element.querySelector('canvas');
const ctx = canvas.getContext('2d');
const side = canvas.width;
const words = props.texts[pickLanguage([navigator.language || 'en'])];  // pickLanguage: ui/canvas.py puts it first
element.querySelectorAll('[data-text]').forEach(node => { node.textContent = words[node.dataset.text]; });
canvas.setAttribute('aria-label', words.canvas);
// The strip is ordered 0 to 9 (ui/canvas.py example_urls): each button is named after its digit.
element.querySelectorAll('[data-example]').forEach((button, digit) => {
  button.setAttribute('aria-label', words.example.replace('{digit}', digit));
});
// The history, redrawn on undo: {tool, width, points} for a stroke, {image} for a loaded example, {clear: true} for
// Clear. An example or a Clear starts a fresh picture, so undoing it brings back the drawing before it.
let strokes = [];
let current = null;
let tool = 'brush';
let lastSent = 0;

function paper() { ctx.globalCompositeOperation = 'source-over'; ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, side, side); }
function segment(stroke, from, to) {
  ctx.strokeStyle = stroke.tool === 'eraser' ? '#fff' : '#111';
  ctx.lineWidth = stroke.width; ctx.lineCap = 'round'; ctx.lineJoin = 'round';
  ctx.beginPath(); ctx.moveTo(from[0], from[1]); ctx.lineTo(to[0], to[1]); ctx.stroke();
}
function drawStroke(stroke) {
  if (stroke.clear) return;
  if (stroke.image) { ctx.drawImage(stroke.image, 0, 0, side, side); return; }
  const p = stroke.points;
  segment(stroke, p[0], p[0]);
  for (let i = 1; i < p.length; i++) segment(stroke, p[i - 1], p[i]);
}
function pictureStart() {
  for (let i = strokes.length - 1; i >= 0; i--) if (strokes[i].image || strokes[i].clear) return i;
  return 0;
}
function blank() { const start = pictureStart(); return strokes.length === 0 || (strokes[start].clear && start === strokes.length - 1); }
function redraw() { paper(); strokes.slice(pictureStart()).forEach(drawStroke); }
function send() {
  lastSent = performance.now();
  window.__digitCanvasSentAt = lastSent;
  // The drawing travels as the component's value, not as event data: with trigger_mode "always_last", Gradio
  // re-runs a trigger that arrived mid-request with the inputs' values at that time, but with the old event data.
  props.value = blank() ? '' : canvas.toDataURL('image/png');
  trigger('drawn');
}
function point(event) {
  const box = canvas.getBoundingClientRect();
  return [(event.clientX - box.left) * side / box.width, (event.clientY - box.top) * side / box.height];
}
canvas.addEventListener('pointerdown', event => {
  event.preventDefault();
  if (event.pointerType === 'mouse' && event.button !== 0) return;
  canvas.setPointerCapture(event.pointerId);
  current = { tool, width: tool === 'eraser' ? props.eraser_width : props.brush_width, points: [point(event)] };
  strokes.push(current);
  drawStroke(current);
});
canvas.addEventListener('pointermove', event => {
  if (!current) return;
  const next = point(event);
  segment(current, current.points[current.points.length - 1], next);
  current.points.push(next);
  if (performance.now() - lastSent > props.live_interval_ms) send();
});
function finish() { if (!current) return; current = null; window.__digitCanvasPointerUp = performance.now(); send(); }
canvas.addEventListener('pointerup', finish);
canvas.addEventListener('pointercancel', finish);
canvas.addEventListener('lostpointercapture', finish);
element.querySelectorAll('[data-tool]').forEach(button => button.addEventListener('click', () => {
  tool = button.dataset.tool;
  element.querySelectorAll('[data-tool]').forEach(b => {
    b.classList.toggle('dc-active', b === button); b.setAttribute('aria-pressed', String(b === button));
  });
}));
element.querySelector('[data-action="undo"]').addEventListener('click', () => { strokes.pop(); redraw(); send(); });
element.querySelector('[data-action="clear"]').addEventListener('click', () => {
  if (!blank()) strokes.push({ clear: true });
  redraw(); send();
});
element.querySelectorAll('[data-example]').forEach(button => button.addEventListener('click', () => {
  const image = new Image();
  image.onload = () => {
    // MNIST is white on black; the canvas is dark ink on white paper, so draw the example inverted.
    const scratch = document.createElement('canvas'); scratch.width = side; scratch.height = side;
    const sctx = scratch.getContext('2d'); sctx.imageSmoothingEnabled = true;
    sctx.filter = 'invert(1)'; sctx.drawImage(image, 0, 0, side, side);
    strokes.push({ image: scratch }); redraw(); send();
  };
  image.src = button.dataset.example;
}));
paper();
