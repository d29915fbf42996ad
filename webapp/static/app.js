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

  // A refusal or an error meant for the page's notice area (expired page, no permission, too large, server error)
  // comes with its true status and HX-Retarget: #session-alert. Show it there; the form and its text stay as they are.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 400 && xhr.getResponseHeader("HX-Retarget") === "#session-alert") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // No answer at all (network down, server restarting): say so instead of failing silently.
  document.addEventListener("htmx:sendError", function () {
    var alert = document.getElementById("session-alert");
    if (alert) {
      alert.innerHTML = "";
      var box = document.createElement("p");
      box.className = "flash flash--warning";
      box.setAttribute("role", "alert");
      box.textContent = "网络连接失败，本次内容没有保存，但仍保留在页面上。请检查网络后再次点击保存。";
      alert.appendChild(box);
    }
  });

  // The import preview (导入Word申报书): a "whole section / 环节 / 场景" box ticks or clears every box inside it; clearing
  // one box clears the boxes around it, so that the server (which takes a ticked whole box as everything in it) gets
  // exactly what is ticked. Without this script the whole-part boxes simply take their part.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('.wi-preview input[name="pick"]')) return;
    var scope = box.closest("[data-import-scope]");
    if (box.hasAttribute("data-import-toggle") && scope) {
      scope.querySelectorAll('input[name="pick"]').forEach(function (other) { other.checked = box.checked; });
    }
    if (!box.checked) {
      for (var s = scope; s; s = s.parentElement ? s.parentElement.closest("[data-import-scope]") : null) {
        var own = s.querySelector("[data-import-toggle]");   // a part's own box comes first in it
        if (own && own !== box) own.checked = false;
      }
    }
  });
})();
