/* The scoring sheet: a photo chosen for an item gets the time it was chosen (taken with the camera
   input, that is when it was taken) in the item's taken_at field, and its name is shown. Without this
   script the server dates a photo by its EXIF, or by the time it arrives. */
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.classList || !input.classList.contains("sheet-photo")) return;
    var item = input.closest(".sheet-item");
    var stamp = item && item.querySelector("input[name='" + input.getAttribute("data-taken") + "']");
    var at = new Date();
    if (stamp) stamp.value = input.files.length ? at.toISOString() : "";
    var info = item && item.querySelector(".photo-info");
    if (info) {
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      info.textContent = names.length ? names.join(", ") + " · " + at.toLocaleString() : "";
    }
  });
})();
