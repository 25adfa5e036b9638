// Meeting pages: link list items to their source sentence in the readout, show removed
// review rows, and stop a form from being sent twice. Everything works without this file:
// the links are anchors and the marks are plain <mark> elements.
(function () {
  "use strict";

  function emphasise(id, scroll) {
    var mark = document.getElementById(id);
    if (!mark) return;
    document.querySelectorAll("mark.src.is-current").forEach(function (m) { m.classList.remove("is-current"); });
    mark.classList.add("is-current");
    if (scroll) mark.scrollIntoView({ behavior: "smooth", block: "center", inline: "nearest" });
  }

  function rowOf(id) {
    return document.querySelector('fieldset.row-card[data-mark="' + id + '"]');
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-mark]");
    if (link) {
      // Stay where we are and bring the sentence into view inside the readout pane.
      event.preventDefault();
      emphasise(link.dataset.mark, true);
      return;
    }
    var mark = event.target.closest("mark.src");
    if (mark) {
      var row = rowOf(mark.id) || document.getElementById("directive-" + mark.id.slice(1));
      emphasise(mark.id, false);
      if (row) {
        var details = row.querySelector("details.row-details");
        if (details) details.open = true;  // a review row folded to one line opens
        document.querySelectorAll("fieldset.row-card.is-current").forEach(function (r) { r.classList.remove("is-current"); });
        row.classList.add("is-current");
        row.scrollIntoView({ behavior: "smooth", block: "nearest" });
      }
    }
  });

  document.addEventListener("focusin", function (event) {
    var row = event.target.closest("fieldset.row-card[data-mark]");
    if (!row || row.classList.contains("is-current")) return;
    document.querySelectorAll("fieldset.row-card.is-current").forEach(function (r) { r.classList.remove("is-current"); });
    row.classList.add("is-current");
    emphasise(row.dataset.mark, true);
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type === "checkbox" && /-DELETE$/.test(box.name)) {
      box.closest("fieldset.row-card").classList.toggle("is-removed", box.checked);
    }
  });
  document.querySelectorAll('input[type="checkbox"][name$="-DELETE"]:checked').forEach(function (box) {
    box.closest("fieldset.row-card").classList.add("is-removed");
  });

  // One submission per form: a double click must not post twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll('button[type="submit"]').forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (f) { delete f.dataset.sent; });
  });
})();
