/* The item page, made harder to lose words on and easier to review.

   - A guard: leaving the page with unsaved edits in the item form asks first
     (beforeunload); submitting the form is not leaving.
   - A local draft: while someone types, the item's words are kept in this
     browser's localStorage; coming back after a closed tab or a crash, the
     page offers to put them back. Submitting the form drops the draft: the
     words are then on their way to the server, and a failed save shows them
     again in the form.
   - Review on the rendered text: selecting a passage of the reader's view
     offers "comment on this passage", which fills the new comment's quote.

   Progressive enhancement: the page works without this file. Its words come
   from #editor-strings's data attributes, translated by the template. */
(function () {
  "use strict";

  var DRAFT_FIELDS = ["title", "original_title", "source_url", "body", "remark"];

  function strings() {
    var holder = document.getElementById("editor-strings");
    return holder ? holder.dataset : null;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_match, name) { return values[name]; });
  }

  function clock(date) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      " " + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // Storage switched off: the guard still works.
    }
  }

  /* ---- unsaved changes and local drafts ------------------------------- */

  function setUpEditor(form, text) {
    var store = storage();
    var key = text.draftKey;
    var dirty = false;
    var fields = DRAFT_FIELDS.map(function (name) { return form.elements.namedItem(name); })
      .filter(function (field) { return field && field.tagName && !field.disabled; });
    var status = document.createElement("p");
    status.className = "help draft-status";
    status.setAttribute("aria-live", "polite");
    form.insertBefore(status, form.firstChild);

    function current() {
      var words = {};
      fields.forEach(function (field) { words[field.name] = field.value; });
      return words;
    }

    function same(words) {
      return fields.every(function (field) { return (words[field.name] || "") === field.value; });
    }

    var timer = null;
    function keepDraft() {
      if (!store) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var now = new Date();
        store.setItem(key, JSON.stringify({ words: current(), savedAt: now.toISOString(), version: text.version }));
        status.textContent = format(text.draftSaved, { time: clock(now) });
      }, 800);
    }

    form.addEventListener("input", function (event) {
      dirty = true;
      if (fields.indexOf(event.target) >= 0) { keepDraft(); }
    });
    form.addEventListener("change", function () { dirty = true; });
    // Any submit of the item form, including the workflow buttons outside it.
    // The words travel to the server now, and a failed save shows them again.
    form.addEventListener("submit", function () {
      dirty = false;
      window.clearTimeout(timer);
      if (store) { store.removeItem(key); }
    });

    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return undefined; }
      event.preventDefault();
      event.returnValue = text.unsaved; // Browsers show their own sentence.
      return text.unsaved;
    });

    if (!store) { return; }
    var saved = null;
    try {
      saved = JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      saved = null;
    }
    if (!saved || !saved.words) { return; }
    if (same(saved.words)) {
      // The form already holds these words: saved, or re-shown after a failed save.
      store.removeItem(key);
      return;
    }
    offerDraft(form, saved, text, store, key, function () {
      fields.forEach(function (field) {
        if (Object.prototype.hasOwnProperty.call(saved.words, field.name)) {
          field.value = saved.words[field.name];
          field.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
    });
  }

  function offerDraft(form, saved, text, store, key, restore) {
    var box = document.createElement("div");
    box.className = "draft-offer";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", text.draftRestore);
    var message = document.createElement("p");
    message.textContent = format(text.draftFound, { time: clock(new Date(saved.savedAt)) });
    var restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "button default";
    restoreButton.textContent = text.draftRestore;
    var discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.className = "button";
    discardButton.textContent = text.draftDiscard;
    box.appendChild(message);
    box.appendChild(restoreButton);
    box.appendChild(discardButton);
    form.insertBefore(box, form.firstChild);
    restoreButton.addEventListener("click", function () {
      restore();
      message.textContent = text.draftRestored;
      restoreButton.remove();
      discardButton.remove();
      box.setAttribute("role", "status");
    });
    discardButton.addEventListener("click", function () {
      store.removeItem(key);
      box.remove();
    });
  }

  /* ---- comment on a selected passage ---------------------------------- */

  function setUpPassageComments(text) {
    var view = document.querySelector(".reader-view");
    if (!view) { return; }
    var quote = document.getElementById(view.dataset.quoteTarget);
    var body = document.getElementById(view.dataset.bodyTarget);
    if (!quote || !body) { return; }
    var bar = document.createElement("div");
    bar.className = "passage-bar";
    bar.hidden = true;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button default";
    button.textContent = text.commentPassage;
    bar.appendChild(button);
    view.insertBefore(bar, view.firstChild);
    var selected = "";

    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      var inside = selection && selection.rangeCount && !selection.isCollapsed &&
        view.contains(selection.getRangeAt(0).commonAncestorContainer);
      var words = inside ? selection.toString().trim() : "";
      if (words) {
        selected = words;
        bar.hidden = false;
      } else if (!bar.contains(document.activeElement)) {
        bar.hidden = true;
      }
    });

    button.addEventListener("click", function () {
      if (!selected) { return; }
      quote.value = selected;
      quote.dispatchEvent(new Event("input", { bubbles: true }));
      bar.hidden = true;
      body.scrollIntoView({ block: "center" });
      body.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var text = strings();
    if (!text) { return; }
    var form = document.getElementById("item_form");
    if (form && form.elements.namedItem("body") && form.elements.namedItem("body").tagName === "TEXTAREA") {
      setUpEditor(form, text);
    }
    setUpPassageComments(text);
  });
})();
