/* The answer form of a rectification order: each photo taken with the camera input gets the time it
   was taken and, when the phone gives it, the position (navigator.geolocation); another photo row
   appears once one is filled. Without this script a photo carries no time and the server refuses it. */
(function () {
  "use strict";
  var position = null;
  function locate() {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(
      function (p) { position = p.coords; },
      function () { position = null; },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }
  function fill(row, input) {
    var i = input.name.replace("photo_", "");
    var at = new Date();
    row.querySelector("[name=taken_at_" + i + "]").value = at.toISOString();
    function place(coords) {
      row.querySelector("[name=latitude_" + i + "]").value = coords.latitude.toFixed(6);
      row.querySelector("[name=longitude_" + i + "]").value = coords.longitude.toFixed(6);
    }
    if (position) {
      place(position);
    } else if (navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(function (p) { position = p.coords; place(p.coords); },
        function () {}, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    }
    var info = row.querySelector(".photo-info");
    if (info) info.textContent = (input.files[0] ? input.files[0].name + " · " : "") + at.toLocaleString();
  }
  function more(rows) {
    var max = parseInt(rows.getAttribute("data-max") || "6", 10);
    var count = rows.querySelectorAll(".photo-row").length;
    if (count >= max) return;
    var row = rows.querySelector(".photo-row").cloneNode(true);
    row.querySelectorAll("input").forEach(function (el) {
      el.name = el.name.replace(/_\d+$/, "_" + count);
      el.value = "";
    });
    var info = row.querySelector(".photo-info");
    if (info) info.textContent = "";
    rows.appendChild(row);
  }
  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.classList || !input.classList.contains("after-photo")) return;
    var row = input.closest(".photo-row");
    fill(row, input);
    var rows = row.parentNode;
    if (row === rows.lastElementChild && input.files.length) more(rows);
  });
  if (document.querySelector(".after-photo")) locate();
})();
