// Học vụ số, field work offline. This service worker (scope /field):
// - keeps the field pages and the site's files, so a volunteer can open them with no connection;
// - keeps a record posted with no connection in a queue on the phone (IndexedDB) and answers with the household page;
// - sends the queue to /api/v1/field/sync when a page asks or when Background Sync fires.
// Every record carries the id its form was given, so a record sent twice is applied once by the server.
"use strict";
var CACHE = "hv-field-1";

function openDb() {
  return new Promise(function (resolve, reject) {
    var req = indexedDB.open("hv-field", 1);
    req.onupgradeneeded = function () {
      req.result.createObjectStore("queue", { keyPath: "id" });
      req.result.createObjectStore("notices", { keyPath: "id" });
    };
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { reject(req.error); };
  });
}

// Runs `work` on one object store in one transaction; resolves with the value of the request it returns.
function withStore(name, mode, work) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(name, mode);
      var req = work(tx.objectStore(name));
      tx.oncomplete = function () { db.close(); resolve(req ? req.result : undefined); };
      tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
    });
  });
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/field/records") {
    event.respondWith(postOrQueue(request));
  } else if (request.method === "GET" && url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  } else if (request.method === "GET" && request.mode === "navigate" && url.pathname.indexOf("/field") === 0) {
    event.respondWith(networkFirst(request, url));
  }
});

// Fresh pages when online (kept for later), the kept copy when not.
function networkFirst(request, url) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && !url.search) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname).then(function (hit) { return hit || caches.match("/field"); }).then(function (hit) {
      return hit || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    });
  });
}

function postOrQueue(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.formData().then(function (form) {
      var record = { skills: [], recorded_at: Date.now() };
      form.forEach(function (value, key) {
        if (key === "skills") record.skills.push(value);
        else if (key !== "_csrf") record[key] = value;
      });
      return withStore("queue", "readwrite", function (queue) { return queue.put(record); }).then(function () {
        if (self.registration.sync) self.registration.sync.register("field").catch(function () {});
        return Response.redirect("/field/households/" + encodeURIComponent(record.household_id) + "?r=queued", 303);
      });
    });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "field") {
    event.waitUntil(sendQueue().then(function (result) { if (result.error) throw new Error(result.error); }));
  }
});

var sending = null;
function sendQueue() {
  if (!sending) {
    sending = send().then(function (r) { sending = null; return r; }, function () { sending = null; return { error: "offline" }; });
  }
  return sending;
}

function send() {
  return fetch("/api/v1/me", { cache: "no-store" }).then(function (res) {
    if (res.status === 401) return { error: "signin" };
    if (!res.ok) return { error: "offline" };
    return res.json().then(function (me) {
      return withStore("queue", "readonly", function (queue) { return queue.getAll(); }).then(function (all) {
        var mine = all.filter(function (r) { return String(r.by) === String(me.user_id); });
        mine.sort(function (a, b) { return a.recorded_at - b.recorded_at; });
        return sendBatches(mine, me.csrf_token, 0);
      });
    });
  });
}

// Sends the records 50 at a time; each answered batch leaves the queue before the next is sent, so a sync cut
// half-way goes on where it stopped.
function sendBatches(records, token, sent) {
  var batch = records.slice(0, 50);
  if (!batch.length) return Promise.resolve({ sent: sent });
  return fetch("/api/v1/field/sync", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
    body: JSON.stringify({ records: batch })
  }).then(function (res) {
    if (res.status === 401) return { sent: sent, error: "signin" };
    if (!res.ok) return { sent: sent, error: "offline" };
    return res.json().then(function (body) {
      return withStore("notices", "readwrite", function (notices) {
        body.results.forEach(function (result, i) {
          if (result.status !== "applied") {
            var r = batch[i];
            notices.put({ id: r.id, kind: r.kind, household_id: r.household_id, message: result.message, at: r.recorded_at });
          }
        });
      }).then(function () {
        return withStore("queue", "readwrite", function (queue) { batch.forEach(function (r) { queue.delete(r.id); }); });
      }).then(function () { return sendBatches(records.slice(50), token, sent + batch.length); });
    });
  });
}

function precache(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, { cache: "no-store" }).then(function (res) {
        var household = url.indexOf("/field/households/") === 0 ? 1 : 0;
        if (res.ok && !res.redirected) return cache.put(url, res).then(function () { return household; });
        return 0;
      }).catch(function () { return 0; });
    })).then(function (done) {
      // Pages of households no longer assigned, and old versions of files, are dropped.
      return cache.keys().then(function (keys) {
        return Promise.all(keys.filter(function (req) {
          return urls.indexOf(new URL(req.url).pathname) < 0;
        }).map(function (req) { return cache.delete(req); }));
      }).then(function () { return done.reduce(function (a, b) { return a + b; }, 0); });
    });
  });
}

self.addEventListener("message", function (event) {
  var msg = event.data || {};
  var reply = function (value) { if (event.ports[0]) event.ports[0].postMessage(value); };
  var work;
  if (msg.type === "precache") work = precache(msg.urls || []).then(function (n) { return { saved: n }; });
  else if (msg.type === "sync") work = sendQueue();
  else if (msg.type === "clear") work = withStore("notices", "readwrite", function (s) { s.clear(); });
  else work = Promise.resolve();
  event.waitUntil(work.then(function (result) {
    return Promise.all([
      withStore("queue", "readonly", function (s) { return s.getAll(); }),
      withStore("notices", "readonly", function (s) { return s.getAll(); })
    ]).then(function (lists) { reply({ result: result || {}, queue: lists[0], notices: lists[1] }); });
  }).catch(function () { reply({ result: { error: "offline" }, queue: [], notices: [] }); }));
});
