// Behaviour declared in markup, so that the Content-Security-Policy needs no inline scripts:
//   <form data-confirm="…">            asks before submitting;
//   <select data-navigate>             goes to the chosen option's value (a URL).
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
})();
