// On a phone the menu scrolls sideways: bring the current page's entry into view.
(function () {
  var current = document.querySelector(".portal-nav a[aria-current=page]");
  if (current && current.scrollIntoView) {
    current.scrollIntoView({ block: "nearest", inline: "center" });
    window.scrollTo(0, 0);
  }
})();
