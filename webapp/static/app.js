/* Progressive enhancement only: every form works without this file. */
(function () {
  "use strict";

  // ---- length limits: the counter says how much is over; nothing typed or pasted is ever cut --------------------

  function textLength(value) {
    return Array.from(value.replace(/\r\n/g, "\n").trim()).length;
  }

  function updateCounter(input) {
    var limit = parseInt(input.getAttribute("data-counter"), 10);
    var counter = document.querySelector('[data-counter-for="' + input.id + '"]');
    if (!counter || !limit) return;
    var length = textLength(input.value);
    var over = length - limit;
    counter.textContent = length + " / " + limit + (over > 0 ? " · 超出 " + over + " 字" : "");
    counter.classList.toggle("counter--over", over > 0);
  }

  function initCounters(root) {
    root.querySelectorAll("[data-counter]").forEach(updateCounter);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-counter]")) updateCounter(event.target);
  });

  // ---- unsaved changes: a local copy in this browser, offered back; a question before leaving -------------------
  // Forms marked data-local-copy="<key>" (the section forms). Their values are kept in localStorage while they
  // differ from what the server sent, so that a session timeout, a crash or a closed tab loses nothing; the copy is
  // dropped once the server has saved the section.

  var PREFIX = "hb-unsaved:";
  var leaving = false;

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function valuesOf(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "version" || el.disabled) return;
      if (["hidden", "submit", "button", "file", "reset"].indexOf(el.type) >= 0) return;
      var list = values[el.name] || (values[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) list.push(el.value);
      } else {
        list.push(el.value);
      }
    });
    return values;
  }

  function setValues(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) || el.type === "hidden" || el.type === "file") return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values[el.name].indexOf(el.value) >= 0;
      } else if (values[el.name].length) {
        el.value = values[el.name][0];
      }
    });
    initCounters(form);
  }

  // What the server holds for each form (its values when the page or the last successful save came).
  var savedValues = {};

  function keyOf(form) { return PREFIX + form.getAttribute("data-local-copy"); }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function isDirty(form) {
    var saved = savedValues[keyOf(form)];
    return saved !== undefined && !same(valuesOf(form), saved);
  }

  function anyDirty() {
    return Array.prototype.some.call(document.querySelectorAll("form[data-local-copy]"), isDirty);
  }

  function remember(form) {
    var store = storage();
    if (!store || savedValues[keyOf(form)] === undefined) return;
    if (isDirty(form)) {
      store.setItem(keyOf(form), JSON.stringify({values: valuesOf(form), at: new Date().toISOString()}));
    } else {
      store.removeItem(keyOf(form));
    }
  }

  function forget(form) {
    var store = storage();
    if (store) store.removeItem(keyOf(form));
    savedValues[keyOf(form)] = valuesOf(form);
  }

  function offerLocalCopy(form) {
    var store = storage();
    var raw = store && store.getItem(keyOf(form));
    if (!raw) return;
    var copy;
    try { copy = JSON.parse(raw); } catch (e) { store.removeItem(keyOf(form)); return; }
    if (!copy || !copy.values || same(copy.values, savedValues[keyOf(form)])) {
      store.removeItem(keyOf(form));
      return;
    }
    var when = new Date(copy.at);
    var box = document.createElement("div");
    box.className = "local-copy";
    box.setAttribute("role", "alert");
    box.innerHTML = '<p><strong>本部分有尚未保存的内容</strong>（' + when.toLocaleString("zh-CN", {hour12: false}) +
      '，暂存在本机浏览器中，可能因登录超时、断网或关闭页面而没有保存）。</p>' +
      '<p><button type="button" class="button button--primary button--small" data-local-restore>恢复未保存的内容</button> ' +
      '<button type="button" class="button button--small" data-local-discard>丢弃</button></p>';
    box.querySelector("[data-local-restore]").addEventListener("click", function () {
      setValues(form, copy.values);
      box.remove();
      var first = form.querySelector("input:not([type=hidden]), textarea, select");
      if (first) first.focus();
    });
    box.querySelector("[data-local-discard]").addEventListener("click", function () {
      store.removeItem(keyOf(form));
      box.remove();
    });
    var heading = form.querySelector("h2");
    form.insertBefore(box, heading ? heading.nextSibling : form.firstChild);
  }

  // A form from the page load: its values are the saved ones; a local copy that differs is offered back. A form
  // swapped in by a save: saved (its values are the new saved ones), or refused (what was typed is still unsaved).
  function initLocalCopies(root, swapped) {
    var forms = root.matches && root.matches("form[data-local-copy]") ? [root] : [];
    forms = forms.concat(Array.prototype.slice.call(root.querySelectorAll("form[data-local-copy]")));
    forms.forEach(function (form) {
      var key = keyOf(form);
      if (form.querySelector(".saved-state") || savedValues[key] === undefined) {
        if (swapped) forget(form); else savedValues[key] = valuesOf(form);
      }
      if (!swapped) offerLocalCopy(form);
    });
  }

  var timer = null;
  function onEdit(event) {
    var form = event.target.form || (event.target.closest && event.target.closest("form"));
    if (!form || !form.hasAttribute("data-local-copy")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { remember(form); }, 300);
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  window.addEventListener("beforeunload", function (event) {
    document.querySelectorAll("form[data-local-copy]").forEach(remember);
    if (leaving || !anyDirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // A link away from a section with unsaved changes asks first (the section list, the header, everything).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || link.hasAttribute("download") || link.target === "_blank") return;
    var href = link.getAttribute("href");
    if (!href || href.charAt(0) === "#" || !anyDirty()) return;
    if (window.confirm("本部分有修改尚未保存。离开后，这些内容仍暂存在本机浏览器中，回到本部分时可以恢复。\n\n确定离开吗？")) {
      leaving = true;
      document.querySelectorAll("form[data-local-copy]").forEach(remember);
    } else {
      event.preventDefault();
    }
  }, true);

  // A form submitted normally (no HTMX) leaves the page on purpose.
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) leaving = true;
  });

  // ---- an edit that voids the 盖章版 asks first (the section forms ask on the server, for every browser) ----------

  var restampConfirmed = false;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var pane = form.closest && form.closest("[data-restamp]");
    if (!pane || restampConfirmed || form.id === "section-form" || form.hasAttribute("data-no-restamp")) return;
    if (window.confirm(pane.getAttribute("data-restamp"))) {
      restampConfirmed = true;
    } else {
      event.preventDefault();
      event.stopImmediatePropagation();
      leaving = false;
    }
  }, true);

  // ---- HTMX answers ----------------------------------------------------------------------------------------------

  // A successful 保存并继续 answers with HX-Redirect: the section is saved, leaving is expected.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status < 300 && xhr.getResponseHeader("HX-Redirect")) {
      var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-local-copy]");
      if (form) forget(form);
      leaving = true;
    }
  });

  // Focus follows the answer: the error summary after a refusal, the status message after a save, never <body>.
  function focusAnswer(root) {
    var target = root.querySelector ? root.querySelector("[data-focus]") : null;
    if (!target && root.matches && root.matches("[data-focus]")) target = root;
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({preventScroll: false});
    target.removeAttribute("data-focus");
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt && document.body.contains(event.detail.elt) ? event.detail.elt : document;
    initCounters(root);
    initLocalCopies(root, true);
    focusAnswer(root);
  });

  document.addEventListener("DOMContentLoaded", function () {
    initCounters(document);
    initLocalCopies(document, false);
    var summary = document.querySelector(".error-summary[data-focus]");
    if (summary) focusAnswer(summary);
  });

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
      box.textContent = "网络连接失败，本次内容没有保存，但仍保留在页面上（也暂存在本机浏览器中）。请检查网络后再次点击保存。";
      alert.appendChild(box);
    }
  });

  // Logging out on purpose ends the local copies of this browser (a shared computer keeps no one's text).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-logout]")) return;
    if (anyDirty() && !window.confirm("本部分有修改尚未保存，退出后将不再保留。确定退出吗？")) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    leaving = true;
    var store = storage();
    if (!store) return;
    Object.keys(store).filter(function (key) { return key.indexOf(PREFIX) === 0; })
      .forEach(function (key) { store.removeItem(key); });
  }, true);

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
