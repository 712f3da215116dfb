// Học vụ số: small progressive enhancements. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Ask once more before irreversible actions (the form already needs a ticked box).
  document.querySelectorAll("form.danger").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("button[type=submit]");
      if (button && !window.confirm(button.textContent.trim() + "?")) {
        event.preventDefault();
      }
    });
  });
  // Signing out drops the field pages kept on this phone (records waiting to be sent stay until they are sent).
  document.querySelectorAll("form[action='/logout']").forEach(function (form) {
    form.addEventListener("submit", function () { if (window.caches) window.caches.delete("hv-field-1"); });
  });
  // import jobs: while a list is being imported, follow its progress (without this, the page has a refresh link).
  var importState = document.querySelector("[data-import-state='running']");
  if (importState) {
    var poll = function () {
      fetch("/api/v1/imports/" + importState.dataset.importJob, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (job.state !== "running") { window.location.reload(); return; }
          var bar = document.getElementById("import-progress");
          var label = document.getElementById("import-percent");
          if (bar) bar.value = job.percent;
          if (label) label.textContent = job.percent + "%";
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    };
    window.setTimeout(poll, 1000);
  }
  // Avoid double submission on slow connections.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("button");
      if (button && !event.defaultPrevented) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  });
});
