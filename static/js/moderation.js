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
