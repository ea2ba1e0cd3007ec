// Autosave for forms marked data-autosave: posts the form about a second after the last change and
// says whether it was saved. The form still works without this script (the Save button).
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var status = document.getElementById(form.getAttribute("data-status"));
    var timer = null;
    var last = new URLSearchParams(new FormData(form)).toString();
    function say(text) { if (status) { status.textContent = text; } }
    function save() {
      var body = new URLSearchParams(new FormData(form));
      if (body.toString() === last) { return; }
      say(form.getAttribute("data-saving"));
      fetch(form.action, { method: "POST", body: body, redirect: "manual", credentials: "same-origin" })
        .then(function (r) {
          if (r.type === "opaqueredirect" || r.ok) {
            last = body.toString();
            var t = new Date();
            var hh = String(t.getHours()).padStart(2, "0"), mm = String(t.getMinutes()).padStart(2, "0");
            say(form.getAttribute("data-saved") + " " + hh + ":" + mm);
          } else {
            say(form.getAttribute("data-failed"));
          }
        })
        .catch(function () { say(form.getAttribute("data-failed")); });
    }
    form.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, 1000);
    });
  });
})();
