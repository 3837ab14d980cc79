/* Live progress of a send (no inline script: CSP is script-src 'self').
   The section carries data-send-status-url, a staff JSON route answering
   {status, total, sent, failed, pending, suppressed, already_received, percent};
   this polls it until the worker marks the send done, and fills in the
   <progress> bar and the [data-field] figures. Without JavaScript the page's
   Refresh link shows the same figures. */
(function () {
  "use strict";
  var INTERVAL = 700;
  var MAX_FAILURES = 20;
  var box = document.querySelector("[data-send-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-send-status-url");
  var bar = box.querySelector("progress");
  var failures = 0;

  function show(state) {
    var failed = state.status === "failed";  // the email could not be built: polling again changes nothing
    var done = failed || (state.status === "done" && state.percent === 100);
    Object.keys(state).forEach(function (key) {
      var field = box.querySelector("[data-field=" + key + "]");
      if (field) {
        field.textContent = key === "percent" ? state.percent + " %" : String(state[key]);
      }
    });
    var label = box.querySelector("[data-field=label]");
    if (label) {
      label.textContent = failed ? "Failed" : done ? "Finished" : (state.status === "running" ? "Sending" : "Queued");
    }
    if (bar) {
      bar.value = state.percent;
      bar.textContent = state.percent + " %";
    }
    box.setAttribute("data-status", state.status);
    return done;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        if (!show(state)) {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < MAX_FAILURES) {
          window.setTimeout(poll, INTERVAL * failures);
        }
      });
  }

  poll();
}());
