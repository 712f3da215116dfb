// Học vụ số, guides offline. This service worker (scope /guides, separate from the field one at /sw.js):
// - keeps every guide page a person opened, with its pictures and audio, and answers from that copy with no connection;
// - on the page's "keep" message, keeps one guide whole (/guides/{slug}/offline.json: senior steps, pictures, the audio
//   that is ready), so a guide opened once can be read and heard offline;
// - on the page's "download-all" message, keeps the whole set the page got from /guides/offline.json, telling the page
//   how far it got after every file.
"use strict";
var CACHE = "hv-guides-1";
// Files downloaded at once: enough to fill a slow link, few enough not to crowd the server of a commune hall.
var PARALLEL = 4;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

// Files that never change under their address (static files carry a hash, pictures a hash of their bytes, audio a
// hash of the spoken text): the kept copy first.
function unchanging(url) {
  return url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/pictures/") > 0 || /\/audio$/.test(url.pathname);
}

function keep(request, response) {
  // A whole answer only (a 206 part of a file cannot be kept).
  if (response.status === 200 && response.type === "basic" && !response.redirected) {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
  }
  return response;
}

function offline() {
  return new Response("Không có mạng, và bài này chưa được tải về máy.", {
    status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" }
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return;
  if (unchanging(url)) {
    // A media element asks with a Range header; the kept copy is the whole file, which players accept.
    event.respondWith(caches.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(request).then(function (response) { return keep(request, response); }).catch(offline);
    }));
  } else if (url.pathname === "/guides" || url.pathname.indexOf("/guides/") === 0) {
    // Pages: fresh when online (and kept), the kept copy when not. A search needs the server.
    var key = url.search ? request : url.pathname;
    event.respondWith(fetch(request).then(function (response) {
      return url.search ? response : keep(key, response);
    }).catch(function () {
      return caches.match(key, { ignoreVary: true }).then(function (hit) { return hit || offline(); });
    }));
  }
});

// Keeps every address, PARALLEL at a time. Unchanging files already kept are not fetched again; pages are fetched
// again when `refresh` (an edited guide gets its new text). `progress(done, bytes)` after every file.
function keepAll(addresses, refresh, progress) {
  return caches.open(CACHE).then(function (cache) {
    var next = 0, done = 0, bytes = 0, failed = 0;
    function one(address) {
      var kept = (refresh && !unchanging(new URL(address, self.location.href))) ? Promise.resolve(undefined) : cache.match(address);
      return kept.then(function (hit) {
        if (hit) return 0;
        return fetch(address, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok) throw new Error(address);
          return response.clone().blob().then(function (blob) {
            return cache.put(address, response).then(function () { return blob.size; });
          });
        });
      });
    }
    function worker() {
      if (next >= addresses.length) return Promise.resolve();
      var address = addresses[next++];
      return one(address).then(function (size) { bytes += size; }, function () { failed += 1; }).then(function () {
        done += 1;
        progress(done, bytes);
        return worker();
      });
    }
    var workers = [];
    for (var i = 0; i < PARALLEL; i++) workers.push(worker());
    return Promise.all(workers).then(function () { return { done: done, bytes: bytes, failed: failed }; });
  });
}

function addresses(list) {
  return list.pages.concat(list.assets || [], list.audio || []);
}

self.addEventListener("message", function (event) {
  var port = event.ports && event.ports[0];
  var data = event.data;
  if (!data || !port) return;
  var answer = function (result) { port.postMessage({ ok: result.failed === 0, done: result.done, bytes: result.bytes, failed: result.failed }); };
  var failure = function () { port.postMessage({ ok: false }); };
  if (data.type === "download-all" && data.list) {
    var all = addresses(data.list);
    event.waitUntil(keepAll(all, true, function (done, bytes) {
      port.postMessage({ progress: true, done: done, total: all.length, bytes: bytes });
    }).then(answer, failure));
  } else if (data.type === "keep" && /^[a-z0-9-]+$/.test(data.slug || "")) {
    event.waitUntil(fetch("/guides/" + data.slug + "/offline.json").then(function (response) {
      if (!response.ok) throw new Error("list");
      return response.json();
    }).then(function (list) { return keepAll(addresses(list), false, function () {}); }).then(answer, failure));
  }
});
