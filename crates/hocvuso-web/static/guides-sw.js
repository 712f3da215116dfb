// Học vụ số, guides offline. This service worker (scope /guides, separate from the field one at /sw.js):
// - keeps every guide page a person opened, with its pictures and audio, and answers from that copy with no connection;
// - on the page's "download" message, keeps the whole set listed by /guides/offline.json.
"use strict";
var CACHE = "hv-guides-1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function keep(request, response) {
  if (response.ok && response.type === "basic" && !response.redirected) {
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
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/pictures/") > 0 || /\/audio$/.test(url.pathname)) {
    // Files that never change under their address: the kept copy first.
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

self.addEventListener("message", function (event) {
  var port = event.ports && event.ports[0];
  if (!event.data || event.data.type !== "download-all" || !port) return;
  event.waitUntil(fetch("/guides/offline.json").then(function (response) { return response.json(); }).then(function (list) {
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(list.pages.concat(list.assets).map(function (address) {
        return fetch(address, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok) throw new Error(address);
          return cache.put(address, response);
        });
      }));
    });
  }).then(function () { port.postMessage({ ok: true }); }, function () { port.postMessage({ ok: false }); }));
});
