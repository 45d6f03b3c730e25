/* Names for the admin's select2 widgets (autocomplete fields), which screen
   readers otherwise announce as an unnamed combo box: each takes the label
   of the <select> it stands for. */
(function () {
  "use strict";

  function labelFor(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) { return null; }
    if (!label.id) { label.id = select.id + "-label"; }
    return label;
  }

  function name(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select.admin-autocomplete"), function (select) {
      var label = labelFor(select);
      var widget = select.nextElementSibling;
      if (!label || !widget || !widget.classList.contains("select2")) { return; }
      Array.prototype.forEach.call(widget.querySelectorAll(".select2-selection, .select2-selection__rendered"), function (part) {
        part.setAttribute("aria-labelledby", label.id);
      });
      Array.prototype.forEach.call(widget.querySelectorAll(".select2-search__field"), function (field) {
        field.setAttribute("aria-label", label.textContent.replace(/[:：]\s*$/, "").trim());
      });
    });
  }

  // select2 builds its widgets after the page has loaded, and rebuilds parts
  // of them (the search field) as the selection changes: name them whenever
  // the page's elements change.
  var pending = false;
  function soon() {
    if (pending) { return; }
    pending = true;
    window.setTimeout(function () { pending = false; name(document); }, 0);
  }
  document.addEventListener("DOMContentLoaded", function () {
    name(document);
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  });
})();
