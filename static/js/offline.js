// Entries saved without a connection (templates/base.html, #outbox): kept on the phone in
// IndexedDB, listed as waiting to send, and sent to the same entry form, as the same form
// post, when the connection returns (the online event, any page load, a service worker's
// sync): the server decides, and the patient reads what it answered. A waiting entry belongs
// to the patient who typed it (the page's offline key): it is sent only from a page of that
// patient's session, with a token fetched fresh for the send (a session that ended, or a
// sign-in that rotated the token, leaves none stale); with no session it waits for sign-in.
// Also registers the service worker (pages kept for offline use) and says when a page shown
// is the copy kept from the last visit.
(function () {
  "use strict";
  var box = document.getElementById("outbox");
  if (!box) return;
  var canKeep = "indexedDB" in window;
  var key = box.dataset.offlineKey;  // "" on the sign-in page: any patient's waiting entries are counted
  var list = box.querySelector("ul");
  var done = [];  // outcomes of this page's sends, shown until the page is left

  if (key && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(box.dataset.worker, { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "send-waiting-entries") sendWaiting();
    });
  }

  function database() {
    return new Promise(function (resolve, reject) {
      if (!canKeep) throw new Error("no IndexedDB");
      var request = indexedDB.open("ldn-journal", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("outbox", { keyPath: "id", autoIncrement: true }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function outbox(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction("outbox", mode);
        var request = work(transaction.objectStore("outbox"));
        transaction.oncomplete = function () { db.close(); resolve(request && request.result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }
  function waiting() {
    return outbox("readonly", function (store) { return store.getAll(); }).then(function (records) {
      return records.filter(function (record) { return !key || record.key === key; });
    });
  }
  function put(record) { return outbox("readwrite", function (store) { return store.put(record); }); }
  function remove(id) { return outbox("readwrite", function (store) { return store.delete(id); }); }

  function text(name, day) { return box.dataset[name].replace("{day}", day); }
  function item(message, record) {
    var li = document.createElement("li");
    li.className = "outbox-" + (record ? record.state : "sent");
    var p = document.createElement("p");
    p.textContent = message;
    li.appendChild(p);
    return li;
  }
  function show() {
    return waiting().catch(function () { return []; }).then(function (records) {
      list.textContent = "";
      if (!key && records.length) list.appendChild(item(box.dataset.textSignIn.replace("{count}", records.length), { state: "waiting" }));
      if (key) records.forEach(function (record) { list.appendChild(recordItem(record)); });
      done.forEach(function (li) { list.appendChild(li); });
      box.hidden = !list.children.length;
    });
  }
  function recordItem(record) {
    if (record.state !== "refused") {
      var state = item(text(navigator.onLine ? (record.signIn ? "textSignInAgain" : "textSending") : "textWaiting", record.day), record);
      if (navigator.onLine && record.signIn) {
        var signIn = document.createElement("a");
        signIn.href = box.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname);
        signIn.textContent = box.dataset.textSignInLink;
        state.appendChild(signIn);
      }
      return state;
    }
    var li = item(text("textRefused", record.day), record);
    var reasons = document.createElement("ul");
    record.errors.forEach(function (error) {
      var reason = document.createElement("li");
      reason.textContent = error;
      reasons.appendChild(reason);
    });
    li.appendChild(reasons);
    var restore = document.createElement("a");
    restore.className = "button small";
    restore.href = box.dataset.entryUrl + "?date=" + encodeURIComponent(record.date) + "#restore-" + record.id;
    restore.textContent = box.dataset.textRestore;
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button small";
    discard.textContent = box.dataset.textDiscard;
    discard.addEventListener("click", function () { remove(record.id).then(show); });
    li.append(restore, " ", discard);
    return li;
  }

  // Saving offline: the form's values are kept (a second save of the same day replaces the
  // first, as it would on the server) instead of a request that cannot leave the phone.
  function keep(form) {
    var body = new URLSearchParams(new FormData(form));
    body.delete("csrfmiddlewaretoken");
    var date = body.get("entry_date");
    return waiting().then(function (records) {
      var same = records.find(function (record) { return record.date === date; });
      var record = { key: key, url: form.action, body: body.toString(), date: date, day: form.dataset.dayLabel, state: "waiting", errors: [], savedAt: Date.now() };
      if (same) record.id = same.id;
      return put(record);
    }).then(function () {
      if ("serviceWorker" in navigator && window.SyncManager) {
        navigator.serviceWorker.ready.then(function (registration) { return registration.sync.register("send-waiting-entries"); }).catch(function () {});
      }
      return show();
    }).catch(function () {
      // Nothing was kept: say so (the values are still in the form, to save once online).
      done.push(item(box.dataset.textNotKept, { state: "waiting" }));
      return show();
    }).then(function () {
      box.scrollIntoView({ block: "start" });
      box.focus({ preventScroll: true });
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!key || !form.matches("[data-offline-entry]") || navigator.onLine) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    keep(form);
  }, true);
  document.addEventListener("htmx:sendError", function (event) {  // a connection that only seemed to be there
    var form = event.detail.elt;
    if (key && form && form.matches && form.matches("[data-offline-entry]")) keep(form);
  });

  // The token comes from a page of this session fetched now (never the page's own copy, which
  // may be one kept from an earlier session); the page must be this patient's.
  function freshToken() {
    return fetch(box.dataset.entryUrl, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok || response.headers.get("X-Offline-Page") !== key) return null;
      return response.text().then(function (html) {
        var input = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : null;
      });
    });
  }
  function sendOne(record, token) {
    var body = new URLSearchParams(record.body);
    body.set("csrfmiddlewaretoken", token);
    return fetch(record.url, {
      method: "POST", credentials: "same-origin", headers: { "HX-Request": "true", "X-CSRFToken": token }, body: body,
    }).then(function (response) {
      if (!response.ok || response.headers.get("HX-Redirect")) return null;  // tried again later
      return response.text();
    }).then(function (html) {
      if (html === null) return;
      var answer = new DOMParser().parseFromString(html, "text/html");
      var saved = answer.querySelector("[data-outcome]");
      if (saved) {
        var message = text(saved.dataset.outcome === "replaced" ? "textReplaced" : "textSent", record.day);
        done.push(item(message, null));
        return remove(record.id);
      }
      var errors = Array.prototype.map.call(answer.querySelectorAll(".error-summary li"), function (li) { return li.textContent.trim(); });
      if (!errors.length) return;
      record.state = "refused";
      record.errors = errors;
      return put(record);
    });
  }
  var sending = false;
  function sendWaiting() {
    if (!key || sending || !navigator.onLine) return;
    sending = true;
    waiting().then(function (records) {
      var ready = records.filter(function (record) { return record.state === "waiting"; });
      if (!ready.length) return;
      return freshToken().then(function (token) {
        if (!token) return Promise.all(ready.map(function (record) { record.signIn = true; return put(record); }));
        return ready.reduce(function (previous, record) {
          return previous.then(function () { record.signIn = false; return sendOne(record, token); });
        }, Promise.resolve());
      });
    }).catch(function () {}).then(function () { sending = false; return show(); });
  }

  // "Put it back in the form": a refused entry's values fill the entry form, to correct and save.
  function restore() {
    var match = /^#restore-(\d+)$/.exec(window.location.hash);
    var form = document.querySelector("form[data-offline-entry]");
    if (!match || !form) return Promise.resolve();
    return waiting().then(function (records) {
      var record = records.find(function (candidate) { return candidate.id === Number(match[1]); });
      if (!record) return;
      new URLSearchParams(record.body).forEach(function (value, name) {
        if (name === "entry_date") return;
        form.querySelectorAll('[name="' + CSS.escape(name) + '"]').forEach(function (field) {
          if (field.type === "radio" || field.type === "checkbox") field.checked = field.value === value;
          else field.value = value;
        });
      });
      var details = form.querySelector("details.side-effects");
      if (details && /side_/.test(record.body)) details.open = true;
      return remove(record.id);
    });
  }

  var notice = document.getElementById("offline-notice");
  function connection() {
    if (notice) {
      var kept = notice.dataset.keptCopy === "yes";
      // The service worker shows a kept copy only when the server could not be reached: that is
      // offline, whatever navigator.onLine says (it stays true on a Wi-Fi with no way out).
      var offline = kept || !navigator.onLine;
      notice.textContent = kept ? notice.dataset.textKept : "";
      if (offline) notice.textContent += (kept ? " " : "") + notice.dataset.textOffline;
      // A form kept on another day saves an entry for that day: say which.
      var form = document.querySelector("form[data-offline-entry]");
      var now = new Date();
      var phoneDay = [now.getFullYear(), String(now.getMonth() + 1).padStart(2, "0"), String(now.getDate()).padStart(2, "0")].join("-");
      if (kept && form && form.elements.entry_date && form.elements.entry_date.value !== phoneDay) {
        notice.textContent += " " + notice.dataset.textFormDay.replace("{day}", form.dataset.dayLabel);
      }
      notice.hidden = !notice.textContent;
    }
    if (navigator.onLine) sendWaiting();
    else show();
  }
  window.addEventListener("online", connection);
  window.addEventListener("offline", connection);
  restore().catch(function () {}).then(show).then(connection);
})();
