// Học vụ số, a contest attempt: sends every choice at once to the JSON API with an increasing number (seq), keeps
// it on the phone (localStorage) while there is no connection and sends it again when the connection returns or the
// page is opened again (same seq: a replay changes nothing), moves between questions without the network, and counts
// down from the server's remaining time. The page works without this file: each question is then a form.
"use strict";
(function () {
  var root = document.getElementById("contest-attempt");
  if (!root || !window.fetch) return;
  var d = root.dataset;
  var key = "hv-contest-" + d.attempt;
  var forms = [].slice.call(document.querySelectorAll("form.contest-q"));
  var statusLine = document.getElementById("contest-status");
  var timer = document.getElementById("contest-timer");
  var submitForm = document.getElementById("contest-submit");
  var all = d.all === "1";

  // --- What waits on the phone: {seq: last number used, queue: {position: {chosen, seq}}} ---------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  var state = load();
  state.queue = state.queue || {};
  // Another phone may have answered with higher numbers: start above the server's.
  state.seq = Math.max(Number(state.seq) || 0, Number(d.seq) || 0);
  function keep() {
    try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* private mode: the queue lives in memory */ }
  }
  function pending() { return Object.keys(state.queue); }

  function say(text) { statusLine.textContent = text || ""; }
  function mark(pos, text, kind) {
    var line = document.getElementById("saved-" + pos);
    if (line) { line.textContent = text; line.className = "contest-saved" + (kind ? " " + kind : ""); }
  }
  function chosenOf(form) {
    return [].slice.call(form.querySelectorAll("input[name=chosen]:checked")).map(function (i) { return Number(i.value); });
  }
  function countAnswered() {
    var n = 0;
    forms.forEach(function (form, pos) {
      var done = chosenOf(form).length > 0;
      if (done) n += 1;
      var link = document.querySelector('.contest-nav a[data-position="' + pos + '"]');
      if (link) link.classList.toggle("done", done);
    });
    document.getElementById("contest-answered").textContent = d.answered.replace("{k}", n);
  }
  function headers() { return { "Content-Type": "application/json", "X-Entry-Code": d.code }; }

  // --- The server's clock ---------------------------------------------------------------------------------
  var endsAt = Date.now() + Number(d.remaining) * 1000;
  var finishing = false;
  function resync() {
    if (!navigator.onLine) return;
    fetch(d.api, { headers: headers(), credentials: "same-origin", cache: "no-store" })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (attempt) {
        if (!attempt) return;
        if (attempt.submitted_at) { location.reload(); return; }
        endsAt = Date.now() + attempt.remaining_seconds * 1000;
      }, function () {});
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor(left / 60) % 60, s = left % 60;
    timer.textContent = (h > 0 ? h + ":" + two(m) : two(m)) + ":" + two(s);
    if (left === 0 && !finishing) { finishing = true; say(d.timeUp); finish(); }
  }

  // --- Sending ----------------------------------------------------------------------------------------------
  var retry = null;
  // Whether the person pressed "Nộp bài" (or time ran out) while answers were still waiting: the attempt is submitted
  // once every waiting answer was acknowledged, and only once.
  var submitWanted = false, submitting = false;
  // A busy server (429, 5xx) or a network that failed without going offline: try again a little later, once.
  function retryLater(ms) {
    if (!retry) retry = setTimeout(function () {
      retry = null;
      if (!navigator.onLine) return;
      if (submitWanted) finish(); else flush();
    }, ms);
  }
  function send(pos) {
    var entry = state.queue[pos];
    if (!entry) return Promise.resolve(true);
    return fetch(d.api + "/answers/" + pos, {
      method: "PUT", headers: headers(), credentials: "same-origin",
      body: JSON.stringify({ chosen: entry.chosen, seq: entry.seq }),
    }).then(function (res) {
      return res.json().then(function (body) { return { status: res.status, body: body }; }, function () { return { status: res.status, body: {} }; });
    }).then(function (r) {
      if (r.status === 429 || r.status >= 500) { mark(pos, d.queued, "queued"); retryLater(2000); return false; }
      // Stored, or refused for good (a newer answer was stored, time is up, submitted): either way it leaves the queue.
      if (state.queue[pos] && state.queue[pos].seq === entry.seq) { delete state.queue[pos]; keep(); }
      if (r.status === 200) { mark(pos, d.saved, "saved"); return true; }
      var message = r.body && r.body.error ? r.body.error.message : "";
      mark(pos, message, "refused");
      if (r.status === 409) { say(message); location.reload(); }
      return true;
    }, function () {
      mark(pos, d.queued, "queued");
      say(d.queued);
      retryLater(5000);
      return false;
    });
  }
  var flushing = null;
  // Sends what waits, one after the other; resolves to true when nothing is left.
  function flush() {
    if (flushing) return flushing;
    flushing = pending().reduce(function (chain, pos) {
      return chain.then(function (ok) { return ok ? send(pos) : false; });
    }, Promise.resolve(true)).then(function (ok) {
      flushing = null;
      if (ok && pending().length === 0) say("");
      return ok && pending().length === 0;
    });
    return flushing;
  }
  function answer(form) {
    var pos = form.dataset.position;
    state.seq += 1;
    state.queue[pos] = { chosen: chosenOf(form), seq: state.seq };
    keep();
    countAnswered();
    if (!navigator.onLine) { mark(pos, d.queued, "queued"); say(d.queued); return; }
    mark(pos, d.sending, "sending");
    send(pos);
  }

  // --- Moving between questions without the network ------------------------------------------------------
  function show(pos) {
    if (all || pos < 0 || pos >= forms.length) return;
    forms.forEach(function (form, k) { form.hidden = k !== pos; });
    document.querySelectorAll(".contest-nav a").forEach(function (a) {
      if (Number(a.dataset.position) === pos) a.setAttribute("aria-current", "step"); else a.removeAttribute("aria-current");
    });
    history.replaceState(null, "", "?q=" + pos);
    forms[pos].querySelector("legend").focus();
  }
  function finish() {
    // Answers first, then the submission (the server closes an attempt left open at its end anyway).
    submitWanted = true;
    if (submitting) return;
    if (!navigator.onLine) { say(d.offlineSubmit); return; }
    if (pending().length > 0) say(d.sending);
    flush().then(function (done) {
      if (done && navigator.onLine && !submitting) { submitting = true; submitForm.submit(); }
      else if (!submitting) say(d.offlineSubmit);
    });
  }

  forms.forEach(function (form) {
    form.addEventListener("change", function () { answer(form); });
  });
  // Captured on the document, so this runs before app.js's double-submit guard and the guard sees it handled.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("contest-q")) {
      event.preventDefault();
      var pos = Number(form.dataset.position);
      var go = event.submitter ? event.submitter.value : "next";
      if (go === "prev") show(pos - 1);
      else if (go === "next") show(pos + 1);
      flush();
    } else if (form === submitForm && (submitting || pending().length > 0 || !navigator.onLine)) {
      // Offline, or answers still waiting: say so plainly, send them, and submit once they were all acknowledged.
      event.preventDefault();
      finish();
    }
  }, true);
  document.querySelectorAll(".contest-nav a").forEach(function (a) {
    a.addEventListener("click", function (event) { event.preventDefault(); show(Number(a.dataset.position)); });
  });

  // --- Start: what waited on the phone is shown and sent again ---------------------------------------------
  pending().forEach(function (pos) {
    var form = forms[pos];
    if (!form) { delete state.queue[pos]; return; }
    var chosen = state.queue[pos].chosen;
    form.querySelectorAll("input[name=chosen]").forEach(function (i) { i.checked = chosen.indexOf(Number(i.value)) >= 0; });
    mark(pos, d.queued, "queued");
  });
  keep();
  countAnswered();
  if (pending().length > 0) { say(d.queued); if (navigator.onLine) flush(); }
  window.addEventListener("online", function () {
    if (submitWanted) finish(); else flush();
    resync();
  });
  window.addEventListener("offline", function () { if (pending().length > 0) say(d.queued); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) resync(); });
  tick();
  setInterval(tick, 1000);
})();
