// Enterprise pages: live credit-code check and keeping the export link in step with htmx filters.
(function () {
  "use strict";
  var timers = new WeakMap();

  function showCheck(input, feedback) {
    var code = input.value.trim();
    if (!code) { feedback.textContent = ""; input.classList.remove("is-valid"); return; }
    var url = input.getAttribute("data-credit-code-check") + "?code=" + encodeURIComponent(code);
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.valid) {
          input.classList.add("is-valid");
          feedback.className = "form-text text-success";
          feedback.textContent = (feedback.dataset.okText || "✓") + " " + data.normalized;
        } else {
          input.classList.remove("is-valid");
          feedback.className = "form-text text-danger";
          feedback.textContent = (data.messages || []).join("；");
        }
      })
      .catch(function () { feedback.textContent = ""; });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-credit-code-check]")) { return; }
    var feedback = input.parentElement.querySelector("[data-credit-code-feedback]");
    if (!feedback) { return; }
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { showCheck(input, feedback); }, 350));
  });

  document.addEventListener("htmx:afterSettle", function () {
    var link = document.getElementById("export-link");
    if (!link) { return; }
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    var base = link.getAttribute("href").split("?")[0];
    var query = params.toString();
    link.setAttribute("href", query ? base + "?" + query : base);
  });
})();
