// A form that cannot be undone asks first: data-confirm="the question".
document.addEventListener("submit", function (e) {
  var ask = e.target.getAttribute("data-confirm");
  if (ask && !window.confirm(ask)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
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
