// The header menu on narrow screens: without JavaScript the navigation simply stays open.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // htmx would add a <style> element for its indicators; the CSP allows no inline style.
  if (window.htmx) { window.htmx.config.includeIndicatorStyles = false; }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".nav-toggle");
    var header = document.querySelector("header.top");
    if (!button || !header || !document.getElementById("site-nav")) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("open")) {
        header.classList.remove("open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  });
})();
