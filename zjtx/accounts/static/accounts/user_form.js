// Show only the scope field the chosen role needs (the server checks it again).
(function () {
  var form = document.getElementById("user-form");
  if (!form) { return; }
  var scopeFor = { unit_officer: "unit", enterprise: "enterprise_credit_code", bank: "institution", provider: "provider" };
  var scopes = ["unit", "enterprise_credit_code", "institution", "provider"];
  var role = form.querySelector("[name=role]");
  function update() {
    var needed = scopeFor[role.value];
    scopes.forEach(function (name) {
      var box = form.querySelector('[data-field="' + name + '"]');
      if (box) { box.hidden = name !== needed; }
    });
  }
  if (role) { role.addEventListener("change", update); update(); }
})();
