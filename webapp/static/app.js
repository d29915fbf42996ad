/* Progressive enhancement only: every form works without this file. */
(function () {
  "use strict";

  // Live character counters for fields with data-counter (the server re-checks the limit).
  function updateCounter(input) {
    var limit = parseInt(input.getAttribute("data-counter"), 10);
    var counter = document.querySelector('[data-counter-for="' + input.id + '"]');
    if (!counter || !limit) return;
    var length = Array.from(input.value.trim()).length;
    counter.textContent = length + " / " + limit;
    counter.classList.toggle("counter--over", length > limit);
  }

  function initCounters(root) {
    root.querySelectorAll("[data-counter]").forEach(updateCounter);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-counter]")) updateCounter(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () { initCounters(document); });
  document.addEventListener("htmx:afterSwap", function (event) { initCounters(event.target); });
})();
