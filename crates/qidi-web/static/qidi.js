// A form that cannot be undone asks first. It carries its question in a hidden field,
// confirm_question; a yes adds confirmed=1. Without scripts the server asks the same
// question on a page of its own before it acts (confirm.rs).
document.addEventListener("submit", function (e) {
  var form = e.target;
  var ask = form.elements && form.elements.namedItem("confirm_question");
  if (!ask || form.elements.namedItem("confirmed")) return;
  if (!window.confirm(ask.value)) {
    e.preventDefault();
    e.stopImmediatePropagation();
    return;
  }
  var yes = document.createElement("input");
  yes.type = "hidden";
  yes.name = "confirmed";
  yes.value = "1";
  form.appendChild(yes);
  // Gone once the form is sent, so that a page shown again from the history asks again.
  setTimeout(function () { yes.remove(); }, 0);
}, true);

// Long requests (a spreadsheet checked or imported) say that they are under way, and
// their form cannot be sent twice. Forms opt in with data-busy="what is happening".
document.addEventListener("submit", function (e) {
  var form = e.target;
  var busy = form.getAttribute("data-busy");
  if (!busy) return;
  form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
  var note = form.querySelector(".busy");
  if (!note) {
    note = document.createElement("p");
    note.className = "busy";
    note.setAttribute("role", "status");
    form.appendChild(note);
  }
  note.textContent = busy;
});

// A page that answers a form (a refusal shown beside it, a question to confirm) stands
// at the address of the page the form was on, so that reloading it fetches that page
// instead of sending the form again.
(function () {
  var at = document.body && document.body.getAttribute("data-address");
  if (at && at.charAt(0) === "/" && at !== location.pathname + location.search) {
    history.replaceState(null, "", at);
  }
})();

// A department ledger read in the background (#reading): its bar and its count of lines
// follow the reading, and the page shows the result once it is read, unless something
// was typed meanwhile (then the link beside the bar shows it).
(function () {
  var box = document.getElementById("reading");
  if (!box) return;
  var status = box.getAttribute("data-reading-status");
  var href = box.getAttribute("data-reading-href");
  var bar = document.getElementById("reading-bar");
  var lines = document.getElementById("reading-lines");
  var typed = false;
  document.addEventListener("input", function () { typed = true; });
  function poll() {
    fetch(status, { credentials: "same-origin", headers: { Accept: "application/json" } })
      // Not JSON (signed out: the sign-in page): the page's address says what to do.
      .then(function (r) {
        var json = r.ok && (r.headers.get("Content-Type") || "").indexOf("json") >= 0;
        return json ? r.json() : null;
      })
      .then(function (s) {
        if (!s) { if (!typed) location.replace(href); return; }
        bar.max = Math.max(s.lines, s.lines_read, 1);
        bar.value = s.lines_read;
        if (lines && s.text) lines.textContent = s.text;
        if (s.done) { if (!typed) location.replace(href); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
