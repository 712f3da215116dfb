// Học vụ số, field pages: registers the service worker (static/sw.js), keeps the pages for offline use, shows what
// waits on the phone, and asks the worker to send it when the connection is there. The pages work without it.
"use strict";
(function () {
  var box = document.getElementById("field-status");
  if (!box) return;
  var d = box.dataset;
  var line = document.getElementById("field-line");
  var sendButton = document.getElementById("field-send");
  function say(text, n) { line.textContent = text.replace("{n}", n); }
  function uuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1);
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  // A fresh id per submission: two visits sent from one page are two records; one record sent twice is one.
  document.querySelectorAll("form.field-form").forEach(function (form) {
    form.addEventListener("submit", function () { form.elements.id.value = uuid(); });
  });
  if (location.search.indexOf("r=queued") >= 0) say(d.queued);
  if (!("serviceWorker" in navigator) || !window.indexedDB) { say(d.unsupported); return; }
  var ready = navigator.serviceWorker.register("/sw.js", { scope: "/field" }).then(function () {
    return navigator.serviceWorker.ready;
  });
  function ask(message) {
    return ready.then(function (reg) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) { resolve(event.data); };
        reg.active.postMessage(message, [channel.port2]);
      });
    });
  }
  function item(text) { var li = document.createElement("li"); li.textContent = text; return li; }
  function when(ms) { return new Date(ms).toLocaleString(document.documentElement.lang); }
  function show(state) {
    var mine = state.queue.filter(function (r) { return String(r.by) === d.user; });
    sendButton.hidden = mine.length === 0;
    box.dataset.pending = String(mine.length);
    var list = document.getElementById("field-waiting-list");
    if (list) {
      var here = mine.filter(function (r) { return r.household_id === list.dataset.household; });
      list.replaceChildren.apply(list, here.map(function (r) { return item(d["kind-" + r.kind] + " · " + when(r.recorded_at)); }));
      document.getElementById("field-waiting").hidden = here.length === 0;
    }
    var notices = document.getElementById("field-notice-list");
    notices.replaceChildren.apply(notices, state.notices.map(function (n) { return item(when(n.at) + " · " + d["kind-" + n.kind] + ": " + n.message); }));
    document.getElementById("field-notices").hidden = state.notices.length === 0;
    return mine.length;
  }
  function report(state) {
    var r = state.result || {};
    var pending = show(state);
    if (r.error === "signin") say(d.signin);
    else if (r.error === "offline" && pending) say(d.offline);
    else if (r.sent) say(d.sent, r.sent);
    else if (pending) say(d.pending, pending);
    if (state.queue.some(function (q) { return String(q.by) !== d.user; })) line.textContent += " " + d.other;
    return state;
  }
  function sync() {
    return ask({ type: "list" }).then(function (state) {
      if (!navigator.onLine || !show(state)) return report(state);
      say(d.sending);
      return ask({ type: "sync" }).then(report);
    });
  }
  sendButton.addEventListener("click", sync);
  document.getElementById("field-notices-clear").addEventListener("click", function () { ask({ type: "clear" }).then(report); });
  window.addEventListener("online", sync);
  window.addEventListener("offline", function () { ask({ type: "list" }).then(report); });
  var start = location.pathname === "/field" && navigator.onLine
    ? (say(d.saving), ask({ type: "precache", urls: d.urls.split(" ") }).then(function (state) {
      say(d.ready, state.result.saved);
      box.dataset.offlineReady = "1";
    }))
    : Promise.resolve();
  start.then(sync);
})();
