/* Show why markdownx refused a dropped or pasted image.
   markdownx inserts the words "Invalid response" into the text when an upload
   fails and keeps the server's reason in the console; this puts the reason
   beside the editor and takes the stray words back out. */
(function () {
  "use strict";
  var STRAY = "Invalid response";

  function showErrors(container, messages) {
    var list = container.querySelector(".figure-upload-errors");
    if (!list) {
      list = document.createElement("ul");
      list.className = "errorlist figure-upload-errors";
      list.setAttribute("role", "alert");
      container.insertBefore(list, container.firstChild);
    }
    list.textContent = "";
    messages.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
  }

  function removeStrayText(editor) {
    var end = editor.selectionStart;
    var start = end - STRAY.length;
    if (start >= 0 && editor.value.substring(start, end) === STRAY) {
      editor.value = editor.value.substring(0, start) + editor.value.substring(end);
      editor.selectionStart = editor.selectionEnd = start;
    }
  }

  function watch(container) {
    var editor = container.querySelector("textarea");
    container.addEventListener("markdownx.fileUploadError", function (event) {
      var response = (event.detail && event.detail[0]) || {};
      var messages = response.image || ["上传失败,请重试。 / The upload failed; please try again."];
      showErrors(container, [].concat(messages));
      // markdownx inserts its placeholder right after this event.
      window.setTimeout(function () { if (editor) { removeStrayText(editor); } }, 0);
    });
    container.addEventListener("markdownx.fileUploadEnd", function () {
      var list = container.querySelector(".figure-upload-errors");
      if (list) { list.remove(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".markdownx"), watch);
  });
})();
