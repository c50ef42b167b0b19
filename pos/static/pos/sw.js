// The till's service worker (scope /pos/): the till page, its scripts and styles, and the
// data it sells with (catalogue, offline series, session) answer from the network when the
// server is there — and are kept — or from what was kept when it is not, so the till opens
// and sells after a reload or a browser restart without the server. Sales are never handled
// here: the page keeps them in its IndexedDB outbox and sends them itself (offline.js).
const CACHE = "caisse-till-v1";
const DATA = new Set(["/api/pos/catalogue", "/api/pos/offline", "/api/pos/session"]);
const NETWORK_WAIT_MS = 4000;

// A new version takes over at once, the page that installed it included (a till that loses
// its server before its next reload can still be reloaded).
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function kept(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  return url.pathname === "/pos/till" || url.pathname.startsWith("/pos/static/")
    || url.pathname.startsWith("/static/") || DATA.has(url.pathname);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_WAIT_MS);
    // Only a real answer is kept: not a redirect to the login page, not a 304, not an error.
    if (response.status === 200 && !response.redirected && response.type === "basic") {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const copy = await cache.match(request, { ignoreVary: true });
    if (copy) return copy;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  if (kept(event.request)) event.respondWith(networkFirst(event.request));
});

// Logout: nothing of this till's page stays on the machine.
self.addEventListener("message", (event) => {
  if (event.data === "forget") event.waitUntil(caches.delete(CACHE));
});
