// Behaviour declared in markup, so that the Content-Security-Policy needs no inline scripts:
//   <form data-confirm="…">            asks before submitting;
//   <select data-navigate>             goes to the chosen option's value (a URL);
//   <… data-flash-target="id">        on click, scrolls to and highlights the element with that id.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  }, true);
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-navigate]");
    if (select && select.value) { window.location = select.value; }
  });
  document.addEventListener("click", function (event) {
    var source = event.target.closest("[data-flash-target]");
    if (!source) { return; }
    var el = document.getElementById(source.dataset.flashTarget);
    if (!el) { return; }
    el.scrollIntoView({block: "center", behavior: "smooth"});
    el.classList.add("kc-flash");
    setTimeout(function () { el.classList.remove("kc-flash"); }, 1500);
  });
})();
