/* Live preview for the release editor (no inline script: CSP is script-src 'self').
   The form carries data-preview-url and data-preview-target; while someone types, the
   form (with its CSRF token) is posted to the preview endpoint, debounced, and the pane
   shows the sanitised HTML the server returns. Without JavaScript the editor's
   "Preview" button does the same with a full page. */
(function () {
  "use strict";
  var DELAY = 400;
  var form = document.querySelector("form[data-preview-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var pane = document.getElementById(form.getAttribute("data-preview-target"));
  var status = document.querySelector("[data-preview-status]");
  if (!pane) {
    return;
  }
  var timer = null;
  var sent = 0;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function refresh() {
    var ticket = ++sent;
    pane.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"}
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("preview failed: " + response.status);
      }
      return response.text();
    }).then(function (html) {
      if (ticket === sent) {  // an older answer arriving late must not replace a newer one
        pane.innerHTML = html;  // sanitised by the server (comms.rendering, Jinja autoescape)
        pane.setAttribute("aria-busy", "false");
        say("");
      }
    }).catch(function () {
      if (ticket === sent) {
        pane.setAttribute("aria-busy", "false");
        say("(could not refresh; use the Preview button)");
      }
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY);
  }

  // The embargo is entered in the chosen meeting's time zone: name it as the meeting changes.
  var meeting = form.querySelector("select[name=meeting_id]");
  var zone = form.querySelector("[data-embargo-zone]");
  if (meeting && zone) {
    meeting.addEventListener("change", function () {
      var option = meeting.options[meeting.selectedIndex];
      zone.textContent = (option && option.getAttribute("data-zone")) || "Europe/Zurich";
    });
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.classList.add("live-preview");
}());
