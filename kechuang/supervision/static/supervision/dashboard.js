// Dashboard trend chart: the option is built server-side (supervision:indicator_trend).
(function () {
  var el = document.getElementById("trend-chart");
  if (!el || !window.echarts) return;
  var chart = echarts.init(el);
  var base = JSON.parse(document.getElementById("kc-trend-url").textContent);
  var asOf = JSON.parse(document.getElementById("kc-as-of").textContent);
  function load(pk) {
    if (!pk) return;
    fetch(base + pk + "/?as_of=" + asOf, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) { chart.setOption(data.option, true); el.dataset.loaded = data.indicator; });
  }
  document.querySelectorAll(".kc-trend").forEach(function (btn) {
    btn.addEventListener("click", function () { load(btn.dataset.pk); el.scrollIntoView({behavior: "smooth"}); });
  });
  load(JSON.parse(document.getElementById("kc-first-trend").textContent));
  window.addEventListener("resize", function () { chart.resize(); });
})();
