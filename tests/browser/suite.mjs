// The browser suite of Học vụ số. Run by ./run as: node suite.mjs http://127.0.0.1:PORT
//
// Debian Chromium, driven by playwright-core, visits every page a visitor and each demo role can reach
// on a 360×740 phone screen, and checks on each one:
//   - the HTTP status (200, or 404 for the missing page),
//   - axe-core finds no WCAG 2.0/2.1 A or AA violation,
//   - no error in the console (this includes Content Security Policy violations),
//   - no failed request to the server,
//   - nothing wider than the screen (no horizontal scrolling at 360 px).
// It saves a full-page screenshot of each page to screenshots/<role>-<slug>.png, measures the cold load
// of "/" and "/login", and ends with one line "N passed, N failed"; the exit code is 1 if any failed.
//
// axe-core is run with page.evaluate (through the DevTools protocol), which the page's CSP
// (script-src 'self') does not block; so the CSP stays enforced and its violations show as errors.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.argv[2] || '').replace(/\/$/, '');
if (!BASE) {
  console.error('usage: node suite.mjs http://127.0.0.1:PORT');
  process.exit(2);
}
const ORIGIN = new URL(BASE).origin;
const AXE_SOURCE = fs.readFileSync(path.join(HERE, 'node_modules/axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SHOTS = path.join(HERE, 'screenshots');
const PASSWORD = 'hocvuso-demo-2026';
const ROLES = [
  ['super-admin', '0900000001'],
  ['province-staff', '0900000002'],
  ['commune-admin', '0900000010'],
  ['commune-staff', '0900000011'],
  ['hamlet-lead', '0900000012'],
  ['volunteer', '0900000013'],
  ['resident', '0900000014'],
];
// Limits of the cold load of "/" on a phone (see docs/performance.md).
const HOME_MAX_REQUESTS = 5;
const HOME_MAX_BYTES = 30 * 1024;

const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
};
const CONTEXT = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, locale: 'vi-VN' };

// --- Results -----------------------------------------------------------------------------------------
let passed = 0;
let failed = 0;
function check(name, ok, details = []) {
  if (ok) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}`);
    for (const line of details) console.log(`       ${line}`);
  }
}

// "/" -> "home", "/units/40" -> "units-40", "/residents/12" -> "residents-12".
function slug(pathname) {
  const s = pathname.replace(/^\/+|\/+$/g, '').replace(/[^a-zA-Z0-9]+/g, '-');
  return s || 'home';
}

// --- One page ------------------------------------------------------------------------------------------
// Accessibility of the page as it is now: axe-core, WCAG 2.0 and 2.1, levels A and AA.
async function checkAxe(page, label) {
  try {
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async (tags) => {
      const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
      return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
        count: v.nodes.length,
      }));
    }, AXE_TAGS);
    check(`${label}: axe WCAG 2.1 AA`, violations.length === 0, violations.map((v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.count} element(s), e.g. ${v.targets.join(' | ')}`));
  } catch (err) {
    check(`${label}: axe WCAG 2.1 AA`, false, [`axe did not run: ${err.message.split('\n')[0]}`]);
  }
}

// Opens `pathname` in `page` and runs every per-page check. Returns the page's status (or 0).
async function checkPage(page, role, pathname, { expectStatus = 200, shot = slug(pathname) } = {}) {
  const label = `${role} ${pathname}`;
  const consoleErrors = [];
  const failedRequests = [];
  const onConsole = (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium logs a page's own error status (the expected 404) as "Failed to load resource".
    const ownStatus = expectStatus !== 200 && msg.text().startsWith('Failed to load resource') &&
      msg.location().url === BASE + pathname;
    if (!ownStatus) consoleErrors.push(`${msg.text()} (${msg.location().url})`);
  };
  const onPageError = (err) => consoleErrors.push(`uncaught: ${err.message}`);
  // Only this visit's requests: a slow one of the previous page (an audio preload) is aborted when we navigate away.
  const ours = new Set();
  const onRequest = (req) => ours.add(req);
  const onFailed = (req) => {
    if (!ours.has(req)) return;
    // Chromium cancels a favicon fetch at will (seen as net::ERR_ABORTED on a fresh context); the page does not need it.
    const favicon = req.url().startsWith(`${ORIGIN}/static/icon.`) && req.failure()?.errorText === 'net::ERR_ABORTED';
    // Chromium also cancels a lazy picture or an audio preload it no longer needs (the full-page screenshot scrolls
    // a lazy picture into view and back out): a decision of the browser, not a failure of the server, whose error
    // statuses show as console errors anyway.
    const dropped = req.failure()?.errorText === 'net::ERR_ABORTED' && ['image', 'media'].includes(req.resourceType());
    if (req.url().startsWith(ORIGIN) && !favicon && !dropped) {
      failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`);
    }
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('request', onRequest);
  page.on('requestfailed', onFailed);
  try {
    let response;
    try {
      response = await page.goto(BASE + pathname, { waitUntil: 'load' });
    } catch (err) {
      check(`${label}: loads`, false, [err.message.split('\n')[0]]);
      return 0;
    }
    const status = response ? response.status() : 0;
    check(`${label}: HTTP ${expectStatus}`, status === expectStatus, [`got HTTP ${status}`]);

    await checkAxe(page, label);

    // Nothing wider than a 360 px phone screen.
    const fit = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      // The outermost elements that stick out on the right: they are the ones to fix.
      const describe = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') +
        [...el.classList].map((c) => `.${c}`).join('');
      const sticking = [...document.body.querySelectorAll('*')]
        .filter((el) => el.getBoundingClientRect().right > width + 0.5)
        .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 0.5)
        .slice(0, 3)
        .map((el) => `${describe(el.parentElement)} > ${describe(el)} ends at ` +
          `${Math.round(el.getBoundingClientRect().right)} px`);
      return { scrollWidth: document.documentElement.scrollWidth, width, sticking };
    });
    check(`${label}: fits 360 px`, fit.scrollWidth <= fit.width,
      [`the page is ${fit.scrollWidth} px wide, the screen ${fit.width} px`, ...fit.sticking]);

    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${role}-${shot}.png`), fullPage: true });

    check(`${label}: no console error`, consoleErrors.length === 0, consoleErrors);
    check(`${label}: no failed request`, failedRequests.length === 0, failedRequests);
    return status;
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    page.off('request', onRequest);
    page.off('requestfailed', onFailed);
  }
}

// --- Anonymous visitor ------------------------------------------------------------------------------
async function anonymous(browser) {
  const context = await browser.newContext(CONTEXT);
  const page = await context.newPage();
  for (const pathname of ['/', '/help', '/units', '/units/40', '/login']) {
    await checkPage(page, 'anonymous', pathname);
  }
  await checkPage(page, 'anonymous', '/khong-co', { expectStatus: 404, shot: 'not-found' });

  // English: the switch sets the language, then "/" must say <html lang="en">.
  await page.goto(`${BASE}/lang/en?next=/`, { waitUntil: 'load' });
  const lang = await page.evaluate(() => document.documentElement.lang);
  check('anonymous /lang/en: <html lang="en">', lang === 'en', [`got lang="${lang}" on ${page.url()}`]);
  await checkPage(page, 'anonymous', '/', { shot: 'en-home' });
  await context.close();
}

// --- One signed-in role ---------------------------------------------------------------------------
async function signedIn(browser, role, phone) {
  const context = await browser.newContext(CONTEXT);
  const page = await context.newPage();
  try {
    // Sign in through the real form.
    await page.goto(`${BASE}/login`, { waitUntil: 'load' });
    await page.fill('#phone', phone);
    await page.fill('#password', PASSWORD);
    await Promise.all([
      page.waitForURL((url) => url.pathname !== '/login', { timeout: 15000 }).catch(() => {}),
      page.click('form[action="/login"] button[type="submit"]'),
    ]);
    const landed = new URL(page.url()).pathname;
    check(`${role}: signs in and lands on /dashboard`, landed === '/dashboard', [`landed on ${page.url()}`]);
    if (landed !== '/dashboard') return;

    // Every link of the main navigation, plus the dashboard itself.
    const hrefs = await page.$$eval('nav[aria-label] a', (links) => links.map((a) => a.getAttribute('href')));
    const paths = ['/dashboard'];
    for (const href of hrefs) {
      if (!href || !href.startsWith('/') || href.startsWith('//') || href === '/') continue;
      if (!paths.includes(href)) paths.push(href);
    }
    for (const pathname of paths) {
      await checkPage(page, role, pathname);
      // The resident register leads to one resident's page: open the first one.
      if (pathname === '/residents') {
        const first = await page.$eval('table a[href^="/residents/"]', (a) => a.getAttribute('href'))
          .catch(() => null);
        check(`${role} /residents: lists a resident`, first !== null, ['no table a[href^="/residents/"]']);
        if (first) await checkPage(page, role, first, { shot: 'resident-detail' });
        // Staff and hamlet leads also add people and import lists from there.
        if (['commune-admin', 'commune-staff', 'hamlet-lead'].includes(role)) {
          await checkPage(page, role, '/residents/new', { shot: 'resident-new' });
          await checkPage(page, role, '/residents/import', { shot: 'residents-import' });
        }
      }
      // teams and moves: the list of teams leads to a team's page.
      if (pathname === '/teams') {
        const first = await page.$eval('table a[href^="/teams/"]', (a) => a.getAttribute('href')).catch(() => null);
        check(`${role} /teams: lists a team`, first !== null, ['no table a[href^="/teams/"]']);
        if (first) await checkPage(page, role, first, { shot: 'team-detail' });
      }
      // The field page leads to one household's page with its forms.
      if (pathname === '/field') {
        const first = await page.$eval('a[href^="/field/households/"]', (a) => a.getAttribute('href'))
          .catch(() => null);
        check(`${role} /field: lists a household`, first !== null, ['no a[href^="/field/households/"]']);
        if (first) await checkPage(page, role, first, { shot: 'field-household' });
      }
    }
  } finally {
    await context.close();
  }
}

// --- Field work offline ------------------------------------------------------------------------------
// The volunteer opens the field page (which keeps the households on the phone), goes offline, records a visit
// and a skill in three households, closes the page, comes back online, and the server then has every record
// exactly once; sending the same records again changes nothing.
async function fieldOffline(browser) {
  const context = await browser.newContext(CONTEXT);
  const api = async (page, pathname, body) => page.evaluate(async ([pathname, body]) => {
    const me = await (await fetch('/api/v1/me')).json();
    const init = body === null ? {} : {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
    };
    const res = await fetch(pathname, init);
    return { status: res.status, json: await res.json() };
  }, [pathname, body]);
  try {
    let page = await context.newPage();
    await page.goto(`${BASE}/login`, { waitUntil: 'load' });
    await page.fill('#phone', '0900000013');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.click('form[action="/login"] button[type="submit"]')]);
    await page.goto(`${BASE}/field`, { waitUntil: 'load' });
    const ready = await page.waitForSelector('#field-status[data-offline-ready="1"]', { timeout: 30000 })
      .then(() => true, () => false);
    check('field offline: the households are kept on the phone', ready, [await page.textContent('#field-line')]);
    const households = (await page.$$eval('a[href^="/field/households/"]', (as) => as.map((a) => a.getAttribute('href'))))
      .slice(0, 3);
    check('field offline: three households to visit', households.length === 3, [`${households.length}`]);

    // Before: each first member's visits and skills, as the server has them.
    const people = [];
    for (const href of households) {
      await page.goto(BASE + href, { waitUntil: 'load' });
      const resident = await page.$eval('form.field-form input[name="resident_id"]', (i) => i.value);
      const visits = (await api(page, `/api/v1/residents/${resident}/visits`, null)).json.length;
      people.push({ href, resident, visits });
    }

    await context.setOffline(true);
    for (const [n, person] of people.entries()) {
      await page.goto(BASE + person.href, { waitUntil: 'load' });
      const section = page.locator('section.card').first();
      await section.locator('select[name="outcome"]').selectOption('helped');
      await section.locator('input[name="practised"]').fill(`Ngoại tuyến ${n}`);
      await Promise.all([page.waitForURL(/r=queued/), section.locator('form').first().locator('button[type="submit"]').click()]);
      const skill = section.locator('select[name="skill_id"]');
      if (await skill.count()) {
        person.skill = await skill.locator('option').nth(1).getAttribute('value');
        await skill.selectOption(person.skill);
        await Promise.all([page.waitForURL(/r=queued/), section.locator('form').nth(1).locator('button[type="submit"]').click()]);
      }
    }
    await page.waitForSelector('#field-waiting-list li', { timeout: 10000 }).catch(() => {});
    const waiting = await page.locator('#field-waiting-list li').count();
    const expected = people.filter((p) => p.skill).length + people.length;
    check('field offline: the last household shows its waiting records', waiting >= 1, [`${waiting} shown`]);
    const queued = await page.evaluate(() => new Promise((resolve, reject) => {
      const req = indexedDB.open('hv-field', 1);
      req.onsuccess = () => {
        const get = req.result.transaction('queue').objectStore('queue').getAll();
        get.onsuccess = () => resolve(get.result);
        get.onerror = () => reject(get.error);
      };
      req.onerror = () => reject(req.error);
    }));
    check('field offline: every record waits on the phone', queued.length === expected, [`${queued.length} of ${expected}`]);
    await page.close();

    await context.setOffline(false);
    page = await context.newPage();
    await page.goto(`${BASE}/field`, { waitUntil: 'load' });
    // The worker sends the queue as soon as the connection returns (Background Sync), or this page asks it to.
    const sent = await page.waitForSelector('#field-status[data-pending="0"]', { timeout: 30000 })
      .then(() => true, () => false);
    const left = await page.evaluate(() => new Promise((resolve) => {
      const req = indexedDB.open('hv-field', 1);
      req.onsuccess = () => { const get = req.result.transaction('queue').objectStore('queue').count(); get.onsuccess = () => resolve(get.result); };
    }));
    check('field offline: back online, the phone sends the queue', sent && left === 0,
      [await page.textContent('#field-line'), `${left} records still queued`]);

    for (const [n, person] of people.entries()) {
      const visits = (await api(page, `/api/v1/residents/${person.resident}/visits`, null)).json;
      const mine = visits.filter((v) => v.practised === `Ngoại tuyến ${n}`);
      check(`field offline: household ${n + 1} has its visit exactly once`, visits.length === person.visits + 1 && mine.length === 1,
        [`${visits.length} visits (before: ${person.visits}), ${mine.length} with the note`]);
      if (person.skill) {
        const skills = (await api(page, `/api/v1/residents/${person.resident}/skills`, null)).json;
        const row = (skills.skills || []).find((s) => String(s.id) === person.skill);
        check(`field offline: household ${n + 1} has its skill signed off`, row && row.confirmed_at, [JSON.stringify(row)]);
      }
    }
    // The pages show the change: the skill confirmed offline is no longer offered as missing.
    for (const [n, person] of people.entries()) {
      if (!person.skill) continue;
      await page.goto(BASE + person.href, { waitUntil: 'load' });
      const offered = await page.locator('section.card').first().locator(`select[name="skill_id"] option[value="${person.skill}"]`).count();
      check(`field offline: household ${n + 1} page shows the skill as confirmed`, offered === 0, [`still offered`]);
    }
    // The same records again (a sync that lost its answer): all replays, nothing new.
    const replay = await api(page, '/api/v1/field/sync', { records: queued });
    const replays = (replay.json.results || []).filter((r) => r.replayed).length;
    check('field offline: records sent again are recognised', replay.status === 200 && replays === queued.length,
      [`HTTP ${replay.status}, ${replays} of ${queued.length} replayed`]);
    for (const [n, person] of people.entries()) {
      const visits = (await api(page, `/api/v1/residents/${person.resident}/visits`, null)).json;
      check(`field offline: household ${n + 1} still has one new visit after the replay`, visits.length === person.visits + 1,
        [`${visits.length} visits`]);
    }
  } finally {
    await context.close();
  }
}

// --- Cold load ------------------------------------------------------------------------------------
// A fresh context with the cache disabled: counts the requests and the bytes transferred (headers and
// bodies as sent over the wire: CDP's Network.loadingFinished encodedDataLength).
async function coldLoad(browser, pathname) {
  const context = await browser.newContext(CONTEXT);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const requests = new Set();
  let bytes = 0;
  const errors = [];
  cdp.on('Network.requestWillBeSent', (e) => requests.add(e.requestId));
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  cdp.on('Network.loadingFailed', (e) => errors.push(`${e.errorText} (${e.type})`));
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  await page.goto(BASE + pathname, { waitUntil: 'networkidle' });
  await context.close();
  console.log(`cold load ${pathname}: ${requests.size} requests, ${bytes} bytes`);
  check(`cold load ${pathname}: no error`, errors.length === 0, errors);
  return { requests: requests.size, bytes };
}

// --- Guides (issue #4) --------------------------------------------------------------------------------
// The "done when" of the guides on a phone: search "khai sinh" without diacritics, open the guide, fetch a step's
// audio (200 audio/ogg), switch to senior mode, download the whole set, go offline and read guides and senior mode.
const GUIDE_MAX_BYTES = 30 * 1024;

async function guidePages(browser) {
  const context = await browser.newContext(CONTEXT);
  const page = await context.newPage();
  for (const pathname of ['/guides', '/guides?q=khai+sinh', '/guides/dang-ky-khai-sinh', '/guides/dang-ky-khai-sinh/senior/1',
    '/guides/zalo-goi-video/senior/4']) {
    await checkPage(page, 'anonymous', pathname);
  }
  await context.close();
  // A signed-in resident: the same pages inside the signed-in frame.
  const resident = await browser.newContext(CONTEXT);
  const signed = await resident.newPage();
  await signed.goto(`${BASE}/login`, { waitUntil: 'load' });
  await signed.fill('#phone', '0900000014');
  await signed.fill('#password', PASSWORD);
  await Promise.all([signed.waitForURL((url) => url.pathname !== '/login'), signed.click('form[action="/login"] button[type="submit"]')]);
  for (const pathname of ['/guides/dang-ky-khai-sinh', '/guides/dang-ky-khai-sinh/senior/2']) {
    await checkPage(signed, 'resident', pathname);
  }
  await resident.close();
}

// The cold load of a guide page without its pictures: bytes of every response that is not an image.
async function guideColdLoad(browser, pathname) {
  const context = await browser.newContext(CONTEXT);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const types = new Map();
  let bytes = 0;
  let pictures = 0;
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
  cdp.on('Network.loadingFinished', (e) => {
    if (types.get(e.requestId) === 'Image') pictures += e.encodedDataLength; else bytes += e.encodedDataLength;
  });
  await page.goto(BASE + pathname, { waitUntil: 'networkidle' });
  await context.close();
  console.log(`cold load ${pathname}: ${bytes} bytes before pictures (+ ${pictures} bytes of pictures)`);
  check(`cold load ${pathname}: at most ${GUIDE_MAX_BYTES} bytes before pictures`, bytes <= GUIDE_MAX_BYTES, [`${bytes} bytes`]);
}

async function guidesOffline(browser) {
  const context = await browser.newContext(CONTEXT);
  try {
    const page = await context.newPage();
    await page.goto(`${BASE}/guides`, { waitUntil: 'load' });
    // guide gaps: offline audio. The server speaks every step in the background after start-up; the phone takes
    // only audio that is ready, so wait until the birth registration guide's audio is (no assertion on time).
    const ready = await page.evaluate(async () => {
      for (let i = 0; i < 180; i++) {
        const list = await fetch('/guides/dang-ky-khai-sinh/offline.json').then((r) => r.json());
        if (list.audio_missing === 0) return list.audio.length;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      return 0;
    });
    check('guides: the audio of a guide is ready on the server', ready > 0, [`${ready} steps`]);
    await page.fill('#q', 'khai sinh');
    await Promise.all([page.waitForURL(/q=khai/), page.click('form.guide-search button[type="submit"]')]);
    const first = await page.$eval('.guide-list a', (a) => a.getAttribute('href'));
    check('guides: "khai sinh" finds the birth registration guide first', first === '/guides/dang-ky-khai-sinh', [`first: ${first}`]);
    await Promise.all([page.waitForURL(/\/guides\/dang-ky-khai-sinh$/), page.click('.guide-list a')]);
    // Opened once, the guide is kept whole by the service worker: its senior steps, pictures and audio.
    const kept = await page.waitForSelector('article[data-kept="yes"]', { timeout: 60000 }).then(() => true, () => false);
    check('guides: a guide opened once is kept with its audio', kept, []);
    const stepTwoAudio = await page.$$eval('.step audio', (audios) => audios[1].getAttribute('src'));

    // Listen: the step's audio is Ogg Opus the browser can play.
    const audio = await page.evaluate(async () => {
      const src = document.querySelector('.step audio').getAttribute('src');
      const res = await fetch(src);
      const body = await res.arrayBuffer();
      return { src, status: res.status, type: res.headers.get('content-type'), size: body.byteLength,
        playable: document.querySelector('.step audio').canPlayType('audio/ogg; codecs=opus') };
    });
    check('guides: a step\'s audio is 200 audio/ogg', audio.status === 200 && (audio.type || '').startsWith('audio/ogg') && audio.size > 1000,
      [JSON.stringify(audio)]);
    check('guides: the browser can play the audio', audio.playable !== '', [JSON.stringify(audio)]);

    // Print: the guide's leaflet link gives a PDF.
    const leaflet = await page.evaluate(async () => {
      const href = document.querySelector('.print-leaflet a').getAttribute('href');
      const res = await fetch(href);
      const body = new Uint8Array(await res.arrayBuffer());
      return { href, status: res.status, type: res.headers.get('content-type'), magic: String.fromCharCode(...body.slice(0, 4)) };
    });
    check('guides: the leaflet link gives a PDF', leaflet.status === 200 && leaflet.type === 'application/pdf' && leaflet.magic === '%PDF',
      [JSON.stringify(leaflet)]);

    // Senior mode: one step per screen, large text, next and back.
    await Promise.all([page.waitForURL(/senior\/1$/), page.click('a[href$="/senior/1"]')]);
    const size = await page.$eval('.senior p', (p) => parseFloat(getComputedStyle(p).fontSize));
    check('guides: senior mode text is at least 22 px', size >= 22, [`${size} px`]);
    const button = await page.$eval('.senior-nav a', (a) => a.getBoundingClientRect().height);
    check('guides: senior mode buttons are large', button >= 60, [`${button} px high`]);
    await Promise.all([page.waitForURL(/senior\/2$/), page.click('.senior-nav a')]);

    // Download the whole set for offline use.
    await page.goto(`${BASE}/guides`, { waitUntil: 'load' });
    await page.evaluate(() => navigator.serviceWorker.ready);
    // The audio ready now: the download must keep at least this (more may get ready meanwhile).
    const listed = await page.evaluate(() => fetch('/guides/offline.json').then((r) => r.json()));
    // First click: the size, and the steps whose audio is not ready; second click: the download, with progress.
    await page.click('#guides-download');
    await page.waitForSelector('#guides-download[data-state="confirm"]', { timeout: 30000 });
    const sizeText = await page.textContent('#guides-download-status');
    check('guides: the size is shown before downloading', /\d+,\d MB/.test(sizeText), [sizeText]);
    await page.click('#guides-download');
    const downloaded = await page.waitForSelector('#guides-download[data-downloaded="yes"]', { timeout: 120000 })
      .then(() => true, () => false);
    check('guides: the whole set is downloaded', downloaded, [await page.textContent('#guides-download-status')]);
    const keptAudio = await page.evaluate(async (addresses) => {
      const cache = await caches.open('hv-guides-1');
      const found = await Promise.all(addresses.map((a) => cache.match(a).then((r) => !!r && r.status === 200)));
      return found.filter(Boolean).length;
    }, listed.audio);
    check('guides: the download keeps every step audio that was ready', listed.audio.length > 0 && keptAudio === listed.audio.length,
      [`${keptAudio} of ${listed.audio.length} kept, ${listed.audio_missing} not ready`]);

    // Offline: a guide never opened, its pictures, and senior mode.
    await context.setOffline(true);
    const offline = await page.goto(`${BASE}/guides/vneid-muc-2`, { waitUntil: 'load' }).catch((e) => e);
    const title = await page.textContent('h1').catch(() => '');
    check('guides offline: a downloaded guide opens', offline && offline.status && offline.status() === 200 && title.includes('VNeID'),
      [String(offline && offline.status ? offline.status() : offline), title]);
    const pictures = await page.$$eval('.step img', (imgs) => Promise.all(imgs.map((img) => {
      img.loading = 'eager';
      return img.decode().then(() => img.naturalWidth > 0, () => false);
    })));
    check('guides offline: its pictures show', pictures.length > 0 && pictures.every(Boolean), [JSON.stringify(pictures)]);
    const senior = await page.goto(`${BASE}/guides/dang-ky-khai-sinh/senior/3`, { waitUntil: 'load' }).catch((e) => e);
    const heading = await page.textContent('h1').catch(() => '');
    check('guides offline: senior mode opens', senior && senior.status && senior.status() === 200 && heading.length > 0,
      [String(senior && senior.status ? senior.status() : senior)]);
    const list = await page.goto(`${BASE}/guides`, { waitUntil: 'load' }).catch((e) => e);
    check('guides offline: the list opens', list && list.status && list.status() === 200, [String(list)]);
    // The guide opened first plays a step it never played, from the kept copy.
    await page.goto(`${BASE}/guides/dang-ky-khai-sinh`, { waitUntil: 'load' }).catch((e) => e);
    const heard = await page.evaluate(async (src) => {
      const inCache = await caches.open('hv-guides-1').then((c) => c.match(src)).then((r) => !!r);
      const res = await fetch(src);
      const body = await res.arrayBuffer();
      const audio = document.querySelectorAll('.step audio')[1];
      const loaded = await new Promise((resolve) => {
        audio.addEventListener('loadedmetadata', () => resolve('loaded'), { once: true });
        audio.addEventListener('error', () => resolve('error'), { once: true });
        setTimeout(() => resolve('no answer'), 20000);
        audio.preload = 'auto';
        audio.load();
      });
      return { src, inCache, status: res.status, type: res.headers.get('content-type'), size: body.byteLength, loaded,
        duration: audio.duration };
    }, stepTwoAudio);
    check('guides offline: a step\'s audio is answered from the kept copy', heard.inCache && heard.status === 200
      && (heard.type || '').startsWith('audio/') && heard.size > 1000, [JSON.stringify(heard)]);
    check('guides offline: the audio plays', heard.loaded === 'loaded' && heard.duration > 0, [JSON.stringify(heard)]);
    await context.setOffline(false);
  } finally {
    await context.close();
  }
}

// --- Import jobs ---------------------------------------------------------------------------------------
// The hamlet lead uploads the hamlet's Excel list, maps the "Chỗ ở" column to Địa chỉ, checks, commits, finds
// the people in the register and on the left-behind list, and downloads the left-behind list as .xlsx.
async function importHamletList(browser) {
  const role = 'hamlet-lead-import';
  const context = await browser.newContext({ ...CONTEXT, acceptDownloads: true });
  const page = await context.newPage();
  try {
    await page.goto(`${BASE}/login`, { waitUntil: 'load' });
    await page.fill('#phone', '0900000012');
    await page.fill('#password', PASSWORD);
    await Promise.all([
      page.waitForURL((url) => url.pathname !== '/login', { timeout: 15000 }),
      page.click('form[action="/login"] button[type="submit"]'),
    ]);
    await page.waitForLoadState('load');
    await checkPage(page, role, '/residents/import', { shot: 'import-upload' });
    await page.setInputFiles('#file', path.join(HERE, 'fixtures/thon-dong.xlsx'));
    await Promise.all([
      page.waitForURL(/\/residents\/import\/\d+$/, { timeout: 15000 }),
      page.click('form[action="/residents/import"] button[type="submit"]'),
    ]);
    const jobPath = new URL(page.url()).pathname;
    await checkPage(page, role, jobPath, { shot: 'import-job-uploaded' });
    check(`${role}: "Chỗ ở" is not guessed`, (await page.content()).includes('Thiếu cột bắt buộc'), ['no missing-column notice']);
    await page.selectOption('#col_4', 'address');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/mapping"] button[type="submit"]')]);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/check"] button[type="submit"]')]);
    await page.waitForSelector('form[action$="/commit"]', { timeout: 15000 });
    check(`${role}: the list checks clean`, (await page.content()).includes('3 dòng, 2 hộ.'), ['no "3 dòng, 2 hộ."']);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/commit"] button[type="submit"]')]);
    // The page follows a running import by itself (static/app.js) and reloads when it ends.
    await page.waitForSelector("[data-import-state='done']", { timeout: 30000 });
    await checkPage(page, role, jobPath, { shot: 'import-job-done' });
    check(`${role}: imported 3 people`, (await page.content()).includes('Đã nhập 3 người.'), ['no "Đã nhập 3 người."']);
    await checkPage(page, role, '/residents?q=Lo+Thi+Xuyen', { shot: 'import-residents' });
    check(`${role}: the register lists the imported person`, (await page.content()).includes('Lò Thị Xuyến'),
      ['Lò Thị Xuyến not in /residents?q=Lo+Thi+Xuyen']);
    await checkPage(page, role, '/left-behind', { shot: 'import-left-behind' });
    const leftBehind = await page.content();
    check(`${role}: the left-behind list shows the imported people`,
      leftBehind.includes('Cầm Văn Pọm') && leftBehind.includes('Lò Thị Xuyến'), ['an imported person is missing']);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 15000 }),
      page.click('a[href^="/left-behind/export.xlsx"]'),
    ]);
    const file = fs.readFileSync(await download.path());
    check(`${role}: downloads the left-behind list as .xlsx`,
      download.suggestedFilename().endsWith('.xlsx') && file.subarray(0, 2).toString() === 'PK',
      [`got ${download.suggestedFilename()} (${file.length} bytes)`]);
  } finally {
    await context.close();
  }
}

// --- teams and moves ----------------------------------------------------------------------------------
// The commune staff opens /teams, the first hamlet's team, ticks a household nobody looks after and assigns it to
// the team's volunteer; the page then shows the household as assigned to them.
async function teamAssignment(browser) {
  const context = await browser.newContext(CONTEXT);
  const page = await context.newPage();
  try {
    await page.goto(`${BASE}/login`, { waitUntil: 'load' });
    await page.fill('#phone', '0900000011');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.click('form[action="/login"] button[type="submit"]')]);
    await checkPage(page, 'commune-staff', '/teams', { shot: 'teams-staff' });
    const href = await page.$eval('table a[href^="/teams/"]', (a) => a.getAttribute('href'));
    const teamHrefs = await page.$$eval('table a[href^="/teams/"]', (links) => links.map((a) => a.getAttribute('href')));
    let opened = null;
    for (const candidate of [href, ...teamHrefs]) {
      await checkPage(page, 'commune-staff', candidate, { shot: 'team-staff' });
      if (await page.$('#volunteer')) { opened = candidate; break; }
    }
    check('team assignment: a team with a volunteer', opened !== null, ['no team page with #volunteer']);
    if (!opened) return;
    const row = page.locator('tbody tr', { hasText: /Chưa giao/ }).first();
    const householdId = await row.locator('input[name="household_ids"]').getAttribute('value');
    await row.locator('input[name="household_ids"]').check();
    await page.selectOption('#volunteer', { index: 1 });
    const volunteerName = (await page.$eval('#volunteer', (s) => s.options[s.selectedIndex].textContent)).trim();
    await Promise.all([
      page.waitForURL((url) => url.search.includes('saved=1')),
      page.click('button[name="action"][value="assign"]'),
    ]);
    const saved = await page.locator('p.ok[role="status"]').count();
    check('team assignment: saved', saved === 1, [`url ${page.url()}`]);
    const assigned = await page.locator('tbody tr', { has: page.locator(`input[value="${householdId}"]`) }).innerText();
    check('team assignment: the household shows its volunteer', assigned.includes(volunteerName), [assigned]);
  } finally {
    await context.close();
  }
}

// --- contests: taking part -----------------------------------------------------------------------------
// A resident registers on the demo contest on a phone, answers 3 questions, loses the connection, answers 2 more
// (kept on the phone), closes the page, comes back online, opens the attempt again by the cookie: the 2 answers are
// sent, the server has all 5 exactly as chosen; then submits and is told when results come.
async function contestTakePart(browser) {
  const context = await browser.newContext(CONTEXT);
  try {
    let page = await context.newPage();
    await checkPage(page, 'anonymous', '/contests', { shot: 'contests' });
    const contestPath = await page.$eval('main a[href^="/contests/"]', (a) => a.getAttribute('href'));
    await checkPage(page, 'anonymous', contestPath, { shot: 'contest' });
    await checkPage(page, 'anonymous', `${contestPath}/register`, { shot: 'contest-register' });
    await page.fill('#full_name', 'Lò Thị Xuyến');
    await page.fill('#birth_year', '1961');
    await page.fill('#phone', `0977${String(Date.now()).slice(-6)}`);
    await page.selectOption('#unit', { index: 1 });
    await Promise.all([page.waitForSelector('#entry-code'), page.click('form[action$="/register"] button[type="submit"]')]);
    const code = (await page.textContent('#entry-code')).trim();
    check('contest: the entry code is shown to write down', /^[A-Z2-9]{10}$/.test(code), [code]);
    await Promise.all([page.waitForURL(/\/attempts\/\d+/), page.click('form[action$="/start"] button')]);
    const attemptPath = new URL(page.url()).pathname;
    const attemptId = attemptPath.split('/').pop();
    await checkPage(page, 'anonymous', attemptPath, { shot: 'contest-question' });

    // Each answer: the second option of the question; the page moves on without a page load.
    const answer = async (n, mark) => {
      const form = page.locator(`form#q${n}`);
      await form.locator('label.contest-option').nth(1).click();
      const shown = await page.waitForSelector(`#saved-${n}.${mark}`, { timeout: 10000 }).then(() => true, () => false);
      check(`contest: question ${n + 1} shows "${mark}"`, shown, [await page.textContent(`#saved-${n}`)]);
      await form.locator('button[value="next"]').click();
      await page.waitForSelector(`form#q${n + 1}:not([hidden])`, { timeout: 5000 });
    };
    for (const n of [0, 1, 2]) await answer(n, 'saved');
    await context.setOffline(true);
    for (const n of [3, 4]) await answer(n, 'queued');
    const status = await page.textContent('#contest-status');
    check('contest: offline, the page says the answers wait on the phone', status.includes('Chưa có mạng'), [status]);
    const waiting = await page.evaluate((id) => Object.keys(JSON.parse(localStorage.getItem(`hv-contest-${id}`)).queue), attemptId);
    check('contest: two answers queued on the phone', waiting.length === 2, [JSON.stringify(waiting)]);
    await page.close();

    await context.setOffline(false);
    page = await context.newPage();
    await page.goto(BASE + contestPath, { waitUntil: 'load' });
    await Promise.all([page.waitForURL(/\/attempts\/\d+/), page.click('form[action$="/start"] button')]);
    check('contest: the same attempt resumes by the cookie', new URL(page.url()).pathname === attemptPath, [page.url()]);
    const sent = await page.waitForFunction((id) => {
      const kept = JSON.parse(localStorage.getItem(`hv-contest-${id}`) || '{}');
      return Object.keys(kept.queue || {}).length === 0 && document.querySelectorAll('.contest-saved.saved').length >= 2;
    }, attemptId, { timeout: 20000 }).then(() => true, () => false);
    check('contest: back online, the queued answers are sent', sent, [await page.textContent('#contest-status')]);
    const stored = await page.evaluate(async ([path, code]) => {
      const res = await fetch(path, { headers: { 'X-Entry-Code': code } });
      return { status: res.status, json: await res.json() };
    }, [`/api/v1/contests/${contestPath.split('/')[2]}/attempts/${attemptId}`, code]);
    const chosen = (stored.json.questions || []).slice(0, 6).map((q) => JSON.stringify(q.chosen));
    check('contest: the server has the 5 answers exactly as chosen', stored.status === 200 &&
      chosen.slice(0, 5).every((c) => c === '[1]') && chosen[5] === '[]', [`HTTP ${stored.status}`, chosen.join(' ')]);

    if (await page.$('#prediction')) await page.fill('#prediction', '1500');
    await Promise.all([page.waitForSelector('#contest-later'), page.click('#contest-submit button[type="submit"]')]);
    await checkPage(page, 'anonymous', attemptPath, { shot: 'contest-result' });
    const later = await page.textContent('main');
    check('contest: after submitting, results come after the close', later.includes('Kết quả sẽ được công bố'), [later.slice(0, 200)]);
  } finally {
    await context.close();
  }
}

// --- contests: question bank and set-up ----------------------------------------------------------------
// The commune staff uploads a small question file (written here) to the bank and reads the report, sets up a
// contest with the form's usual values and lands on its overview, then sees it in the commune's list.
async function contestSetUp(browser) {
  const role = 'commune-staff-contests';
  const context = await browser.newContext(CONTEXT);
  const page = await context.newPage();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hocvuso-')), 'cau-hoi.txt');
  fs.writeFileSync(file, [
    'Chủ đề: Trình duyệt web',
    'Câu 1: Biểu tượng ổ khoá cạnh địa chỉ trang web cho biết điều gì?',
    'A. Kết nối được mã hoá',
    'B. Trang web chắc chắn an toàn tuyệt đối',
    'Đáp án: A',
    'Câu 2: Trang web lạ xin cài ứng dụng ngoài kho chính thức thì làm gì?',
    'A. Cài ngay',
    'B. Không cài, đóng trang',
    'Đáp án: B',
    '',
  ].join('\n'));
  try {
    await page.goto(`${BASE}/login`, { waitUntil: 'load' });
    await page.fill('#phone', '0900000011');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.click('form[action="/login"] button[type="submit"]')]);
    await checkPage(page, role, '/contests/manage', { shot: 'contests-manage' });
    await checkPage(page, role, '/question-bank', { shot: 'question-bank' });
    await page.setInputFiles('#file', file);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/question-bank/import', { timeout: 15000 }),
      page.click('form[action="/question-bank/import"] button[type="submit"]'),
    ]);
    await page.waitForLoadState('load');
    check(`${role}: the report says the questions were added`, (await page.content()).includes('Đã thêm 2 câu hỏi.'),
      ['no "Đã thêm 2 câu hỏi."']);
    await checkAxe(page, `${role} /question-bank/import (report)`);
    await checkPage(page, role, '/question-bank?topic=Tr%C3%ACnh%20duy%E1%BB%87t%20web', { shot: 'question-bank-topic' });
    await checkPage(page, role, '/contests/new', { shot: 'contest-new' });
    await page.fill('#title', 'Hội thi an toàn trên mạng');
    await page.fill('#total', '5');
    await Promise.all([
      page.waitForURL(/\/contests\/\d+\/manage$/, { timeout: 15000 }),
      page.click('form[action="/contests/new"] button[type="submit"]'),
    ]);
    const managePath = new URL(page.url()).pathname;
    await checkPage(page, role, managePath, { shot: 'contest-manage' });
    check(`${role}: the overview shows the new contest`, (await page.content()).includes('Hội thi an toàn trên mạng'),
      ['title missing']);
    await checkPage(page, role, '/contests/manage', { shot: 'contests-manage-after' });
    check(`${role}: the list shows the new contest`, (await page.content()).includes(`href="${managePath}"`),
      [`no link to ${managePath}`]);
  } finally {
    await context.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

// --- guide editor --------------------------------------------------------------------------------------
// The commune staff opens the guide editor, adds a sentence to a step of "Quét mã QR", previews it (nothing is
// saved yet), saves it, and sees it on the guide page; then restores the original so the other scenarios see the
// starter set. axe runs on the list and on the editor.
async function guideEditing(browser) {
  const context = await browser.newContext(CONTEXT);
  const page = await context.newPage();
  const slug = 'quet-ma-qr';
  const sentence = 'Thử sửa bài trên trình duyệt hocvusobrowser.';
  try {
    await page.goto(`${BASE}/login`, { waitUntil: 'load' });
    await page.fill('#phone', '0900000011');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.click('form[action="/login"] button[type="submit"]')]);
    await checkPage(page, 'commune-staff', '/guide-editor', { shot: 'guide-editor-list' });
    await checkPage(page, 'commune-staff', '/guide-editor/new', { shot: 'guide-editor-new' });
    await checkPage(page, 'commune-staff', `/guide-editor/${slug}`, { shot: 'guide-editor' });
    const text = await page.inputValue('#markdown');
    const at = text.indexOf('(1.svg)\n') + '(1.svg)\n'.length;
    check('guide editor: the text of step 1 is in the editor', at > '(1.svg)\n'.length, [text.slice(0, 200)]);
    await page.fill('#markdown', `${text.slice(0, at)}\n${sentence}\n${text.slice(at)}`);
    await Promise.all([page.waitForLoadState('load'), page.click('button[name="action"][value="preview"]')]);
    const preview = await page.locator('.guide-preview').innerText();
    check('guide editor: the preview shows the new sentence', preview.includes(sentence), [preview.slice(0, 300)]);
    const before = await (await context.request.get(`${BASE}/guides/${slug}`)).text();
    check('guide editor: a preview saves nothing', !before.includes(sentence));
    await Promise.all([
      page.waitForURL((url) => url.search.includes('saved=text')),
      page.click('button[name="action"][value="save"]'),
    ]);
    check('guide editor: saved', (await page.locator('p.ok[role="status"]').count()) === 1, [page.url()]);
    await checkPage(page, 'commune-staff', `/guides/${slug}`, { shot: 'guide-edited' });
    const step = await page.locator('section.step').first().innerText();
    check('guide editor: the guide page shows the saved sentence', step.includes(sentence), [step.slice(0, 300)]);
    await page.goto(`${BASE}/guide-editor/${slug}`, { waitUntil: 'load' });
    await Promise.all([
      page.waitForURL((url) => url.search.includes('saved=reverted')),
      page.click(`form[action="/guide-editor/${slug}/revert"] button`),
    ]);
    const after = await (await context.request.get(`${BASE}/guides/${slug}`)).text();
    check('guide editor: the original is restored', !after.includes(sentence));
  } finally {
    await context.close();
  }
}

// --- guide gaps: delete a guide staff added -----------------------------------------------------------
// The commune staff adds a guide, opens its delete confirmation (axe runs on it), deletes it, and the guide is gone
// from the list.
async function guideDelete(browser) {
  const context = await browser.newContext(CONTEXT);
  const page = await context.newPage();
  try {
    await page.goto(`${BASE}/login`, { waitUntil: 'load' });
    await page.fill('#phone', '0900000011');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.click('form[action="/login"] button[type="submit"]')]);
    await page.goto(`${BASE}/guide-editor/new`, { waitUntil: 'load' });
    await Promise.all([
      page.waitForURL((url) => url.search.includes('saved=text')),
      page.click('button[name="action"][value="save"]'),
    ]);
    const slug = new URL(page.url()).pathname.split('/').pop();
    await checkPage(page, 'commune-staff', `/guide-editor/${slug}/delete`, { shot: 'guide-editor-delete' });
    await Promise.all([
      page.waitForURL((url) => url.search.includes('deleted=1')),
      page.click(`form[action="/guide-editor/${slug}/delete"] button[type="submit"]`),
    ]);
    const gone = await context.request.get(`${BASE}/guides/${slug}`);
    check('guide editor: a deleted guide is gone', gone.status() === 404, [`${gone.status()}`]);
  } finally {
    await context.close();
  }
}

// --- contests: results -----------------------------------------------------------------------------------
// The demo's closed contest: its public results and verification pages on a phone, the commune staff's results
// page, and the leaderboard on a 1280 px projector screen (which must refresh itself without a console error).
async function contestResults(browser) {
  const contest = '/contests/2';
  const phone = await browser.newContext(CONTEXT);
  try {
    const page = await phone.newPage();
    await checkPage(page, 'anonymous', `${contest}/results`, { shot: 'contest-results-public' });
    const rows = await page.locator('[aria-labelledby="individual"] tbody tr').count();
    check('contest results: the public sees the top 50', rows === 50, [`${rows} rows`]);
    await checkPage(page, 'anonymous', '/certificates/ABCDEFGHJKMNPQRS', { expectStatus: 404, shot: 'certificate-unknown' });
    await page.goto(`${BASE}/login`, { waitUntil: 'load' });
    await page.fill('#phone', '0900000011');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.click('form[action="/login"] button[type="submit"]')]);
    await checkPage(page, 'commune-staff', `${contest}/results`, { shot: 'contest-results-staff' });
  } finally {
    await phone.close();
  }
  const projector = await browser.newContext({ ...CONTEXT, viewport: { width: 1280, height: 720 } });
  try {
    const page = await projector.newPage();
    await checkPage(page, 'anonymous', `${contest}/leaderboard`, { shot: 'contest-leaderboard-1280' });
    const refreshed = await page.waitForResponse((r) => r.url().endsWith(`${contest}/leaderboard.json`), { timeout: 15000 })
      .then((r) => r.status()).catch(() => 0);
    check('contest leaderboard: refreshes from its JSON', refreshed === 200, [`HTTP ${refreshed}`]);
  } finally {
    await projector.close();
  }
}

// --- contests: editing a question, pictures, links, revocation, offline submit -----------------------------
// The commune staff edits the first question of the bank and gives it a picture (a drawing written here): the bank
// shows it; the closed demo contest's management page links to its results, its public page says it ended and links
// to them; staff issue certificates and revoke one, whose public page then says so. A resident presses "Nộp bài"
// offline with an answer still on the phone: the page says so, and submits by itself once back online.
async function contestPolish(browser) {
  const role = 'commune-staff-contest-polish';
  const closed = '/contests/2';
  const context = await browser.newContext(CONTEXT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hocvuso-'));
  const svg = path.join(dir, 'bien-bao.svg');
  fs.writeFileSync(svg, '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="18" fill="#c01c28"/><rect x="8" y="17" width="24" height="6" fill="#fff"/></svg>');
  try {
    const page = await context.newPage();
    await page.goto(`${BASE}/login`, { waitUntil: 'load' });
    await page.fill('#phone', '0900000011');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.click('form[action="/login"] button[type="submit"]')]);
    await page.goto(`${BASE}/question-bank`, { waitUntil: 'load' });
    const editPath = await page.$eval('main a[href$="/edit"]', (a) => a.getAttribute('href'));
    await checkPage(page, role, editPath, { shot: 'question-edit' });
    await page.setInputFiles('#picture', svg);
    await page.fill('#picture_alt', 'Biển cấm đi ngược chiều');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/question-bank', { timeout: 15000 }),
      page.click(`form[action="${editPath}"] button[type="submit"]`),
    ]);
    const img = await page.$('img.bank-picture[alt="Biển cấm đi ngược chiều"]');
    check(`${role}: the bank shows the question's picture`, img !== null);
    const src = img ? await img.getAttribute('src') : '';
    const picture = await context.request.get(BASE + src);
    check(`${role}: the picture is served for long`, picture.status() === 200 &&
      (picture.headers()['cache-control'] || '').includes('immutable'), [src, `HTTP ${picture.status()}`]);
    await checkAxe(page, `${role} /question-bank (with a picture)`);

    await checkPage(page, role, `${closed}/manage`, { shot: 'contest-manage-closed' });
    check(`${role}: management links to results, leaderboard, export and certificates`,
      await page.$$eval('a', (as, c) => ['results', 'leaderboard', 'results.xlsx', 'results#certificates']
        .every((l) => as.some((a) => a.getAttribute('href') === `${c}/${l}`)), closed));
    await page.goto(`${BASE}${closed}/results`, { waitUntil: 'load' });
    await page.fill('#first', '1');
    await Promise.all([page.waitForURL(/issued=/), page.click(`form[action="${closed}/certificates"] button[type="submit"]`)]);
    const revoke = page.locator('form.revoke-form').first();
    const code = await page.locator('a[href^="/certificates/"]').first().textContent();
    await revoke.locator('input[name="reason"]').fill('Nhập sai tên người đoạt giải');
    await Promise.all([page.waitForLoadState('load'), revoke.locator('button').click()]);
    await checkPage(page, role, `${closed}/results`, { shot: 'contest-results-revoked' });
    await checkPage(page, 'anonymous', `/certificates/${code.trim()}`, { shot: 'certificate-revoked' });
    const said = await page.textContent('main');
    check('certificate: a revoked one says so, with its reason', said.includes('Giấy chứng nhận này đã bị thu hồi') &&
      said.includes('Nhập sai tên người đoạt giải'), [said.slice(0, 300)]);
  } finally {
    await context.close();
  }

  const resident = await browser.newContext(CONTEXT);
  try {
    const page = await resident.newPage();
    await checkPage(page, 'anonymous', closed, { shot: 'contest-ended' });
    check('contest: a closed contest says it ended and links to its results', (await page.$('#contest-ended')) !== null &&
      (await page.$(`#contest-ended a[href="${closed}/results"]`)) !== null && (await page.$(`a[href="${closed}/register"]`)) === null);
    check('contest: the resume form stays after the close', (await page.$(`form[action="${closed}/resume"]`)) !== null);

    await page.goto(`${BASE}/contests`, { waitUntil: 'load' });
    const open = await page.$eval('main a[href^="/contests/"]', (a) => a.getAttribute('href'));
    await page.goto(`${BASE}${open}/register`, { waitUntil: 'load' });
    await page.fill('#full_name', 'Vi Văn Thắng');
    await page.fill('#birth_year', '1970');
    await page.fill('#phone', `0978${String(Date.now()).slice(-6)}`);
    await page.selectOption('#unit', { index: 1 });
    await Promise.all([page.waitForSelector('#entry-code'), page.click('form[action$="/register"] button[type="submit"]')]);
    const code = (await page.textContent('#entry-code')).trim();
    await Promise.all([page.waitForURL(/\/attempts\/\d+/), page.click('form[action$="/start"] button')]);
    const attemptId = new URL(page.url()).pathname.split('/').pop();
    await page.locator('form#q0 label.contest-option').nth(0).click();
    await page.waitForSelector('#saved-0.saved', { timeout: 10000 });
    await resident.setOffline(true);
    await page.locator('form#q0 button[value="next"]').click();
    await page.locator('form#q1 label.contest-option').nth(1).click();
    await page.waitForSelector('#saved-1.queued', { timeout: 5000 });
    await page.click('#contest-submit button[type="submit"]');
    const status = await page.textContent('#contest-status');
    check('contest: "Nộp bài" offline says the answers are sent and submitted when the connection returns',
      status.includes('tự gửi khi có mạng lại') && status.includes('tự nộp'), [status]);
    check('contest: offline, the attempt page stays', new URL(page.url()).pathname.endsWith(`/attempts/${attemptId}`));
    await Promise.all([page.waitForSelector('#contest-later', { timeout: 20000 }), resident.setOffline(false)]);
    const stored = await page.evaluate(async ([path, entry]) => {
      const res = await fetch(path, { headers: { 'X-Entry-Code': entry } });
      return { status: res.status, json: await res.json() };
    }, [`/api/v1/contests/${open.split('/')[2]}/attempts/${attemptId}`, code]);
    const chosen = (stored.json.questions || []).slice(0, 2).map((q) => JSON.stringify(q.chosen)).join(' ');
    check('contest: back online, the queued answer was stored before the attempt was submitted',
      stored.status === 200 && stored.json.submitted_at && chosen === '[0] [1]', [`HTTP ${stored.status}`, chosen]);
  } finally {
    await resident.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// --- Main ------------------------------------------------------------------------------------------
fs.rmSync(SHOTS, { recursive: true, force: true }); // only this run's screenshots
const browser = await chromium.launch(LAUNCH);
try {
  const home = await coldLoad(browser, '/');
  check(`cold load /: at most ${HOME_MAX_REQUESTS} requests`, home.requests <= HOME_MAX_REQUESTS,
    [`${home.requests} requests`]);
  check(`cold load /: at most ${HOME_MAX_BYTES} bytes`, home.bytes <= HOME_MAX_BYTES, [`${home.bytes} bytes`]);
  await coldLoad(browser, '/login');

  await anonymous(browser);
  try {
    await fieldOffline(browser);
  } catch (err) {
    check('field offline: runs to the end', false, [err.stack || String(err)]);
  }
  // teams and moves
  try {
    await teamAssignment(browser);
  } catch (err) {
    check('team assignment: runs to the end', false, [err.stack || String(err)]);
  }
  for (const [role, phone] of ROLES) {
    try {
      await signedIn(browser, role, phone);
    } catch (err) {
      check(`${role}: runs to the end`, false, [err.stack || String(err)]);
    }
  }
  // guides
  try {
    await guideColdLoad(browser, '/guides/dang-ky-khai-sinh');
    await guidePages(browser);
    await guidesOffline(browser);
  } catch (err) {
    check('guides: runs to the end', false, [err.stack || String(err)]);
  }
  // import jobs
  try {
    await importHamletList(browser);
  } catch (err) {
    check('import hamlet list: runs to the end', false, [err.stack || String(err)]);
  }
  // contests: taking part
  try {
    await contestTakePart(browser);
  } catch (err) {
    check('contest take part: runs to the end', false, [err.stack || String(err)]);
  }
  // contests: question bank and set-up
  try {
    await contestSetUp(browser);
  } catch (err) {
    check('contest set-up: runs to the end', false, [err.stack || String(err)]);
  }
  // guide editor
  try {
    await guideEditing(browser);
  } catch (err) {
    check('guide editor: runs to the end', false, [err.stack || String(err)]);
  }
  // contests: results
  try {
    await contestResults(browser);
  } catch (err) {
    check('contest results: runs to the end', false, [err.stack || String(err)]);
  }
  // contests: editing a question, pictures, links, revocation, offline submit
  try {
    await contestPolish(browser);
  } catch (err) {
    check('contest polish: runs to the end', false, [err.stack || String(err)]);
  }
  // contests: live mode
  // The commune staff create a live game on a 1280 px projector screen; two phones (360 px, separate contexts) type
  // the code and a nickname; the host starts; one phone taps the right option and the other a wrong one (the key is
  // read from the demo's question file); the host presses "Dừng": the scoreboard and each phone show the points.
  // axe on every host and player page; the pages move on by themselves (static/live.js polls and reloads).
  async function contestLive(browser) {
    const key = new Map();
    const bank = fs.readFileSync(path.join(HERE, '../../content/contests/demo.txt'), 'utf8');
    for (const block of bank.split(/\n(?=Câu \d+:)/)) {
      const text = (block.match(/^Câu \d+:\s*(.*)$/m) || [])[1];
      const answer = (block.match(/^Đáp án:\s*([A-F])\s*$/m) || [])[1];
      if (text && answer) key.set(text.trim().slice(0, 40), answer.charCodeAt(0) - 65);
    }
    const projector = await browser.newContext({ ...CONTEXT, viewport: { width: 1280, height: 720 } });
    const phones = [await browser.newContext(CONTEXT), await browser.newContext(CONTEXT)];
    try {
      const host = await projector.newPage();
      await host.goto(`${BASE}/login`, { waitUntil: 'load' });
      await host.fill('#phone', '0900000011');
      await host.fill('#password', PASSWORD);
      await Promise.all([host.waitForURL((url) => url.pathname !== '/login'), host.click('form[action="/login"] button[type="submit"]')]);
      await checkPage(host, 'commune-staff', '/live/new', { shot: 'live-new-1280' });
      await host.fill('#count', '2');
      await host.fill('#seconds', '120');
      await Promise.all([host.waitForURL(/\/live\/\d+\/host$/), host.click('form[action="/live/new"] button[type="submit"]')]);
      const hostPath = new URL(host.url()).pathname;
      await checkPage(host, 'commune-staff', hostPath, { shot: 'live-host-lobby-1280' });
      const code = (await host.textContent('#live-code')).trim();
      check('live: the host shows a 6-character join code and a QR code',
        /^[A-Z2-9]{6}$/.test(code) && (await host.locator('svg.live-qr').count()) === 1, [code]);

      const players = [];
      for (const [i, nickname] of [['0', 'Lan'], ['1', 'Minh']]) {
        const page = await phones[Number(i)].newPage();
        if (i === '0') await checkPage(page, 'anonymous', '/live', { shot: 'live-join' });
        else await page.goto(`${BASE}/live`, { waitUntil: 'load' });
        await page.fill('#code', code.toLowerCase());
        await Promise.all([page.waitForURL(/\/live\/\d+\/join$/), page.click('form[action="/live"] button[type="submit"]')]);
        if (i === '0') await checkPage(page, 'anonymous', new URL(page.url()).pathname, { shot: 'live-nickname' });
        await page.fill('#nickname', nickname);
        await Promise.all([page.waitForURL(/\/live\/\d+\/play$/), page.click('form[action$="/join"] button[type="submit"]')]);
        if (i === '0') await checkPage(page, 'anonymous', new URL(page.url()).pathname, { shot: 'live-play-lobby' });
        players.push(page);
      }
      const counted = await host.waitForFunction(() => document.getElementById('live-players')?.textContent === '2', null,
        { timeout: 15000 }).then(() => true, () => false);
      check('live: the host screen counts the two players by itself', counted, [await host.textContent('#live-players')]);

      await Promise.all([host.waitForSelector('.live-question'), host.click('button[value="next"]')]);
      await checkPage(host, 'commune-staff', hostPath, { shot: 'live-host-question-1280' });
      const question = (await host.textContent('.live-question')).trim();
      const right = key.get(question.slice(0, 40));
      check('live: the question is one of the demo bank\'s', right !== undefined, [question]);
      const wrong = right === 0 ? 1 : 0;
      for (const [page, option] of [[players[0], right], [players[1], wrong]]) {
        const shown = await page.waitForSelector('button.live-option', { timeout: 15000 }).then(() => true, () => false);
        check('live: the phone shows the question by itself', shown, [page.url()]);
        await Promise.all([page.waitForSelector('#live-waiting'), page.click(`button.live-option[value="${option}"]`)]);
      }
      await checkPage(players[0], 'anonymous', new URL(players[0].url()).pathname, { shot: 'live-play-answered' });
      const answered = await host.waitForFunction(() => document.getElementById('live-answered')?.textContent === '2', null,
        { timeout: 15000 }).then(() => true, () => false);
      check('live: the host screen counts the two answers', answered, [await host.textContent('#live-answered')]);

      await Promise.all([host.waitForSelector('#live-top'), host.click('button[value="close"]')]);
      await checkPage(host, 'commune-staff', hostPath, { shot: 'live-host-scoreboard-1280' });
      const board = await host.$$eval('#live-top tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
      check('live: the scoreboard has Lan first with points and Minh second with 0',
        board.length === 2 && board[0][1] === 'Lan' && Number(board[0][2]) > 500 && board[1][0] === '2' &&
        board[1][1] === 'Minh' && board[1][2] === '0', [JSON.stringify(board)]);
      const results = [];
      for (const page of players) {
        const shown = await page.waitForSelector('#live-standing', { timeout: 15000 }).then(() => true, () => false);
        results.push(shown ? `${await page.textContent('#live-result')} | ${await page.textContent('#live-standing')}` : '');
      }
      check('live: each phone shows its result and place',
        /Đúng rồi! \+\d+ điểm/.test(results[0]) && results[0].includes(`Điểm của bạn: ${board[0][2]} · Hạng 1/2`) &&
        results[1].includes('Chưa đúng.') && results[1].includes('Điểm của bạn: 0 · Hạng 2/2'), results);
      await checkPage(players[1], 'anonymous', new URL(players[1].url()).pathname, { shot: 'live-play-result' });
    } finally {
      await projector.close();
      for (const phone of phones) await phone.close();
    }
  }
  try {
    await contestLive(browser);
  } catch (err) {
    check('live mode: runs to the end', false, [err.stack || String(err)]);
  }
  // guide gaps: delete a guide staff added
  try {
    await guideDelete(browser);
  } catch (err) {
    check('guide delete: runs to the end', false, [err.stack || String(err)]);
  }
} catch (err) {
  check('suite runs to the end', false, [err.stack || String(err)]);
} finally {
  await browser.close();
}

console.log(`screenshots in ${path.relative(path.join(HERE, '../..'), SHOTS)}/`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
