// Residents' reports: move on when a choice is made (the pages work without this script too), and
// add the phone's position to the form when the resident allows it.
(function () {
  "use strict";

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (!select.value) return;
      var form = select.form;
      if (select.name === "street") {
        var community = form.querySelector("select[name=community]");
        if (community) community.disabled = true; // a new street: its communities next
      }
      form.submit();
    });
  });

  var form = document.getElementById("report-form");
  var button = document.getElementById("use-position");
  var info = document.getElementById("position-info");
  if (!form || !button || !navigator.geolocation) return;

  function fill(position) {
    var c = position.coords;
    form.elements.latitude.value = c.latitude.toFixed(6);
    form.elements.longitude.value = c.longitude.toFixed(6);
    form.elements.accuracy_m.value = Math.round(c.accuracy || 0);
    info.textContent = info.dataset.got.replace("{m}", Math.round(c.accuracy || 0));
    button.hidden = true;
  }

  function failed() {
    info.textContent = info.dataset.failed;
  }

  function ask() {
    navigator.geolocation.getCurrentPosition(fill, failed, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  if (form.elements.latitude.value) return; // already there (the form came back with an error)
  button.hidden = false;
  button.addEventListener("click", ask);
  // Already allowed on this site: add it without asking again.
  if (navigator.permissions && navigator.permissions.query) {
    navigator.permissions.query({ name: "geolocation" }).then(function (state) {
      if (state.state === "granted") ask();
    }, function () {});
  }
})();
