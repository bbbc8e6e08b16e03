/**
 * guestmap's service worker: the app offline after its first visit. `vite build` appends nothing
 * to this file; build/precache.ts prefixes it with PRECACHE (every file of the build, relative to
 * this worker) and VERSION (a digest of their contents), so each build is a new worker.
 *
 * Cache first, one cache per build. A new build's worker installs beside the old one and takes
 * over only when no tab runs the old build (no skipWaiting): an open tab keeps loading its own
 * lazily loaded chunks from its own cache, never a mix of two builds.
 */
/* global PRECACHE, VERSION */
const CACHE = `guestmap-${VERSION}`;
const scope = self.registration.scope;
const INDEX = new URL("./", scope).href;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // `reload`: straight from the server, never a stale copy from the HTTP cache.
      cache.addAll(PRECACHE.map((path) => new Request(new URL(path, scope), { cache: "reload" }))),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith("guestmap-") && k !== CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  // Only the app's own files: the "Verify in QEMU" companion (another origin) and anything but a
  // GET go to the network untouched.
  if (request.method !== "GET" || !request.url.startsWith(scope)) return;
  // Every page of the app is index.html (`?reset`, a share link's #hash, the companion's ?token).
  const key = request.mode === "navigate" ? INDEX : request;
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(key, { ignoreSearch: request.mode === "navigate" }))
      .then((hit) => hit ?? fetch(request)),
  );
});
