// Send the CSRF token with every htmx request.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
});

// The pages' behaviour lives here, not in inline scripts (the CSP allows none): each part
// looks for the elements it serves and does nothing on other pages.
document.addEventListener("DOMContentLoaded", function () {
  // After a refused submit, the first field at fault takes the focus.
  if (document.querySelector("[data-focus-first-error]")) {
    var field = document.querySelector("form .is-invalid");
    if (field) { field.focus({preventScroll: true}); field.scrollIntoView({block: "center"}); }
  }

  // Elements that take the focus when the page opens (autofocus on a link is not enough).
  var focused = document.querySelector("[data-focus]");
  if (focused) { focused.focus(); }

  // 返回 links go back in the history when there is one; their href is the fallback.
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  });

  // Print buttons.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // A file input names the chosen file in the element its data-file-name points at.
  document.querySelectorAll("input[type=file][data-file-name]").forEach(function (input) {
    input.addEventListener("change", function () {
      var target = document.getElementById(input.dataset.fileName);
      target.textContent = input.files.length ? input.files[0].name : input.dataset.none;
    });
  });

  // The co-departments button names what is ticked.
  document.querySelectorAll(".co-departments").forEach(function (box) {
    var button = box.querySelector("button");
    function show() {
      var names = Array.from(box.querySelectorAll("input:checked")).map(function (c) { return c.dataset.name; });
      button.textContent = names.length ? names.join("、") : button.dataset.none;
      button.title = names.join("、");
    }
    box.addEventListener("change", show);
    show();
  });

  // The intake form of the hotline operators.
  var form = document.getElementById("intake-form");
  if (form) {
    var onSpot = document.getElementById("answered_on_spot");
    var meeting = document.getElementById("meeting_id");
    var channel = document.getElementById("channel");
    // The answer fields appear only when the call was answered on the spot (and so stay out of the Tab order).
    if (onSpot) {
      onSpot.addEventListener("change", function () {
        document.getElementById("on-spot").classList.toggle("d-none", !onSpot.checked);
      });
    }
    // A meeting's issues take the meeting's channel.
    if (meeting && channel) {
      meeting.addEventListener("change", function () {
        var wanted = meeting.selectedOptions[0] && meeting.selectedOptions[0].dataset.channel;
        if (wanted) { channel.value = wanted; }
      });
    }
    // Ctrl+Enter (or ⌘+Enter) saves from a text area, where Enter starts a new line.
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA") {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
});
