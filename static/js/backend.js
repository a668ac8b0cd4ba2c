// Progressive enhancement for staff forms; every form works without this file.
(function () {
  "use strict";

  // Move focus to the error summary after a failed submit, so that screen reader and
  // keyboard users learn at once what needs correcting.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  // Links in the summary point at fields; focus the field itself, not only scroll to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    if (target.tagName === "FIELDSET") {
      target = target.querySelector("input, select, textarea") || target;
    }
    event.preventDefault();
    target.scrollIntoView();
    target.focus();
  });
})();
