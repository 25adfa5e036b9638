// Irreversible actions ask first: a form with data-confirm="question" is sent (by the browser
// or by htmx) only when the user agrees. The question is translated by the template; this file
// shows no text of its own. It listens in the capture phase on the document, so it runs before
// htmx's handler on the form and can stop the submission before anything is sent.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute ? form.getAttribute("data-confirm") : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
