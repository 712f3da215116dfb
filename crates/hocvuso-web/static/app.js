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
