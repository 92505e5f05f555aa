// The live inbox: new arrivals appear without reloading. Progressive enhancement only:
// without this script the inbox still loads, and its "Refresh the list" link reloads it.
//
// The page's live part comes from GET /events (server-sent events fed by the relay's long
// poll); each "inbox" event carries that part as the inbox page renders it. This script
// swaps it in, announces the new rows in the page's status region, and for FLASH and
// IMMEDIATE raises a browser notification once the user allowed them with the button.
// A notification shows the urgency, EXERCISE and the sender's id, never the subject:
// it may show on a locked screen or to someone passing by (as poc watch --notify).
"use strict";

(function () {
  const bar = document.getElementById("live-bar");
  const region = document.getElementById("inbox-live");
  if (!bar || !region || !window.EventSource) return;
  const text = bar.dataset;
  const state = document.getElementById("live-state");
  const announcer = document.getElementById("live-announce");
  const notifyButton = document.getElementById("live-notify");
  const notifyState = document.getElementById("live-notify-state");
  const urgent = ["flash", "immediate"];

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
  }

  // What the page shows of each message row: its id (from its link), urgency and marks.
  function rows() {
    const found = [];
    for (const row of region.querySelectorAll("table.inbox tbody tr")) {
      const link = row.querySelector("a[href^='/message/']");
      if (!link) continue;
      const urgency = (row.className.match(/\brow-(\w+)/) || [])[1] || "";
      found.push({
        id: link.getAttribute("href").slice("/message/".length),
        href: link.getAttribute("href"),
        urgency: urgency,
        urgencyLabel: (row.querySelector(".urgency") || {}).textContent || urgency.toUpperCase(),
        exercise: row.classList.contains("exercise"),
        from: (row.querySelector("bdi") || {}).textContent || "",
      });
    }
    return found;
  }

  function describe(row) {
    return fill(row.exercise ? text.arrivedExercise : text.arrived, { urgency: row.urgencyLabel, from: row.from });
  }

  function notificationsAllowed() {
    return "Notification" in window && window.Notification.permission === "granted";
  }

  function notify(row) {
    if (!notificationsAllowed()) return;
    const title = fill(row.exercise ? text.notifyTitleExercise : text.notifyTitle, { urgency: row.urgencyLabel });
    const options = {
      body: fill(text.notifyBody, { from: row.from }),
      tag: "poc-" + row.id,
      lang: document.documentElement.lang,
      dir: document.documentElement.dir === "rtl" ? "rtl" : "ltr",
    };
    try {
      const note = new window.Notification(title, options);
      note.onclick = () => {
        window.focus();
        window.location.href = row.href;
      };
    } catch (ignored) {
      // A browser that allows notifications only from a service worker: the page still announces.
    }
  }

  // Keeps keyboard focus on the same link or button when the list is replaced.
  function focusKey() {
    const active = document.activeElement;
    if (!active || !region.contains(active)) return null;
    if (active.getAttribute("href")) return "[href='" + CSS.escape(active.getAttribute("href")) + "']";
    const form = active.closest("form");
    if (form && form.getAttribute("action")) return "form[action='" + CSS.escape(form.getAttribute("action")) + "'] button";
    return null;
  }

  // The live part as shown, serialized by this browser as it serializes an event's: the
  // first event after connecting usually matches the page just loaded, and is not swapped
  // in (nothing moves under the user's pointer or focus).
  let shown = region.innerHTML.replace("<!--live-->", "").replace("<!--/live-->", "").trim();

  function replace(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const incoming = template.innerHTML.trim();
    if (incoming === shown) return;
    shown = incoming;
    const before = new Set(rows().map((row) => row.id));
    const focused = focusKey();
    region.replaceChildren(template.content);
    if (focused) {
      const again = region.querySelector(focused);
      if (again) again.focus();
    }
    const arrived = rows().filter((row) => !before.has(row.id));
    if (arrived.length === 0) return;
    announcer.textContent =
      arrived.length > 3 ? fill(text.arrivedMany, { count: String(arrived.length) }) : arrived.map(describe).join(" ");
    for (const row of arrived) if (urgent.includes(row.urgency)) notify(row);
  }

  function showNotifyState() {
    if (!("Notification" in window)) return;
    const permission = window.Notification.permission;
    notifyButton.hidden = permission !== "default";
    notifyState.hidden = permission === "default";
    notifyState.textContent = permission === "granted" ? text.notifyOn : permission === "denied" ? text.notifyBlocked : "";
  }

  // Permission is asked only when the user presses the button, never on page load.
  notifyButton.addEventListener("click", () => {
    const asked = window.Notification.requestPermission(showNotifyState);
    if (asked && asked.then) asked.then(showNotifyState);
  });
  showNotifyState();

  const source = new EventSource("/events");
  source.addEventListener("open", () => {
    state.textContent = text.on;
  });
  source.addEventListener("inbox", (event) => {
    state.textContent = text.on;
    replace(event.data);
    region.dataset.live = "current";
  });
  source.addEventListener("unreachable", () => {
    state.textContent = text.unreachable;
  });
  // The keys locked: reload, which shows the unlock page and takes the list off the screen.
  source.addEventListener("locked", () => {
    source.close();
    window.location.reload();
  });
  source.addEventListener("stopped", () => {
    source.close();
    state.textContent = text.stopped;
  });
  source.addEventListener("error", () => {
    state.textContent = source.readyState === EventSource.CLOSED ? text.stopped : text.retrying;
  });
})();
