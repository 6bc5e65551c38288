// Push reminders on this device (templates/journal/reminders/reminders.html): registers the
// service worker (/service-worker.js), asks for permission, subscribes with the server's VAPID
// key and sends the subscription to the server; or unsubscribes and tells the server.
(function () {
  "use strict";
  var box = document.getElementById("push-device");
  if (!box) return;
  var status = box.querySelector("[data-push-status]");
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");
  var csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(text) { status.textContent = text; }
  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    say(subscribed ? box.dataset.saySubscribed : box.dataset.sayNotSubscribed);
  }
  function keyBytes(text) {
    var base64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
  }
  function post(url, fields) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf }, body: new URLSearchParams(fields),
    });
  }

  if (!box.dataset.key) { say(box.dataset.sayNotSetUp); return; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(box.dataset.sayNoPush);
    return;
  }
  var registration = navigator.serviceWorker.register("/service-worker.js", { scope: "/" });
  registration.then(function (reg) { return reg.pushManager.getSubscription(); })
    .then(function (subscription) { show(Boolean(subscription)); })
    .catch(function () { say(box.dataset.sayNoPushHere); });

  on.addEventListener("click", async function () {
    on.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        say(box.dataset.sayBlocked);
        return;
      }
      var reg = await registration;
      var subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key) });
      var json = subscription.toJSON();
      var response = await post(box.dataset.add, { endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth });
      if (!response.ok) {
        await subscription.unsubscribe();
        var answer = await response.json().catch(function () { return {}; });
        var errors = Object.values(answer.errors || {}).flat();
        say(errors.length ? errors.join(" ") : box.dataset.sayRefused);
        return;
      }
      window.location.reload();  // the device list shows the new device
    } catch (error) {
      say(box.dataset.sayFailed.replace("{error}", error.name));
    } finally {
      on.disabled = false;
    }
  });

  off.addEventListener("click", async function () {
    off.disabled = true;
    try {
      var subscription = await (await registration).pushManager.getSubscription();
      if (subscription) {
        await post(box.dataset.remove, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      window.location.reload();
    } finally {
      off.disabled = false;
    }
  });
})();
