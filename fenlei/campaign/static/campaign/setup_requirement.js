/* A checklist line's form: show the parameter fields the chosen rule uses, and the rule's fields only for
   a line judged by a rule. Without this script every field shows and the server keeps what applies. */
(function () {
  "use strict";
  var form = document.getElementById("requirement-form");
  var data = document.getElementById("requirement-fields");
  if (!form || !data) return;
  var map = JSON.parse(data.textContent);
  var simple = ["days", "count", "percent", "kinds"];

  function field(name) {
    return form.querySelector('[data-field="' + name + '"]');
  }
  function show(name, visible) {
    var f = field(name);
    if (f) f.hidden = !visible && !f.classList.contains("has-error");
  }
  function value(name) {
    var input = form.querySelector('[name="' + name + '"]');
    return input ? input.value : "";
  }
  function update() {
    var byRule = value("method") === "rule";
    var rule = byRule ? value("rule") : "";
    var wanted = map.params[rule] || [];
    simple.forEach(function (name) {
      show(name, wanted.indexOf(name) >= 0);
    });
    show("site_kinds", map.site_rules.indexOf(rule) >= 0);
    show("rule", byRule);
    show("params", byRule);
  }
  form.addEventListener("change", update);
  update();
})();
