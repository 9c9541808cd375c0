/* "Copy link" on a statement page: shown only where this script may write to the
   clipboard; says "Link copied" (or that it could not) in the share section's
   status region, in the page's language (the button's data attributes). */
(function () {
  "use strict";
  var button = document.querySelector(".share__button[data-share-url]");
  if (!button || !window.isSecureContext || !navigator.clipboard) return;
  var status = document.querySelector(".share__status");

  function say(text) {
    if (!status) return;
    // Emptied first, so the same words are announced again on a second click.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 100);
  }

  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.getAttribute("data-share-url")).then(
      function () { say(button.getAttribute("data-copied")); },
      function () { say(button.getAttribute("data-failed")); }
    );
  });
  button.parentNode.hidden = false;
})();
