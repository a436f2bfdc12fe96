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

  // A file input names the chosen file in the element its data-file-name points at. Two inputs
  // naming the same element (the file picker and the phone's camera) are one choice: the last
  // file chosen is the one sent.
  document.querySelectorAll("input[type=file][data-file-name]").forEach(function (input) {
    input.addEventListener("change", function () {
      var target = document.getElementById(input.dataset.fileName);
      document.querySelectorAll("input[type=file][data-file-name='" + input.dataset.fileName + "']").forEach(function (other) {
        if (other !== input) { other.value = ""; }
      });
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

  // 交办 and 改派: the 责任人 list offers only the chosen lead department's staff, the 经办人 list
  // only the chosen co-departments' (the server refuses anyone else, naming the field).
  ["assign", "reassign"].forEach(function (action) {
    var lead = document.getElementById(action + "-lead_department_id");
    var co = document.getElementById(action + "-co_department_ids");
    var handler = document.getElementById(action + "-handler_user_id");
    var coHandlers = document.getElementById(action + "-co_handler_ids");
    if (!lead || !handler) { return; }
    function offer() {
      var coIds = co ? Array.from(co.selectedOptions).map(function (o) { return o.value; }) : [];
      Array.from(handler.options).forEach(function (o) {
        if (!o.dataset.department) { return; }
        o.hidden = o.dataset.department !== lead.value;
        if (o.hidden && o.selected) { handler.value = ""; }
      });
      if (coHandlers) {
        Array.from(coHandlers.options).forEach(function (o) {
          o.hidden = coIds.indexOf(o.dataset.department) < 0;
          if (o.hidden) { o.selected = false; }
        });
      }
    }
    lead.addEventListener("change", offer);
    if (co) { co.addEventListener("change", offer); }
    offer();
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
    // 企业库: picking an enterprise from the type-ahead links it and fills the organisation.
    var enterpriseId = document.getElementById("enterprise_id");
    var org = document.getElementById("reporter_org");
    var chosen = document.getElementById("enterprise-chosen");
    function pick(id, name) {
      if (!enterpriseId) { return; }
      enterpriseId.value = id;
      // the similar issues are looked up again for the enterprise chosen
      enterpriseId.dispatchEvent(new Event("change", {bubbles: true}));
      if (name) { org.value = name; }
      document.getElementById("enterprise-chosen-name").textContent = name || "";
      chosen.classList.toggle("d-none", !id);
      document.getElementById("enterprise-options").innerHTML = "";
    }
    form.addEventListener("click", function (event) {
      var option = event.target.closest(".enterprise-option");
      if (option) { pick(option.dataset.enterpriseId, option.dataset.enterpriseName); org.focus(); }
      if (event.target.id === "enterprise-clear") { pick("", ""); }
    });
    // Down arrow from the search box goes to the first suggestion; arrows move between them.
    form.addEventListener("keydown", function (event) {
      var options = Array.from(form.querySelectorAll(".enterprise-option"));
      if (!options.length || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) { return; }
      var at = options.indexOf(document.activeElement);
      if (event.target.id === "enterprise_q" && event.key === "ArrowDown") { at = -1; }
      else if (at < 0) { return; }
      event.preventDefault();
      var next = options[Math.max(0, Math.min(options.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)))];
      next.focus();
    });
    // A known caller (by phone) fills the name and organisation left empty, and the enterprise.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var known = event.detail.target.querySelector && event.detail.target.querySelector(".known-caller");
      if (!known) { return; }
      var name = document.getElementById("reporter_name");
      if (name && !name.value && known.dataset.knownName) { name.value = known.dataset.knownName; }
      if (org && !org.value && known.dataset.knownOrg) { org.value = known.dataset.knownOrg; }
      if (enterpriseId && !enterpriseId.value && known.dataset.knownEnterprise) {
        pick(known.dataset.knownEnterprise, org.value);
      }
    });
    // Ctrl+Enter (or ⌘+Enter) saves from a text area, where Enter starts a new line.
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA") {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  // The issue list's bulk actions: the page's ticks counted, 全选 ticks every row of the page.
  var bulkForm = document.getElementById("bulk-form");
  if (bulkForm) {
    var all = document.getElementById("select-page");
    var boxes = Array.from(document.querySelectorAll('input[name="issue_ids"][form="bulk-form"]'));
    var count = document.getElementById("bulk-count");
    var tally = function () {
      var ticked = boxes.filter(function (b) { return b.checked; }).length;
      count.textContent = ticked;
      if (all) {
        all.checked = ticked > 0 && ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      }
    };
    boxes.forEach(function (box) { box.addEventListener("change", tally); });
    if (all) {
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
        tally();
      });
    }
    tally();
  }
});

// 推荐主办单位: a suggested department's button chooses it in the lead department's list.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest(".suggest-pick");
  if (!button) { return; }
  var box = button.closest(".suggestions");
  var select = document.getElementById(box.dataset.target) || document.querySelector('[name="' + box.dataset.target + '"]');
  if (!select) { return; }
  select.value = button.dataset.value;
  select.dispatchEvent(new Event("change", {bubbles: true}));
  box.querySelectorAll(".suggest-pick").forEach(function (b) { b.classList.toggle("active", b === button); });
});
