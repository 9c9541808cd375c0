/* Comments, made quicker with JavaScript; everything works without this file.
   - A "Reply" link moves the reply form under its comment instead of reloading
     the page (?replytocom=<id>#respond is what it does without JavaScript).
   - "Cancel reply" puts the form back and makes it a new comment again.
   - After a refused post, focus moves to the error summary.
   Its words come from the page, in the page's language: the heading's data-default
   ("Leave a Reply") and data-reply ("Reply to {name}"). */
(function () {
  "use strict";

  var respond = document.getElementById("respond");
  var form = document.getElementById("commentform");
  if (!respond || !form) {
    return;
  }

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    // The browser's scroll to the page's #respond fragment can take focus back
    // during load: give it to the summary again once the page has loaded.
    window.addEventListener("load", function () {
      if (document.activeElement === document.body || document.activeElement === null) {
        summary.focus();
      }
    });
  }

  var parentInput = document.getElementById("comment_parent");
  var title = document.getElementById("reply-title");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var textarea = document.getElementById("comment");
  var leaveTitle = title && title.getAttribute("data-default");
  var replyTitle = title && title.getAttribute("data-reply");
  if (!parentInput || !title || !cancel || !textarea || !leaveTitle || !replyTitle) {
    return;
  }
  var cancelBox = cancel.parentNode;
  // Marks where the form lives on the page, to put it back after a reply.
  var home = document.createElement("div");
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);
  var cameFrom = null;

  function replyTo(link) {
    var article = link.closest("article");
    if (!article) {
      return false;
    }
    article.insertAdjacentElement("afterend", respond);
    parentInput.value = link.getAttribute("data-comment-id");
    // split/join, not replace: a name may hold "$&" and the like.
    title.textContent = replyTitle.split("{name}").join(link.getAttribute("data-author"));
    cancelBox.hidden = false;
    cameFrom = link;
    textarea.focus();
    return true;
  }

  function cancelReply() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    parentInput.value = "0";
    title.textContent = leaveTitle;
    cancelBox.hidden = true;
    if (cameFrom && document.body.contains(cameFrom)) {
      cameFrom.focus();
    } else {
      textarea.focus();
    }
    cameFrom = null;
  }

  document.addEventListener("click", function (event) {
    // A click meant to open a new tab or window keeps its usual meaning.
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    var target = event.target;
    var link = target && target.closest ? target.closest("a.comment-reply-link") : null;
    if (link && replyTo(link)) {
      event.preventDefault();
    } else if (target && target.closest && target.closest("#cancel-comment-reply-link")) {
      event.preventDefault();
      cancelReply();
    }
  });
})();
