{% load static %}// LDN Journal's service worker (journal/offline.py says which pages a phone may keep).
// - Push reminders: shows one and opens its page when tapped. A push carries only what a lock
//   screen may show (journal/reminders.py).
// - Offline: the patient's Today, entry form and My plan open from the copy kept at their last
//   visit when there is no network (network first). Only a page the server marks with the
//   X-Offline-Page header is kept, in a cache named by that header (one per patient); signing
//   out, or any sign-in page, drops them. Static files come from the cache first when their
//   name is versioned (whitenoise's manifest names), else from the network first.
// - Entries saved offline are kept and sent by the page (static/js/offline.js), never here:
//   a "sync" only asks the open pages to send them.
"use strict";
const STATIC_CACHE = "ldn-static-v1";
const PAGES_PREFIX = "ldn-pages-";
const OFFLINE_HEADER = "X-Offline-Page";
const KEPT_PAGES = ["{% url 'today' %}", "{% url 'entry' %}", "{% url 'my_plan' %}"];
const SIGNED_OUT_PAGES = ["{% url 'login' %}", "{% url 'logout' %}"];
const STATIC_PREFIX = "{% get_static_prefix %}";
const VERSIONED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;
let signOuts = 0;  // a page still being kept when its patient signs out is dropped too

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("ldn-static-") && name !== STATIC_CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SIGNED_OUT_PAGES.includes(url.pathname)) {
    signOuts += 1;
    event.waitUntil(forgetPages());
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") event.respondWith(page(event));
  else if (url.pathname.startsWith(STATIC_PREFIX)) event.respondWith(staticFile(request, url));
});

function pageCaches() {
  return caches.keys().then((names) => names.filter((name) => name.startsWith(PAGES_PREFIX)));
}

function forgetPages(except) {
  return pageCaches().then((names) => Promise.all(names.filter((name) => name !== except).map((name) => caches.delete(name))));
}

async function page(event) {
  try {
    const response = await fetch(event.request);
    const owner = response.headers.get(OFFLINE_HEADER);
    if (owner) event.waitUntil(keep(event.request.url, response.clone(), owner));
    return response;
  } catch (offline) {
    const kept = await keptCopy(event.request);
    if (kept) return kept;
    throw offline;
  }
}

async function keptCopy(request) {
  const url = new URL(request.url);
  for (const name of await pageCaches()) {
    const cache = await caches.open(name);
    const kept = (await cache.match(request)) || (KEPT_PAGES.includes(url.pathname) && (await cache.match(url.pathname, { ignoreSearch: true })));
    if (kept) return markedAsKept(kept);
  }
  return null;
}

// The page tells the patient that what they see is the kept copy (templates/base.html).
async function markedAsKept(response) {
  const html = (await response.text()).replace('data-kept-copy="no"', 'data-kept-copy="yes"');
  return new Response(html, { status: response.status, statusText: response.statusText, headers: response.headers });
}

// A kept page for its patient only (another patient's pages go), with the static files it
// names, and the other kept pages fetched once if missing so they too open offline.
async function keep(url, response, owner) {
  const name = PAGES_PREFIX + owner;
  const signOutsBefore = signOuts;
  await forgetPages(name);
  const cache = await caches.open(name);
  const put = async (key, page) => {
    const html = await page.clone().text();
    await cache.put(key, page);
    if (signOuts !== signOutsBefore) return caches.delete(name);
    return keepStaticFiles(html);
  };
  await put(url, response);
  for (const path of KEPT_PAGES) {
    if (signOuts !== signOutsBefore || (await cache.match(path, { ignoreSearch: true }))) continue;
    const other = await fetch(path, { credentials: "same-origin" }).catch(() => null);
    if (other && other.ok && other.headers.get(OFFLINE_HEADER) === owner) await put(path, other);
  }
}

async function keepStaticFiles(html) {
  const cache = await caches.open(STATIC_CACHE);
  const pattern = new RegExp('(?:href|src)="(' + STATIC_PREFIX.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") + '[^"?#]+)"', "g");
  for (const match of html.matchAll(pattern)) {
    if (!(await cache.match(match[1]))) await cache.add(match[1]).catch(() => null);
  }
}

async function staticFile(request, url) {
  const cache = await caches.open(STATIC_CACHE);
  if (VERSIONED.test(url.pathname)) {
    const kept = await cache.match(request);
    if (kept) return kept;
  }
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (offline) {
    const kept = await cache.match(request);
    if (kept) return kept;
    throw offline;
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag !== "send-waiting-entries") return;
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((windows) => windows.forEach((client) => client.postMessage({ type: "send-waiting-entries" }))),
  );
});

self.addEventListener("push", (event) => {
  const data = event.data ? event.data.json() : {};
  event.waitUntil(
    self.registration.showNotification(data.title || "LDN Journal", {
      body: data.body || "",
      tag: data.tag || "ldn-reminder",
      data: { url: data.url || "/today/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url || "/today/", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).origin === target.origin);
      if (!open) return self.clients.openWindow(target.href);
      return open.focus().then((client) => client.navigate(target.href)).catch(() => self.clients.openWindow(target.href));
    }),
  );
});
