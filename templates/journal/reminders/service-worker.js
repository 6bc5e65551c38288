// LDN Journal's service worker: shows a push reminder and opens its page when tapped. Nothing
// else (no caching). A push carries only what a lock screen may show (journal/reminders.py).
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
