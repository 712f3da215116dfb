// Học vụ số: the contest leaderboard on a projector refreshes itself every 10 seconds from its JSON.
// Text is placed with textContent only. Without this file the page still shows the ranking of when it was loaded.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var board = document.querySelector("[data-leaderboard]");
  if (!board) return;
  var url = board.dataset.leaderboard;
  var fill = function (id, rows, keys) {
    var body = document.getElementById(id);
    if (!body) return;
    var lines = rows.map(function (row) {
      var tr = document.createElement("tr");
      keys.forEach(function (key) {
        var td = document.createElement("td");
        td.textContent = String(row[key]);
        tr.appendChild(td);
      });
      return tr;
    });
    body.replaceChildren.apply(body, lines);
  };
  var refresh = function () {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        var count = document.getElementById("leaderboard-count");
        if (count) count.textContent = String(data.n_entrants);
        fill("leaderboard-top", data.top, ["place", "name", "unit", "score"]);
        fill("leaderboard-units", data.units, ["place", "unit", "participants", "average"]);
      })
      .catch(function () { /* Keep what is shown; try again at the next tick. */ })
      .then(function () { window.setTimeout(refresh, 10000); });
  };
  window.setTimeout(refresh, 10000);
});
