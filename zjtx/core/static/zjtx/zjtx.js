// Small behaviours without inline scripts (the CSP forbids them).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches("[data-autosubmit]")) { el.form.submit(); }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
});
// Every table scrolls sideways inside a wrapper instead of squeezing its cells on a phone.
function zjtxWrapTables(root) {
  (root || document).querySelectorAll("main table").forEach(function (table) {
    var parent = table.parentElement;
    if (parent.classList.contains("table-responsive") || parent.classList.contains("zjtx-table-scroll")) { return; }
    var wrapper = document.createElement("div");
    wrapper.className = "zjtx-table-scroll";
    parent.insertBefore(wrapper, table);
    wrapper.appendChild(table);
  });
}
document.addEventListener("DOMContentLoaded", function () { zjtxWrapTables(document); });
document.addEventListener("htmx:afterSwap", function (event) { zjtxWrapTables(event.target); });
