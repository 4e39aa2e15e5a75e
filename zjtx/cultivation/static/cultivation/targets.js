// Target-set grid: each row's sum of unit shares follows the officer's typing, and only the
// parameters that apply to the chosen metric are shown (all of them without JavaScript).
(function () {
  var PARAMS = {
    certified_held: ["tier"],
    certified_new: ["tier"],
    certified_large: ["tier", "revenue"],
    province_recommended: ["tier"],
    pool_size: ["pool"]
  };
  document.querySelectorAll("#target-grid .target-grid-row").forEach(function (tr) {
    var total = tr.querySelector(".share-total");
    var sum = function () {
      var n = 0;
      tr.querySelectorAll("input.share").forEach(function (el) {
        var v = parseInt(el.value, 10);
        if (!isNaN(v)) { n += v; }
      });
      total.textContent = n;
    };
    tr.querySelectorAll("input.share").forEach(function (el) { el.addEventListener("input", sum); });
    var metric = tr.querySelector("select.metric");
    var show = function () {
      var wanted = PARAMS[metric.value] || [];
      tr.querySelectorAll("[data-param]").forEach(function (el) {
        el.hidden = wanted.indexOf(el.getAttribute("data-param")) < 0;
        el.classList.toggle("d-none", el.hidden);
      });
    };
    metric.addEventListener("change", show);
    show();
  });
})();
