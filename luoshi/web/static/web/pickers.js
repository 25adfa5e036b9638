/* Unit pickers: every <select data-picker> (luoshi/units/widgets.py) becomes a searchable
   combobox (Tom Select, vendored in static/vendor). What is typed matches the unit's name, the
   pinyin initials of its Chinese name (data-initials: "yjglt" for 应急管理厅) or its full pinyin
   (data-pinyin). A multiple select shows its choices as chips with a × to remove each.
   Without JavaScript the plain select stays; the select stays in the page under the combobox
   and holds the value the form sends (htmx forms included). Forms that htmx brings in are
   enhanced on htmx:load. */
(function () {
  "use strict";

  function escapeText(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  function enhance(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") return;
    var multiple = select.multiple;
    var empty = select.dataset.noResults || "";
    var help = select.id && document.getElementById(select.id + "_helptext");
    new window.TomSelect(select, {
      plugins: multiple ? { remove_button: { title: select.dataset.removeLabel || "×" } } : {},
      searchField: ["text", "initials", "pinyin"],
      // Tree order while nothing is typed; the best match first once something is.
      sortField: [{ field: "$score" }, { field: "$order" }],
      maxOptions: null,
      // Filter at each key: a hundred units are quick to search, and a list refreshed late
      // would open again after a quick tap had chosen.
      refreshThrottle: 0,
      allowEmptyOption: !multiple,
      hideSelected: multiple,
      closeAfterSelect: !multiple,
      render: {
        option: function (data, escape) { return "<div>" + escape(data.text) + "</div>"; },
        // Chips and the chosen unit without the tree's indentation.
        item: function (data, escape) { return "<div>" + escape(String(data.text).trim()) + "</div>"; },
        no_results: function () { return '<div class="no-results">' + escapeText(empty) + "</div>"; }
      }
    });
    if (multiple && help && select.dataset.pickerHelp) help.textContent = select.dataset.pickerHelp;
  }

  function enhanceAll(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("select[data-picker]")) enhance(root);
    root.querySelectorAll("select[data-picker]").forEach(enhance);
  }

  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
})();
