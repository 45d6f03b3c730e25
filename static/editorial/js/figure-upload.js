/* Figures in the Markdown editors: an image dropped or pasted into a
   markdownx editor is described before it is inserted, and every figure row
   of an item gets a button that writes its reference into the body.

   markdownx would upload a dropped file at once and name it after the file.
   This script listens in the capture phase on the document, so it sees the
   drop or paste first, stops it there, and asks for the alt text (required)
   and a caption in a dialog; then it uploads to the same endpoint
   (MARKDOWNX_UPLOAD_URLS_PATH) and inserts the `![alt](figure:ID)` the server
   answers. Text comes from #editor-strings's data attributes (the template
   translates it); without this script the page still works, just without
   drops. */
(function () {
  "use strict";

  function strings() {
    var holder = document.getElementById("editor-strings");
    return holder ? holder.dataset : {};
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function imageFiles(list) {
    return Array.prototype.filter.call(list || [], function (file) {
      return file.type.indexOf("image/") === 0;
    });
  }

  function editorOf(target) {
    return target && target.closest ? target.closest(".markdownx textarea") : null;
  }

  /* Put `text` into `editor` at the caret, on a line of its own, and tell
     markdownx (preview) and the unsaved-changes guard about it. */
  function insertAtCaret(editor, text, position) {
    var value = editor.value;
    var at = typeof position === "number" ? position : value.length;
    var before = value.slice(0, at);
    var after = value.slice(at);
    var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var tail = after && !/^\n/.test(after) ? "\n\n" : "\n";
    editor.value = before + lead + text + tail + after;
    var caret = (before + lead + text).length;
    editor.selectionStart = editor.selectionEnd = caret;
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function field(form, id, labelText, required) {
    var wrapper = document.createElement("p");
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = labelText;
    var input = document.createElement("input");
    input.type = "text";
    input.id = id;
    input.name = id;
    input.maxLength = id.indexOf("caption") >= 0 ? 500 : 300;
    input.required = required;
    wrapper.appendChild(label);
    wrapper.appendChild(document.createElement("br"));
    wrapper.appendChild(input);
    form.appendChild(wrapper);
    return input;
  }

  /* Ask for the alt text and caption of `file` and upload it; resolve with the
     server's answer, or null when cancelled. */
  function describe(file) {
    var text = strings();
    return new Promise(function (resolve) {
      var dialog = document.createElement("dialog");
      dialog.className = "figure-dialog";
      dialog.setAttribute("aria-labelledby", "figure-dialog-title");
      var form = document.createElement("form");
      form.method = "dialog";
      var title = document.createElement("h2");
      title.id = "figure-dialog-title";
      title.textContent = text.figureDialogTitle || "Figure";
      form.appendChild(title);
      var preview = document.createElement("img");
      preview.className = "figure-dialog__preview";
      preview.alt = "";
      form.appendChild(preview);
      var name = document.createElement("p");
      name.className = "help";
      name.textContent = file.name || "";
      form.appendChild(name);
      // A data: URL: the policy's img-src allows it, blob: it does not.
      var reader = new FileReader();
      reader.onload = function () { preview.src = reader.result; };
      reader.readAsDataURL(file);
      var alt = field(form, "figure-dialog-alt", text.figureAlt || "Alt text", true);
      var caption = field(form, "figure-dialog-caption", text.figureCaption || "Caption", false);
      var errors = document.createElement("ul");
      errors.className = "errorlist";
      errors.setAttribute("role", "alert");
      form.appendChild(errors);
      var buttons = document.createElement("p");
      buttons.className = "figure-dialog__buttons";
      var insert = document.createElement("button");
      insert.type = "submit";
      insert.className = "button default";
      insert.textContent = text.figureInsert || "Insert";
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "button";
      cancel.textContent = text.figureCancel || "Cancel";
      buttons.appendChild(insert);
      buttons.appendChild(cancel);
      form.appendChild(buttons);
      dialog.appendChild(form);
      document.body.appendChild(dialog);

      function finish(result) {
        dialog.close();
        dialog.remove();
        resolve(result);
      }
      cancel.addEventListener("click", function () { finish(null); });
      dialog.addEventListener("cancel", function (event) { event.preventDefault(); finish(null); });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!alt.value.trim()) {
          alt.setCustomValidity(text.figureAlt || "");
          alt.reportValidity();
          alt.setCustomValidity("");
          return;
        }
        upload(file, {
          alt: alt.value.trim(), caption: caption.value.trim(),
          errors: errors, insert: insert, finish: finish,
        });
      });
      dialog.showModal();
      alt.focus();
    });
  }

  function showErrors(list, messages) {
    list.textContent = "";
    [].concat(messages).forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
  }

  /* Upload `file` with its words; `described` carries the dialog's parts. */
  function upload(file, described) {
    var text = strings();
    var data = new FormData();
    data.append("image", file);
    data.append("alt_text", described.alt);
    data.append("caption", described.caption);
    data.append("csrfmiddlewaretoken", csrfToken());
    described.insert.disabled = true;
    described.insert.textContent = text.figureUploading || "…";
    fetch(uploadUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (result.ok && result.body.image_code) {
          described.finish(result.body);
          return;
        }
        showErrors(described.errors, result.body.image || ["Upload failed."]);
        described.insert.disabled = false;
        described.insert.textContent = text.figureInsert || "Insert";
      })
      .catch(function () {
        showErrors(described.errors, ["上传失败,请重试。 / The upload failed; please try again."]);
        described.insert.disabled = false;
        described.insert.textContent = text.figureInsert || "Insert";
      });
  }

  var uploadUrl = "";

  function notice(editor, message) {
    var container = editor.closest(".markdownx");
    var note = container.querySelector(".figure-upload-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "help figure-upload-note";
      note.setAttribute("role", "status");
      container.insertBefore(note, container.firstChild);
    }
    note.textContent = message;
  }

  /* Describe and insert the dropped or pasted files one after the other. */
  function handle(editor, files) {
    var text = strings();
    var position = editor.selectionStart;
    uploadUrl = editor.getAttribute("data-markdownx-upload-urls-path");
    files.reduce(function (previous, file) {
      return previous.then(function () {
        return describe(file).then(function (result) {
          if (!result) { return; }
          insertAtCaret(editor, result.image_code, position);
          position = editor.selectionStart;
          if (result.created === false && text.figureExisting) {
            notice(editor, text.figureExisting.replace("{id}", result.figure_id));
          }
        });
      });
    }, Promise.resolve()).then(function () { editor.focus(); });
  }

  function intercept(event, list) {
    var editor = editorOf(event.target);
    var files = imageFiles(list);
    if (!editor || !files.length) { return; }
    // Before markdownx's own listener on the editor: it would upload at once.
    event.stopPropagation();
    event.preventDefault();
    handle(editor, files);
  }

  document.addEventListener("drop", function (event) {
    intercept(event, event.dataTransfer && event.dataTransfer.files);
  }, true);
  document.addEventListener("paste", function (event) {
    intercept(event, event.clipboardData && event.clipboardData.files);
  }, true);

  /* An insert button beside each figure's reference in the item's figure rows. */
  function addInsertButtons() {
    var body = document.getElementById("id_body");
    var label = strings().insertFigure;
    if (!body || !label) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure-code]"), function (code) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button figure-insert";
      button.textContent = label;
      button.setAttribute("aria-label", label + " " + code.dataset.figureCode);
      button.addEventListener("click", function () {
        var at = document.activeElement === body || body.selectionStart ? body.selectionStart : body.value.length;
        insertAtCaret(body, code.dataset.figureCode, at);
        body.focus();
      });
      code.insertAdjacentElement("afterend", button);
    });
  }

  document.addEventListener("DOMContentLoaded", addInsertButtons);
})();
