// Học vụ số, guides: registers the guides' service worker (scope /guides), which keeps every guide opened here for
// reading without a connection; the download button asks it to keep the whole set. Finished guides of a person who
// is not signed in are kept on this device (localStorage). Every page works without this file.
"use strict";
(function () {
  var KEY = "hv-guides-done";
  function finished() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/guides-sw.js", { scope: "/guides" }).catch(function () {});
  }
  document.addEventListener("DOMContentLoaded", function () {
    var done = finished();
    document.querySelectorAll(".guide-list li[data-slug]").forEach(function (item) {
      if (done.indexOf(item.getAttribute("data-slug")) >= 0) item.classList.add("done");
    });
    var doneButton = document.getElementById("guide-done");
    var article = document.querySelector("article[data-slug]");
    if (doneButton && article) {
      doneButton.hidden = false;
      doneButton.addEventListener("click", function () {
        var slug = article.getAttribute("data-slug");
        var list = finished();
        if (list.indexOf(slug) < 0) list.push(slug);
        try { window.localStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* private mode */ }
        document.getElementById("guide-done-status").textContent = doneButton.getAttribute("data-saved");
      });
    }
    var download = document.getElementById("guides-download");
    if (download && "serviceWorker" in navigator && window.caches) {
      download.hidden = false;
      var status = document.getElementById("guides-download-status");
      download.addEventListener("click", function () {
        download.disabled = true;
        status.textContent = download.getAttribute("data-busy");
        navigator.serviceWorker.ready.then(function (registration) {
          return new Promise(function (resolve, reject) {
            var channel = new MessageChannel();
            channel.port1.onmessage = function (event) { (event.data && event.data.ok ? resolve : reject)(); };
            registration.active.postMessage({ type: "download-all" }, [channel.port2]);
          });
        }).then(function () {
          status.textContent = download.getAttribute("data-done");
          download.setAttribute("data-downloaded", "yes");
        }).catch(function () {
          status.textContent = download.getAttribute("data-failed");
        }).then(function () { download.disabled = false; });
      });
    }
  });
})();
