// Progressive enhancement of the moderation pages; every form works without this file.
(function () {
  "use strict";

  // Queue: "select all" checks the items of the page, and the bulk form counts the selection.
  var all = document.getElementById("select-all");
  var count = document.getElementById("bulk-count");
  if (all && count) {
    var boxes = Array.prototype.slice.call(
      document.querySelectorAll("input[type=checkbox][form=bulk-form][name=comment_ids]"));
    var show = function () {
      var checked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
      var text = checked === 0 ? count.dataset.none : checked === 1 ? count.dataset.one : count.dataset.many;
      count.textContent = text.replace("{n}", String(checked));
    };
    if (all.checked) {
      boxes.forEach(function (box) { box.checked = true; });
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      show();
    });
    boxes.forEach(function (box) { box.addEventListener("change", show); });
    count.hidden = false;
    show();
  }
})();

// Comment page: a passage marked in the comment's text goes into the redaction field with one
// button, one passage per line; the field itself (paste the exact passage) works without this.
(function () {
  "use strict";

  var source = document.getElementById("redact-source");
  var take = document.getElementById("redact-take");
  var field = document.getElementById("redact-passages");
  var status = document.getElementById("redact-status");
  if (!source || !take || !field || !status) {
    return;
  }
  var marked = "";
  // Remember the last selection inside the comment: pressing the button may move the focus.
  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (selection && selection.rangeCount && !selection.isCollapsed &&
        source.contains(selection.getRangeAt(0).commonAncestorContainer)) {
      marked = selection.toString();
    }
  });
  take.addEventListener("click", function () {
    var passages = marked.split(/\r?\n/).map(function (line) { return line.trim(); })
      .filter(function (line) { return line.length > 0; });
    if (!passages.length) {
      status.textContent = status.dataset.none;
      return;
    }
    var lines = field.value.split(/\r?\n/).filter(function (line) { return line.trim().length > 0; });
    passages.forEach(function (passage) {
      if (lines.indexOf(passage) < 0) {
        lines.push(passage);
      }
    });
    field.value = lines.join("\n");
    status.textContent = status.dataset.taken.replace("{passage}", "„" + passages.join(" / ") + "“");
    marked = "";
  });
  take.parentNode.hidden = false;
  document.getElementById("redact-help").hidden = false;
})();
