// The extraction review page: clicking an item shows its source sentence, clicking a marked sentence shows its
// item (a static file, so the Content-Security-Policy needs no inline script).
(function () {
  "use strict";
  function flash(el) {
    if (!el) { return; }
    el.scrollIntoView({block: "center", behavior: "smooth"});
    el.classList.add("kc-flash");
    setTimeout(function () { el.classList.remove("kc-flash"); }, 1500);
  }
  document.querySelectorAll(".kc-item[data-src]").forEach(function (item) {
    item.addEventListener("click", function () { if (item.dataset.src) { flash(document.getElementById(item.dataset.src)); } });
  });
  document.querySelectorAll("mark.kc-mark[id]").forEach(function (mark) {
    mark.addEventListener("click", function () { flash(document.getElementById("item-" + mark.id)); });
  });
})();
