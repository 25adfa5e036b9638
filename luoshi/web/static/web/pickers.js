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
    // "Hold Ctrl (⌘ on a Mac) to choose several" is for the plain select: the picker says how
    // it is used instead. Other help (what an empty choice means) stays.
    if (multiple && help && select.dataset.pickerHelp && help.textContent.indexOf("⌘") !== -1) {
      help.textContent = select.dataset.pickerHelp;
    }
  }

  // The ledger's meeting field (input[data-picker=meeting]): there are thousands of meetings,
  // so the server suggests them (data-suggest-url answers a <datalist>, by title, date or
  // pinyin initials, each option with its initials) and the combobox filters what it answered
  // as one types, as the server does. What is typed may also be kept
  // as it is (a part of a title, a date), as in the plain field.
  function meetingOptions(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return Array.prototype.map.call(template.content.querySelectorAll("option"), function (option) {
      return { value: option.value, initials: option.dataset.initials || "" };
    });
  }

  function enhanceMeeting(input) {
    if (input.tomselect || typeof window.TomSelect !== "function" || !input.dataset.suggestUrl) return;
    var list = document.getElementById(input.getAttribute("list") || "");
    var initial = list ? meetingOptions(list.outerHTML) : [];
    var url = input.dataset.suggestUrl, empty = input.dataset.noResults || "", look = input.dataset.createLabel || "";
    input.removeAttribute("list");
    new window.TomSelect(input, {
      maxItems: 1, create: true, createOnBlur: true, persist: false, delimiter: "\u001f",
      valueField: "value", labelField: "value", searchField: ["value", "initials"], options: initial,
      refreshThrottle: 0,
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var self = this;
        fetch(url + "?meeting=" + encodeURIComponent(query), { credentials: "same-origin", headers: { "HX-Request": "true" } })
          .then(function (response) { return response.ok ? response.text() : ""; })
          .then(function (html) { self.clearOptions(); callback(meetingOptions(html)); })
          .catch(function () { callback(); });
      },
      render: {
        option_create: function (data, escape) { return '<div class="create">' + escapeText(look) + " “" + escape(data.input) + "”</div>"; },
        no_results: function () { return '<div class="no-results">' + escapeText(empty) + "</div>"; }
      }
    });
  }

  function enhanceAll(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("select[data-picker]")) enhance(root);
    root.querySelectorAll("select[data-picker]").forEach(enhance);
    root.querySelectorAll("input[data-picker=meeting]").forEach(enhanceMeeting);
  }

  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
})();
