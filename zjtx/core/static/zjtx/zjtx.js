// Small behaviours without inline scripts (the CSP forbids them).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches("[data-autosubmit]")) { el.form.submit(); }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
});
