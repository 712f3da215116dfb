// Học vụ số: live mode. The host's screen and the players' phones poll the game's small JSON state every 1.5 s;
// when the game's version changed (next question, question closed, game over) the page reloads, and in between
// the seconds left count down from the server's own remaining time. Without this file the buttons still work
// (they are forms) and a reload shows the new state.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.querySelector("[data-live-state]");
  if (!root) return;
  var url = root.dataset.liveState;
  var version = root.dataset.liveVersion;
  var remaining = document.getElementById("live-remaining");
  var deadline = null;
  var setDeadline = function (ms) { deadline = Date.now() + Number(ms); };
  if (remaining) setDeadline(remaining.dataset.remainingMs || 0);
  var tick = function () {
    if (!remaining || deadline === null) return;
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    var text = String(left);
    if (remaining.textContent !== text) remaining.textContent = text;
  };
  window.setInterval(tick, 250);
  var put = function (id, value) {
    var el = document.getElementById(id);
    if (el && value !== undefined && el.textContent !== String(value)) el.textContent = String(value);
  };
  var poll = function () {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (state) {
        if (String(state.v) !== String(version)) {
          window.location.reload();
          return;
        }
        if (state.phase === "open") setDeadline(state.remaining_ms);
        put("live-players", state.players);
        put("live-answered", state.answered);
      })
      .catch(function () { /* The hall's network blinked: keep the screen, try again at the next tick. */ })
      .then(function () { window.setTimeout(poll, 1500); });
  };
  window.setTimeout(poll, 1500);
});
