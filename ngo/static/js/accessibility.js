/* Accessibility toolbar, made quicker: applies a choice without reloading the page.
   Without this script every button still works as a plain form submit (303 back).
   It posts the same form with fetch, asks for JSON, then restyles <html> in place,
   updates aria-pressed, keeps focus on the pressed button and announces the change
   in the toolbar's polite status region. No framework, no inline styles or scripts. */
(function () {
  "use strict";

  var root = document.documentElement;
  var queue = Promise.resolve();

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function applyClasses(htmlClass) {
    Array.prototype.slice.call(root.classList).forEach(function (name) {
      if (name.indexOf("a11y-") === 0) root.classList.remove(name);
    });
    htmlClass.split(" ").forEach(function (name) {
      if (name) root.classList.add(name);
    });
  }

  /* Custom colours go through the CSSOM, which the Content-Security-Policy allows. */
  function applyColors(state) {
    var style = root.style;
    if (state.custom) {
      style.setProperty("--bg", state.custom.bg);
      style.setProperty("--fg", state.custom.fg);
      style.setProperty("color-scheme", state.colorScheme);
    } else {
      style.removeProperty("--bg");
      style.removeProperty("--fg");
      style.removeProperty("color-scheme");
    }
    if (!style.length) root.removeAttribute("style");
  }

  function applyPressed(pressed) {
    each("form[data-a11y-form] button[aria-pressed]", function (button) {
      if (Object.prototype.hasOwnProperty.call(pressed, button.name)) {
        button.setAttribute("aria-pressed", String(button.value === pressed[button.name]));
      }
    });
  }

  function applyToolbar(open) {
    var toggle = document.getElementById("a11y-toggle");
    var panel = document.getElementById("a11y-panel");
    if (!toggle || !panel) return;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.value = open ? "closed" : "open";
  }

  function applyPair(state) {
    each("input[data-a11y-color]", function (input) {
      input.value = state.colors[input.getAttribute("data-a11y-color")];
      input.removeAttribute("aria-invalid");
    });
    each("[data-a11y-fg]", function (el) { el.textContent = state.colors.fg; });
    each("[data-a11y-bg]", function (el) { el.textContent = state.colors.bg; });
    each("[data-a11y-contrast]", function (el) { el.textContent = state.contrast; });
    each("[data-a11y-warning]", function (el) { el.hidden = !state.lowContrast; });
  }

  /* Clear, then fill on the next turn, so a repeated message is announced again. */
  function announce(message) {
    each("[data-a11y-status]", function (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = message; }, 100);
    });
  }

  function apply(state, submitter) {
    applyClasses(state.htmlClass);
    applyColors(state);
    applyPressed(state.pressed);
    applyToolbar(state.toolbar === "open");
    applyPair(state);
    if (document.activeElement !== submitter) submitter.focus();
    if (submitter.scrollIntoView) submitter.scrollIntoView({ block: "nearest" });
    announce(state.message);
  }

  /* When anything goes wrong, submit the old way: the server explains (400 page). */
  function fallback(form, submitter) {
    form.setAttribute("data-a11y-native", "");
    if (form.requestSubmit) form.requestSubmit(submitter);
    else form.submit();
  }

  function send(form, submitter) {
    var body = new FormData(form);
    if (submitter.name) body.append(submitter.name, submitter.value);
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (state) {
      apply(state, submitter);
    }).catch(function () {
      fallback(form, submitter);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (!form.hasAttribute || !form.hasAttribute("data-a11y-form")) return;
    if (form.hasAttribute("data-a11y-native") || !submitter || !window.fetch) return;
    event.preventDefault();
    /* One request at a time, in order: each answer's cookie is the next one's base. */
    queue = queue.then(function () { return send(form, submitter); });
  });
})();
