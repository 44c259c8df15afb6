/* The inspector's phone pages (written for fenlei; no libraries).
 *
 * A draft lives on the phone: its fields in localStorage (one key per target), its photos in
 * IndexedDB, under a draft id (client_id) made when the form first opens. Sent drafts that could not
 * reach the server wait in an outbox (localStorage) and are sent when the phone comes online and
 * whenever the start page or a form page loads. The server keeps a draft once, however often it is
 * sent. The words shown come translated from the page (#inspect-messages).
 */
(function () {
  "use strict";

  var DB_NAME = "fenlei-inspect";
  var STORE = "photos";
  var OUTBOX_KEY = "fenlei.inspect.outbox";
  var DRAFT_PREFIX = "fenlei.inspect.draft.";
  var MAX_EDGE = 1600;
  var M = readJson("inspect-messages") || {};

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function fmt(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (all, k) {
      return values && values[k] !== undefined ? values[k] : all;
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  /* A version-4 UUID from crypto.getRandomValues (crypto.randomUUID needs a secure context). */
  function uuid4() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function csrfToken() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- storage ---------------------------------------------------------------------------------

  function loadJson(key, fallback) {
    try {
      var raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      return fallback;
    }
  }

  function saveJson(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var req = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(req && "result" in req ? req.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function putPhoto(key, blob) { return withStore("readwrite", function (s) { return s.put(blob, key); }); }
  function getPhoto(key) { return withStore("readonly", function (s) { return s.get(key); }); }
  function deletePhotos(keys) {
    if (!keys.length) return Promise.resolve();
    return withStore("readwrite", function (s) { keys.forEach(function (k) { s.delete(k); }); });
  }
  function photoKeys(entry) {
    return (entry.photos || []).map(function (p) { return entry.client_id + "/" + p.id; });
  }

  function outbox() { return loadJson(OUTBOX_KEY, []); }
  function saveOutbox(list) { saveJson(OUTBOX_KEY, list); }
  function drafts() {
    var out = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(DRAFT_PREFIX) === 0) {
        var d = loadJson(key, null);
        if (d) out.push(d);
      }
    }
    return out;
  }
  function draftKey(type, id) { return DRAFT_PREFIX + type + "." + id; }

  // --- sending -----------------------------------------------------------------------------------

  /* The draft as the server takes it: answers as a list, the latest position. */
  function toEntry(draft) {
    var answers = Object.keys(draft.answers).map(function (code) {
      var a = draft.answers[code];
      return {
        code: code,
        result: a.result || "",
        note: a.note || "",
        purity: (a.purity || []).filter(function (v) { return v !== "" && v !== null; }),
        hauler_id: a.hauler_id || null
      };
    });
    var entry = JSON.parse(JSON.stringify(draft));
    entry.answers = answers;
    return entry;
  }

  /* Send one entry: {kind: "ok"|"invalid"|"error"|"network", status, data}. */
  function send(entry) {
    return Promise.all((entry.photos || []).map(function (p) {
      return getPhoto(entry.client_id + "/" + p.id).catch(function () { return null; });
    })).then(function (blobs) {
      var fd = new FormData();
      ["client_id", "target_type", "target_id", "version_id", "started_at", "finished_at",
        "latitude", "longitude", "accuracy_m", "note"].forEach(function (k) {
        if (entry[k] !== null && entry[k] !== undefined && entry[k] !== "") fd.append(k, entry[k]);
      });
      fd.append("answers", JSON.stringify(entry.answers));
      var meta = [];
      (entry.photos || []).forEach(function (p, i) {
        if (!blobs[i]) return;
        fd.append("photo", blobs[i], (p.code || "photo") + "-" + (i + 1) + ".jpg");
        meta.push({code: p.code, taken_at: p.taken_at, latitude: p.latitude, longitude: p.longitude});
      });
      fd.append("photo_meta", JSON.stringify(meta));
      return fetch(entry.submit_url, {
        method: "POST",
        body: fd,
        credentials: "same-origin",
        headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
      });
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        var s = response.status;
        if ((s === 200 || s === 201) && data && data.id) return {kind: "ok", status: s, data: data};
        if (s >= 400 && s < 500 && data && data.errors) return {kind: "invalid", status: s, data: data};
        return {kind: "error", status: s, data: data};
      });
    }, function () {
      return {kind: "network"};
    });
  }

  function queue(entry) {
    var list = outbox().filter(function (e) { return e.client_id !== entry.client_id; });
    entry.queued_at = new Date().toISOString();
    list.push(entry);
    saveOutbox(list);
    localStorage.removeItem(draftKey(entry.target_type, entry.target_id));
  }

  function forget(entry) {
    saveOutbox(outbox().filter(function (e) { return e.client_id !== entry.client_id; }));
    var key = draftKey(entry.target_type, entry.target_id);
    var d = loadJson(key, null);
    if (d && d.client_id === entry.client_id) localStorage.removeItem(key);
    return deletePhotos(photoKeys(entry)).catch(function () {});
  }

  var flushing = null;

  /* Send what waits in the outbox, one after the other; `changed` is called after each. */
  function flushOutbox(changed) {
    if (flushing) return flushing;
    if (!navigator.onLine) return Promise.resolve();
    var pending = outbox().filter(function (e) { return !e.errors; });
    flushing = pending.reduce(function (chain, entry) {
      return chain.then(function () {
        return send(entry).then(function (r) {
          if (r.kind === "ok") return forget(entry);
          if (r.kind === "invalid") {
            // the server refused it: back to a draft, to be corrected on its form
            var key = draftKey(entry.target_type, entry.target_id);
            var list = outbox().filter(function (e) { return e.client_id !== entry.client_id; });
            if (!localStorage.getItem(key)) {
              var draft = JSON.parse(JSON.stringify(entry));
              draft.answers = {};
              entry.answers.forEach(function (a) { draft.answers[a.code] = a; });
              draft.errors = r.data.errors;
              saveJson(key, draft);
            } else {
              entry.errors = r.data.errors;
              list.push(entry);
            }
            saveOutbox(list);
          }
        });
      }).then(function () { if (changed) changed(); });
    }, Promise.resolve()).then(function () { flushing = null; }, function () { flushing = null; });
    return flushing;
  }

  // --- photos ------------------------------------------------------------------------------------

  /* A photo made smaller in the browser: longest edge at most 1600 px, JPEG. */
  function resize(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, MAX_EDGE / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) {
          if (blob) resolve(blob); else reject(new Error("encode"));
        }, "image/jpeg", 0.85);
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }

  function metres(lat1, lng1, lat2, lng2) {
    if ([lat1, lng1, lat2, lng2].some(function (v) { return v === null || v === undefined; })) return null;
    var r = Math.PI / 180;
    var dp = (lat2 - lat1) * r, dl = (lng2 - lng1) * r;
    var a = Math.pow(Math.sin(dp / 2), 2) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.pow(Math.sin(dl / 2), 2);
    return Math.round(2 * 6371000 * Math.asin(Math.min(1, Math.sqrt(a))));
  }

  // --- the start page ----------------------------------------------------------------------------

  function initStart(root) {
    var box = document.getElementById("outbox");
    var list = document.getElementById("outbox-list");

    function renderOutbox() {
      list.textContent = "";
      var rows = outbox().map(function (e) { return [e, e.errors ? M.draft : M.waiting]; })
        .concat(drafts().map(function (d) { return [d, M.draft]; }));
      rows.forEach(function (pair) {
        var e = pair[0];
        var when = (e.queued_at || e.started_at || "").replace("T", " ").slice(0, 16);
        list.appendChild(el("li", {"data-client-id": e.client_id}, [
          el("a", {href: e.url || "#"}, [
            el("span", {class: "name", text: e.title || (e.target_type + " " + e.target_id)}),
            el("span", {class: "meta", text: pair[1] + " · " + when})
          ])
        ]));
      });
      box.hidden = rows.length === 0;
    }

    renderOutbox();
    flushOutbox(renderOutbox).then(renderOutbox);
    window.addEventListener("online", function () { flushOutbox(renderOutbox).then(renderOutbox); });

    var status = document.getElementById("nearby-status");
    var nearby = document.getElementById("nearby-list");
    if (!navigator.geolocation) { status.textContent = M.noPosition; return; }
    status.textContent = M.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = root.dataset.nearbyUrl + "?lat=" + pos.coords.latitude + "&lng=" + pos.coords.longitude;
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var targets = data.targets || [];
          status.textContent = targets.length ? "" : M.noneNearby;
          status.hidden = targets.length > 0;
          targets.forEach(function (t) {
            nearby.appendChild(el("li", {}, [
              el("a", {href: t.url, "data-target": t.type + "-" + t.id}, [
                el("span", {class: "name", text: t.name}),
                el("span", {class: "meta", text: t.kind + (t.distance_m !== null ? " · " + fmt(M.metres, {m: t.distance_m}) : "")})
              ])
            ]));
          });
        })
        .catch(function () { status.textContent = M.noPosition; });
    }, function () {
      status.textContent = M.noPosition;
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  }

  // --- the form ----------------------------------------------------------------------------------

  function initForm(form) {
    var cfg = readJson("inspect-config");
    var key = draftKey(cfg.targetType, cfg.targetId);
    var draft = loadJson(key, null);
    var restored = !!draft;
    if (!draft) {
      draft = {
        client_id: uuid4(),
        target_type: cfg.targetType,
        target_id: cfg.targetId,
        version_id: cfg.versionId,
        started_at: new Date().toISOString(),
        answers: {},
        note: "",
        photos: [],
        submit_url: cfg.submitUrl,
        title: cfg.title,
        url: cfg.url
      };
    }
    var position = null;
    var statusBox = document.getElementById("status");
    var errorBox = document.getElementById("errors");
    var resultBox = document.getElementById("result");
    var button = document.getElementById("send");
    var items = Array.prototype.slice.call(form.querySelectorAll(".item"));

    function save() { saveJson(key, draft); }
    function answer(code) {
      if (!draft.answers[code]) draft.answers[code] = {result: "", note: "", purity: [], hauler_id: null};
      return draft.answers[code];
    }
    function say(text, cls) {
      statusBox.textContent = text;
      statusBox.className = "inspect-status" + (cls ? " " + cls : "");
      statusBox.hidden = !text;
    }

    // position: watched while the page is open, kept with the draft and each photo
    var positionLine = document.getElementById("position");
    function showPosition() {
      if (!position) return;
      var text = fmt(M.position, {lat: position.latitude.toFixed(5), lng: position.longitude.toFixed(5), acc: position.accuracy_m});
      var m = metres(position.latitude, position.longitude, cfg.target[0], cfg.target[1]);
      if (m !== null) text += " · " + fmt(M.positionFar, {m: m});
      positionLine.textContent = text;
    }
    if (navigator.geolocation) {
      navigator.geolocation.watchPosition(function (pos) {
        position = {
          latitude: pos.coords.latitude,
          longitude: pos.coords.longitude,
          accuracy_m: Math.round(pos.coords.accuracy || 0)
        };
        showPosition();
      }, function () {}, {enableHighAccuracy: true, maximumAge: 30000, timeout: 30000});
    }

    function markItem(item) {
      var a = draft.answers[item.dataset.code] || {};
      var result = a.result;
      if (item.dataset.purity && result !== "na") result = purityResult(a.purity || []);
      item.classList.toggle("is-pass", result === "pass");
      item.classList.toggle("is-fail", result === "fail");
      item.classList.toggle("is-na", result === "na");
    }

    function purityResult(values) {
      var given = values.filter(function (v) { return v !== "" && v !== null && !isNaN(Number(v)); });
      if (!given.length) return "";
      return given.every(function (v) { return Number(v) >= cfg.threshold; }) ? "pass" : "fail";
    }

    function renderBins(item) {
      var code = item.dataset.code;
      var a = answer(code);
      if (!a.purity.length) a.purity = [""];
      var bins = item.querySelector(".bins");
      bins.textContent = "";
      a.purity.forEach(function (v, i) {
        var input = el("input", {type: "number", inputmode: "decimal", min: "0", max: "100", step: "0.1", class: "bin-value"});
        input.value = v;
        input.addEventListener("input", function () {
          a.purity[i] = input.value;
          save();
          updatePurity(item);
        });
        bins.appendChild(el("label", {class: "bin"}, [document.createTextNode(fmt(M.bin, {n: i + 1})), input]));
      });
      updatePurity(item);
    }

    function updatePurity(item) {
      var a = answer(item.dataset.code);
      var out = item.querySelector(".purity-result");
      var res = a.result === "na" ? "" : purityResult(a.purity);
      out.textContent = res ? (res === "pass" ? M.pass : M.fail) : "";
      out.className = "purity-result " + res;
      Array.prototype.forEach.call(item.querySelectorAll(".bin"), function (bin, i) {
        var v = a.purity[i];
        bin.classList.toggle("low", v !== "" && v !== undefined && Number(v) < cfg.threshold);
      });
      markItem(item);
    }

    function addThumb(item, photo, blob) {
      var url = URL.createObjectURL(blob);
      var remove = el("button", {type: "button", "aria-label": M.remove, title: M.remove, text: "×"});
      var thumb = el("div", {class: "thumb", "data-photo": photo.id}, [el("img", {src: url, alt: M.photoOf + " " + photo.code}), remove]);
      remove.addEventListener("click", function () {
        draft.photos = draft.photos.filter(function (p) { return p.id !== photo.id; });
        save();
        deletePhotos([draft.client_id + "/" + photo.id]).catch(function () {});
        URL.revokeObjectURL(url);
        thumb.remove();
      });
      item.querySelector(".thumbs").appendChild(thumb);
    }

    items.forEach(function (item) {
      var code = item.dataset.code;
      var a = draft.answers[code];
      if (item.dataset.purity) {
        renderBins(item);
        item.querySelector(".add-bin").addEventListener("click", function () {
          answer(code).purity.push("");
          save();
          renderBins(item);
          var inputs = item.querySelectorAll(".bin-value");
          inputs[inputs.length - 1].focus();
        });
        var na = item.querySelector(".na");
        na.checked = !!(a && a.result === "na");
        na.addEventListener("change", function () {
          answer(code).result = na.checked ? "na" : "";
          save();
          updatePurity(item);
        });
      } else {
        Array.prototype.forEach.call(item.querySelectorAll("input[type=radio]"), function (radio) {
          radio.checked = !!(a && a.result === radio.value);
          radio.addEventListener("change", function () {
            answer(code).result = radio.value;
            save();
            markItem(item);
          });
        });
      }
      var note = item.querySelector(".note");
      note.value = (a && a.note) || "";
      note.addEventListener("input", function () { answer(code).note = note.value; save(); });
      var hauler = item.querySelector(".hauler-select");
      if (hauler) {
        if (a && a.hauler_id) hauler.value = String(a.hauler_id);
        answer(code).hauler_id = hauler.value ? Number(hauler.value) : null;
        hauler.addEventListener("change", function () { answer(code).hauler_id = Number(hauler.value) || null; save(); });
      }
      var input = item.querySelector(".photo-input");
      input.addEventListener("change", function () {
        var picked = Array.prototype.slice.call(input.files || []);
        input.value = "";
        picked.reduce(function (chain, file) {
          return chain.then(function () {
            var takenAt = new Date().toISOString();
            return resize(file).then(function (blob) {
              var photo = {
                id: uuid4().slice(0, 8),
                code: code,
                taken_at: takenAt,
                latitude: position ? position.latitude : null,
                longitude: position ? position.longitude : null
              };
              return putPhoto(draft.client_id + "/" + photo.id, blob).then(function () {
                draft.photos.push(photo);
                save();
                addThumb(item, photo, blob);
              });
            }, function () {
              say(fmt(M.resizeFailed, {name: file.name}));
            });
          });
        }, Promise.resolve());
      });
      markItem(item);
    });

    var general = document.getElementById("general-note");
    general.value = draft.note || "";
    general.addEventListener("input", function () { draft.note = general.value; save(); });

    // the photos kept with a restored draft
    if (restored) {
      say(M.restored);
      draft.photos.forEach(function (photo) {
        var item = form.querySelector('.item[data-code="' + photo.code + '"]');
        if (!item) return;
        getPhoto(draft.client_id + "/" + photo.id).then(function (blob) { if (blob) addThumb(item, photo, blob); });
      });
      if (draft.errors) showErrors(draft.errors);
    }

    function clearErrors() {
      errorBox.hidden = true;
      errorBox.textContent = "";
      items.forEach(function (item) {
        item.classList.remove("has-error");
        item.querySelector(".item-errors").textContent = "";
      });
    }

    /* Each message next to the item it names (by its code), the rest at the top. */
    function showErrors(errors) {
      clearErrors();
      var top = [];
      Object.keys(errors).forEach(function (field) {
        errors[field].forEach(function (message) {
          var placed = false;
          items.forEach(function (item) {
            var re = new RegExp("(^|[^A-Za-z0-9])" + item.dataset.code + "([^A-Za-z0-9]|$)");
            if ((field === "answers" || field === "photos") && re.test(message)) {
              item.classList.add("has-error");
              item.querySelector(".item-errors").appendChild(el("p", {text: message}));
              placed = true;
            }
          });
          if (!placed) top.push(message);
        });
      });
      errorBox.appendChild(el("p", {text: M.fixErrors}));
      top.forEach(function (m) { errorBox.appendChild(el("p", {text: m})); });
      errorBox.hidden = false;
      var first = form.querySelector(".item.has-error") || errorBox;
      if (first.scrollIntoView) first.scrollIntoView({block: "center"});
    }

    function showResult(data) {
      form.classList.add("is-done");
      errorBox.hidden = true;
      say(data.created ? M.sent : M.already);
      resultBox.textContent = "";
      resultBox.appendChild(el("p", {}, [
        el("span", {class: "score", text: data.score}), document.createTextNode(" " + M.score + " · "),
        el("span", {class: "tag " + (data.passed ? "ok" : "bad"), text: data.passed ? M.passed : M.failedResult})
      ]));
      if (data.far) resultBox.appendChild(el("p", {}, [el("span", {class: "tag warn", text: M.far})]));
      if (data.orders && data.orders.length) {
        resultBox.appendChild(el("h2", {text: M.orders}));
        resultBox.appendChild(el("ul", {id: "result-orders"}, data.orders.map(function (o) {
          return el("li", {}, [el("a", {href: o.url, text: o.number})]);
        })));
      }
      resultBox.appendChild(el("p", {class: "actions"}, [
        el("a", {class: "btn primary", href: data.url, id: "open-inspection", text: M.open}),
        document.createTextNode(" "),
        el("a", {class: "btn", href: cfg.startUrl, text: M.another})
      ]));
      resultBox.hidden = false;
      window.scrollTo(0, 0);
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearErrors();
      draft.finished_at = new Date().toISOString();
      if (position) {
        draft.latitude = position.latitude;
        draft.longitude = position.longitude;
        draft.accuracy_m = position.accuracy_m;
      }
      delete draft.errors;
      save();
      var entry = toEntry(draft);
      function queued() {
        queue(entry);
        form.classList.add("is-done");
        say(M.queued, "queued");
        resultBox.textContent = "";
        resultBox.appendChild(el("p", {class: "actions"}, [el("a", {class: "btn", href: cfg.startUrl, text: M.another})]));
        resultBox.hidden = false;
        window.scrollTo(0, 0);
      }
      if (!navigator.onLine) { queued(); return; }
      button.disabled = true;
      say(M.sending);
      send(entry).then(function (r) {
        button.disabled = false;
        if (r.kind === "ok") {
          localStorage.removeItem(key);
          deletePhotos(photoKeys(entry)).catch(function () {});
          showResult(r.data);
        } else if (r.kind === "network") {
          queued();
        } else if (r.kind === "invalid") {
          say("");
          draft.errors = r.data.errors;
          save();
          showErrors(r.data.errors);
        } else {
          say(fmt(M.failed, {status: r.status}));
        }
      });
    });

    flushOutbox();
    window.addEventListener("online", function () { flushOutbox(); });
  }

  var start = document.getElementById("inspect-start");
  if (start) initStart(start);
  var form = document.getElementById("inspect-form");
  if (form) initForm(form);
})();
