/* Emoscope report: draws the charts with uPlot from the JSON block #report-data
   (written by core/report/report_html.cpp). Inlined into every report; nothing is
   loaded from the network. When done it sets data-rendered on <html> (the number
   of charts) and data-render-ms (time since navigation start), and adds #report-done; errors are listed in #report-errors and
   counted in data-errors (the tests read both). */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = [];

  function clock(s) {
    if (s == null || !isFinite(s)) return '';
    s = Math.round(s * 10) / 10;
    var whole = Math.floor(s + 1e-9);
    var h = Math.floor(whole / 3600), m = Math.floor(whole / 60) % 60, sec = s - 60 * Math.floor(whole / 60);
    if (h > 0) return h + ':' + String(m).padStart(2, '0') + ':' + String(Math.floor(sec)).padStart(2, '0');
    return m + ':' + (sec < 10 ? '0' : '') + (Math.abs(sec - Math.round(sec)) < 1e-6 ? Math.round(sec) : sec.toFixed(1));
  }

  function fail(where, error) {
    var box = document.getElementById('report-errors');
    window.reportErrors.push(where + ': ' + error);
    document.documentElement.setAttribute('data-errors', String(window.reportErrors.length));
    if (box) {
      box.hidden = false;
      box.textContent = 'Some charts could not be drawn: ' + window.reportErrors.join('; ');
    }
  }

  function widthOf(el) { return Math.max(320, Math.min(1120, el.clientWidth || 800)); }

  // Tick steps: seconds and minutes as a clock reads them (images: whole numbers).
  var TIME_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];
  var COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

  function xAxis() {
    return {
      incrs: data.images ? COUNT_STEPS : TIME_STEPS,
      values: function (u, splits) { return splits.map(data.images ? function (v) { return String(v); } : clock); },
    };
  }

  // One person's smoothed probabilities per time bin (null where unseen).
  function personChart(el, person) {
    var n = person.bins.length ? person.bins[0].length : 0;
    var xs = new Array(n);
    for (var i = 0; i < n; i++) xs[i] = i * data.bin_s;
    var columns = [xs];
    var series = [{ label: data.images ? 'image' : 'time', value: function (u, v) { return data.images ? v : clock(v); } }];
    data.labels.forEach(function (label, l) {
      var src = person.bins[l], ys = new Array(n);
      for (var b = 0; b < n; b++) ys[b] = src[b] < 0 ? null : src[b] / 1000;
      columns.push(ys);
      series.push({ label: label, stroke: data.colors[l], width: 1.5, spanGaps: false,
                    value: function (u, v) { return v == null ? '–' : v.toFixed(2); } });
    });
    return new uPlot({
      width: widthOf(el), height: 190, series: series,
      scales: { x: { time: false, range: [0, Math.max(data.duration_s, data.bin_s)] }, y: { range: [0, 1] } },
      axes: [xAxis(), { size: 50, incrs: [0.1, 0.2, 0.25, 0.5, 1],
                        values: function (u, s) { return s.map(function (v) { return String(+v.toFixed(2)); }); } }],
      legend: { show: true, live: true },
    }, columns, el);
  }

  // Everyone over time: one row per person, coloured by the label with the highest mean in each bin.
  function overviewChart(el) {
    var people = data.people, n = people.length && people[0].bins.length ? people[0].bins[0].length : 0;
    var xs = new Array(n + 1);
    for (var i = 0; i <= n; i++) xs[i] = i * data.bin_s;
    var columns = [xs], series = [{}];
    people.forEach(function (person, row) {
      var y = people.length - 1 - row;  // the first person on top
      var perLabel = data.labels.map(function () { return new Array(n + 1).fill(null); });
      for (var b = 0; b < n; b++) {
        var best = -1, bestValue = -1;
        for (var l = 0; l < data.labels.length; l++) {
          var v = person.bins[l][b];
          if (v > bestValue) { bestValue = v; best = l; }
        }
        if (best >= 0 && bestValue >= 0) { perLabel[best][b] = y; perLabel[best][b + 1] = y; }
      }
      data.labels.forEach(function (label, l) {
        columns.push(perLabel[l]);
        series.push({ label: person.title + ' ' + label, stroke: data.colors[l], width: 16, spanGaps: false,
                      points: { show: false } });
      });
    });
    var names = people.map(function (p) { return p.title; }).reverse();
    return new uPlot({
      width: widthOf(el), height: 46 + 30 * Math.max(1, people.length), series: series, legend: { show: false },
      cursor: { y: false, points: { show: false } },
      scales: { x: { time: false, range: [0, Math.max(data.duration_s, data.bin_s)] },
                y: { range: [-0.6, Math.max(1, people.length) - 0.4] } },
      axes: [xAxis(), { size: 110, splits: function () { return names.map(function (_, i) { return i; }); },
                        values: function (u, s) { return s.map(function (v) { return names[v] || ''; }); },
                        grid: { show: false } }],
    }, columns, el);
  }

  // A study: every person's share of one label as a dot (spread up and down to keep dots apart).
  function stripChart(el, l) {
    var points = [];
    data.people.forEach(function (p) { if (p.shares[l] != null) points.push({ x: p.shares[l] / 10, title: p.input + ' ' + p.title }); });
    points.sort(function (a, b) { return a.x - b.x; });
    var xs = points.map(function (p) { return p.x; });
    var ys = points.map(function (p, i) { return 0.15 + 0.7 * ((i * 0.6180339887) % 1); });
    return new uPlot({
      width: widthOf(el), height: 120, legend: { show: false }, cursor: { y: false },
      series: [{}, { label: data.labels[l], stroke: data.colors[l], fill: data.colors[l], paths: function () { return null; },
                     points: { show: true, size: 7, width: 1, stroke: data.colors[l], fill: data.colors[l] } }],
      // A little room beyond 0 and 100 %: dots on the edges are drawn whole (and all of them).
      scales: { x: { time: false, range: [-2, 102] }, y: { range: [0, 1] } },
      axes: [{ splits: function () { return [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]; },
               values: function (u, s) { return s.map(function (v) { return v + ' %'; }); } }, { show: false }],
    }, [xs, ys], el);
  }

  function draw(el, make) {
    try { charts.push({ el: el, chart: make() }); } catch (e) { fail(el.id, e && e.message ? e.message : e); }
  }

  var byKey = {};
  (data.people || []).forEach(function (p) { if (p.key) byKey[p.key] = p; });
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var kind = el.getAttribute('data-chart');
    if (kind === 'overview') draw(el, function () { return overviewChart(el); });
    else if (kind === 'person') draw(el, function () {
      var p = byKey[el.getAttribute('data-person')];
      if (!p) throw new Error('no data for ' + el.getAttribute('data-person'));
      return personChart(el, p);
    });
    else if (kind === 'strip') draw(el, function () { return stripChart(el, Number(el.getAttribute('data-label'))); });
  });

  function resizeAll(width) {
    charts.forEach(function (c) { c.chart.setSize({ width: width || widthOf(c.el), height: c.chart.height }); });
  }
  window.addEventListener('beforeprint', function () { resizeAll(680); });
  window.addEventListener('afterprint', function () { resizeAll(); });
  var pending = null;
  window.addEventListener('resize', function () { clearTimeout(pending); pending = setTimeout(function () { resizeAll(); }, 150); });

  document.documentElement.setAttribute('data-rendered', String(charts.length));
  // Milliseconds from the start of loading until every chart was drawn (the benchmark reads it).
  document.documentElement.setAttribute('data-render-ms', performance.now().toFixed(0));
  var done = document.createElement('div');
  done.id = 'report-done';
  done.hidden = true;
  document.body.appendChild(done);
})();
