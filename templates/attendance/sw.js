/* The offline app's service worker: Workbox's prebuilt files, served from this site
   (modulePathPrefix), precache the shell's files; pages under /app/ are network-first
   and fall back to the cached "Hoy" shell, which app.js fills from IndexedDB. */
importScripts("{{ url_for('static', filename='vendor/workbox/workbox-sw.js') }}");
workbox.setConfig({ modulePathPrefix: "{{ url_for('static', filename='vendor/workbox/') }}", debug: false });
workbox.core.setCacheNameDetails({ prefix: "lms" });
workbox.core.clientsClaim();
self.addEventListener("install", () => self.skipWaiting());

workbox.precaching.precacheAndRoute({{ precache|tojson }});

const SHELL = {{ shell|tojson }};
const PAGES = "lms-paginas";
const pages = new workbox.strategies.NetworkFirst({ cacheName: PAGES, networkTimeoutSeconds: 8 });

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(PAGES).then((cache) => cache.add(SHELL)));
});

workbox.routing.registerRoute(
  ({ request, url }) => request.mode === "navigate" && url.pathname.startsWith("/app/"),
  async (options) => {
    try {
      return await pages.handle(options);
    } catch (error) {
      const cache = await caches.open(PAGES);
      return (await cache.match(SHELL)) || Response.error();
    }
  },
);
