// The monthly filing page never loses what the user typed (no inline script: the CSP allows only files).
//   <form id="ws-form" data-autosave-url data-keepalive-url data-login-url data-draft-owner>
// - autosave: rows the user changed are saved as a draft a few seconds after a change ("已自动保存 hh:mm");
// - keep-alive: while the user types, the session is renewed at most once a minute (never while idle);
// - expiry: on 保存/报送 the form is copied to localStorage first; if the session had expired, the login page
//   marks the copy, and after login the filing page puts the text back ("登录已过期，已为您保留填写内容").
// Evidence uploads and deletions are htmx requests that swap only the evidence block (see _evidence.html).
(function () {
  "use strict";
  var PREFIX = "kc-draft:";
  var ROW = /^([ti]\d+)-/;

  function store(key, value) {
    try {
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, JSON.stringify(value)); }
    } catch (e) { /* storage full or disabled: nothing more we can do */ }
  }
  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  // Signing out on purpose leaves no copy of the unit's text in this browser.
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (/\/logout\/?$/.test(action)) {
      try {
        Object.keys(window.localStorage).forEach(function (k) {
          if (k.indexOf(PREFIX) === 0) { window.localStorage.removeItem(k); }
        });
      } catch (e) { /* storage disabled */ }
    }
  }, true);

  // ------------------------------------------------------------------ login page: mark the copy as "expired"
  var loginNext = document.querySelector("form input[name=next]");
  if (loginNext && document.getElementById("id_password")) {
    var path = (loginNext.value || "").split("?")[0].split("#")[0];
    var pending = path && load(PREFIX + path);
    if (pending) {
      pending.expired = true;
      store(PREFIX + path, pending);
      var note = document.createElement("div");
      note.className = "alert alert-warning py-2";
      note.setAttribute("data-testid", "login-kept");
      note.textContent = "登录已过期，已为您保留填写内容，重新登录后自动恢复。";
      loginNext.form.parentNode.insertBefore(note, loginNext.form);
    }
    return;
  }

  var form = document.getElementById("ws-form");
  if (!form) { return; }
  var key = PREFIX + window.location.pathname;
  var owner = form.dataset.draftOwner || "";
  var statusEl = document.getElementById("ws-autosave");
  var restoredEl = document.getElementById("ws-restored");
  var autosaveUrl = form.dataset.autosaveUrl;
  var keepaliveUrl = form.dataset.keepaliveUrl;
  var delay = parseInt(form.dataset.autosaveDelay || "3000", 10);
  var pingEvery = parseInt(form.dataset.keepaliveSeconds || "60", 10) * 1000;
  var dirty = {};
  var timer = null;
  var inFlight = false;
  var lastPing = 0;
  var expired = false;
  var pendingSubmit = false;
  var pendingButton = null;

  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function say(text, kind) {
    if (!statusEl) { return; }
    statusEl.textContent = text;
    statusEl.className = "small align-self-center " + (kind === "error" ? "text-danger" : "text-muted");
  }
  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "file" || el.readOnly) { return; }
      out[el.name] = el.value;
    });
    return out;
  }
  function keep(markExpired) {
    store(key, {owner: owner, at: Date.now(), expired: !!markExpired, fields: fields()});
  }
  function sessionExpired() {
    expired = true;
    keep(true);
    var login = form.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname);
    if (statusEl) {
      statusEl.textContent = "";
      statusEl.className = "small align-self-center text-danger";
      statusEl.appendChild(document.createTextNode("登录已过期，填写内容已保留在本机，请"));
      var a = document.createElement("a");
      a.href = login;
      a.textContent = "重新登录";
      statusEl.appendChild(a);
    }
  }

  // ------------------------------------------------------------------------------------------ autosave
  function schedule() {
    if (!autosaveUrl || timer || expired) { return; }
    timer = window.setTimeout(function () { timer = null; save(); }, delay);
  }
  function save() {
    if (inFlight) { schedule(); return; }
    var keys = Object.keys(dirty);
    if (!keys.length) { return; }
    dirty = {};
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf());
    Array.prototype.forEach.call(form.elements, function (el) {
      var m = el.name && el.name.match(ROW);
      if (m && keys.indexOf(m[1]) >= 0 && el.type !== "file") { body.append(el.name, el.value); }
    });
    inFlight = true;
    say("正在自动保存…");
    window.fetch(autosaveUrl, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: {"X-CSRFToken": csrf(), "X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}
    }).then(function (resp) {
      if (resp.status === 401 || resp.status === 403 || resp.type === "opaqueredirect") {
        keys.forEach(function (k) { dirty[k] = true; });
        sessionExpired();
        return null;
      }
      return resp.json().then(function (data) {
        if (data.ok) {
          Object.keys(data.versions || {}).forEach(function (k) {
            var v = document.getElementById(k + "-version");
            if (v) { v.value = data.versions[k]; }
          });
          store(key, null);
          say("已自动保存 " + data.saved_at);
        } else {
          say("自动保存未完成：" + (data.message || "请检查填写内容"), "error");
        }
      });
    }).catch(function () {
      keys.forEach(function (k) { dirty[k] = true; });
      say("自动保存失败（网络），稍后重试", "error");
    }).then(function () {
      inFlight = false;
      if (pendingSubmit) {
        pendingSubmit = false;
        if (pendingButton) { form.requestSubmit(pendingButton); } else { form.requestSubmit(); }
      } else if (Object.keys(dirty).length && !expired) { schedule(); }
    });
  }

  // -------------------------------------------------------------------------------------- keep-alive
  function ping() {
    var now = Date.now();
    if (!keepaliveUrl || expired || now - lastPing < pingEvery) { return; }
    lastPing = now;
    window.fetch(keepaliveUrl, {credentials: "same-origin", redirect: "manual", headers: {"Accept": "application/json"}})
      .then(function (resp) {
        if (resp.status === 401 || resp.type === "opaqueredirect") { sessionExpired(); }
      }).catch(function () { lastPing = 0; });
  }

  function changed(event) {
    var m = event.target.name && event.target.name.match(ROW);
    if (!m || event.target.readOnly || event.target.form !== form) { return; }
    dirty[m[1]] = true;
    keep(false);
    ping();
    schedule();
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // 保存/报送: a copy first, so that a login page in between cannot lose the text.
  // If an autosave is on its way, wait for it: the form must carry the versions it answers, or the
  // server would take 保存 for somebody else's change.
  form.addEventListener("submit", function (event) {
    if (timer) { window.clearTimeout(timer); timer = null; }
    keep(false);
    if (inFlight) {
      event.preventDefault();
      pendingSubmit = true;
      pendingButton = event.submitter || null;
      say("正在保存…");
    }
  });

  // ------------------------------------------------------------- evidence requests (htmx) that went wrong
  // Without a session htmx would follow the redirect and put the login page into the card: keep the card.
  function inPlaceError(target, text) {
    if (!target) { return; }
    var old = target.querySelector("[data-testid=evidence-error]");
    var div = old || document.createElement("div");
    div.className = "text-danger";
    div.setAttribute("role", "alert");
    div.setAttribute("data-testid", "evidence-error");
    div.textContent = text;
    if (!old) { target.appendChild(div); }
  }
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var url = (event.detail.xhr && event.detail.xhr.responseURL) || "";
    if (form.dataset.loginUrl && url.indexOf(form.dataset.loginUrl) >= 0) {
      event.detail.shouldSwap = false;
      sessionExpired();
      inPlaceError(event.detail.target, "登录已过期，文件未上传；请重新登录后再上传（填写内容已保留）");
    }
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var why = status === 413 ? "文件过大" : status === 404 ? "该材料已不存在或无权操作" : "服务器未能处理";
    inPlaceError(event.detail.target, "操作未完成：" + why + "（" + status + "），填写内容未受影响");
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    inPlaceError(event.detail.target, "操作未完成：网络异常，请稍后重试，填写内容未受影响");
  });

  // --------------------------------------------------------------------------- restore after login
  var saved = load(key);
  if (saved && saved.expired && saved.owner === owner && saved.fields) {
    Object.keys(saved.fields).forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el && !el.readOnly && el.value !== saved.fields[name]) {
        el.value = saved.fields[name];
        var m = name.match(ROW);
        if (m) { dirty[m[1]] = true; }
      }
    });
    if (restoredEl) {
      restoredEl.textContent = "登录已过期，已为您保留填写内容";
      restoredEl.classList.remove("d-none");
    }
    store(key, null);
    if (Object.keys(dirty).length) { keep(false); schedule(); }
  } else if (saved && !saved.expired) {
    store(key, null);  // the last 保存/报送 reached the server: this page shows what it kept
  }
})();
