// Draws every <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID"> with Chart.js
// (served by the gateway from npm's chart.js; no inline script, so the pages' Content-Security-Policy holds).
// The JSON: { "type": "bar" | "line", "labels": [...], "datasets": [{ "label": "...", "data": [...] }], "stacked": bool, "y": "axis title" }.
(function () {
  'use strict';
  var palette = ['#0b4f8a', '#b5651d', '#2e7d32', '#6a1b9a', '#c62828', '#00838f', '#5d4037', '#37474f'];
  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute('data-chart'));
    if (!source || typeof Chart === 'undefined') { return; }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (dataset, i) {
      var colour = palette[i % palette.length];
      return { label: dataset.label, data: dataset.data, backgroundColor: colour, borderColor: colour, borderWidth: 2, pointRadius: 2, fill: false };
    });
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: !!spec.stacked },
          y: { stacked: !!spec.stacked, beginAtZero: true, title: { display: !!spec.y, text: spec.y || '' } }
        },
        plugins: { legend: { position: 'bottom' } }
      }
    });
  });
})();
