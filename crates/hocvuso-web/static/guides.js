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
  // Asks the guides' service worker; `progress` gets its messages until the answer.
  function ask(message, progress) {
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          var data = event.data || {};
          if (data.progress) progress(data); else resolve(data);
        };
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }
  // "{size}" and the like in a text of the page, filled in.
  function fill(text, values) {
    return (text || "").replace(/\{(\w+)\}/g, function (all, key) { return key in values ? String(values[key]) : all; });
  }
  // A size for people: "7,4 MB" (a comma in Vietnamese, a point in English).
  function size(bytes) {
    var mb = (bytes || 0) / 1048576;
    var text = mb < 0.1 ? "0,1" : mb.toFixed(1);
    if (document.documentElement.lang === "en") return text.replace(",", ".") + " MB";
    return text.replace(".", ",") + " MB";
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
    // A guide opened here is kept whole (senior steps, pictures, ready audio), once per visit, unless the person
    // asked the browser to save data.
    var saveData = navigator.connection && navigator.connection.saveData;
    if (article && "serviceWorker" in navigator && window.caches && navigator.onLine && !saveData) {
      var slug = article.getAttribute("data-slug");
      var seen = false;
      try { seen = window.sessionStorage.getItem("hv-kept-" + slug) === "yes"; } catch (e) { /* private mode */ }
      if (seen) {
        article.setAttribute("data-kept", "yes");
      } else {
        ask({ type: "keep", slug: slug }, function () {}).then(function (answer) {
          if (!answer.ok) return;
          article.setAttribute("data-kept", "yes");
          try { window.sessionStorage.setItem("hv-kept-" + slug, "yes"); } catch (e) { /* private mode */ }
        }).catch(function () {});
      }
    }
    var download = document.getElementById("guides-download");
    if (download && "serviceWorker" in navigator && window.caches) {
      download.hidden = false;
      var status = document.getElementById("guides-download-status");
      var bar = document.getElementById("guides-download-progress");
      var list = null;
      download.addEventListener("click", function () {
        download.disabled = true;
        if (!list) {
          // First click: say how much it is, then wait for the person to agree.
          fetch("/guides/offline.json", { credentials: "same-origin" }).then(function (response) {
            if (!response.ok) throw new Error("list");
            return response.json();
          }).then(function (got) {
            list = got;
            var text = fill(download.getAttribute("data-size"), { size: size(list.bytes), files: list.files });
            if (list.audio_missing > 0) text += " " + fill(download.getAttribute("data-missing"), { n: list.audio_missing });
            status.textContent = text;
            download.textContent = fill(download.getAttribute("data-confirm"), { size: size(list.bytes) });
            download.setAttribute("data-state", "confirm");
          }).catch(function () {
            status.textContent = download.getAttribute("data-failed");
          }).then(function () { download.disabled = false; });
          return;
        }
        status.textContent = download.getAttribute("data-busy");
        bar.hidden = false;
        bar.max = list.files;
        bar.value = 0;
        ask({ type: "download-all", list: list }, function (p) {
          bar.value = p.done;
          status.textContent = fill(download.getAttribute("data-progress"), { done: p.done, total: p.total, size: size(p.bytes) });
        }).then(function (answer) {
          if (!answer.ok) throw new Error("download");
          status.textContent = download.getAttribute("data-done");
          download.setAttribute("data-downloaded", "yes");
        }).catch(function () {
          status.textContent = download.getAttribute("data-failed");
        }).then(function () {
          download.disabled = false;
          bar.hidden = true;
        });
      });
    }
  });
})();
