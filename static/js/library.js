/* Library page: drag-and-drop uploads with a progress bar per file, and multi-select. */
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  var dropzone = document.getElementById("dropzone");
  var input = document.getElementById("upload-files");
  var list = document.getElementById("upload-list");
  // One at a time: each file is probed with ffmpeg on arrival, so parallel uploads only
  // compete for the same CPU (and SQLite writers) without finishing sooner.
  var PARALLEL = 1;

  function csrfToken() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function row(file) {
    var item = document.createElement("li");
    item.className = "upload-item";
    var name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload progress for " + file.name);
    var status = document.createElement("span");
    status.className = "upload-status muted small";
    status.textContent = "Waiting";
    item.append(name, bar, status);
    list.appendChild(item);
    return { item: item, bar: bar, status: status };
  }

  function send(file, ui) {
    return new Promise(function (resolve) {
      var data = new FormData(form);
      data.append("file", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          ui.bar.value = Math.round((event.loaded / event.total) * 100);
          ui.status.textContent = ui.bar.value < 100 ? ui.bar.value + " %" : "Checking…";
        }
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: a proxy error page */ }
        if (xhr.status === 201) {
          ui.bar.value = 100;
          ui.item.classList.add("done");
          ui.status.textContent = "Added";
          resolve(true);
        } else {
          ui.item.classList.add("failed");
          ui.status.textContent = (body.error && body.error.message) || ("Failed (HTTP " + xhr.status + ")");
          resolve(false);
        }
      });
      xhr.addEventListener("error", function () {
        ui.item.classList.add("failed");
        ui.status.textContent = "Network error";
        resolve(false);
      });
      ui.status.textContent = "0 %";
      xhr.send(data);
    });
  }

  function uploadAll(files) {
    var queue = Array.prototype.map.call(files, function (file) { return { file: file, ui: row(file) }; });
    var results = [];
    function worker() {
      var next = queue.shift();
      if (!next) return Promise.resolve();
      return send(next.file, next.ui).then(function (ok) { results.push(ok); return worker(); });
    }
    var workers = [];
    for (var i = 0; i < PARALLEL; i++) workers.push(worker());
    Promise.all(workers).then(function () {
      var added = results.filter(Boolean).length;
      var failed = results.length - added;
      var note = document.createElement("li");
      note.className = "upload-summary";
      if (failed === 0) {
        note.textContent = added + " file" + (added === 1 ? "" : "s") + " added. Refreshing…";
        list.appendChild(note);
        window.setTimeout(function () { window.location.reload(); }, 500);
      } else {
        note.innerHTML = "";
        note.append(added + " added, " + failed + " refused. ");
        var link = document.createElement("a");
        link.href = window.location.href;
        link.textContent = "Show the library";
        note.appendChild(link);
        list.appendChild(note);
      }
    });
  }

  if (form && dropzone && input) {
    input.addEventListener("change", function () {
      if (input.files.length) uploadAll(input.files);
      input.value = "";
    });
    ["dragenter", "dragover"].forEach(function (type) {
      dropzone.addEventListener(type, function (event) {
        event.preventDefault();
        dropzone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      dropzone.addEventListener(type, function (event) {
        event.preventDefault();
        dropzone.classList.remove("dragging");
      });
    });
    dropzone.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files.length) uploadAll(event.dataTransfer.files);
    });
  }

  /* Multi-select for the bulk bar. Cards can be swapped by htmx, so look boxes up each time. */
  var bulk = document.getElementById("bulk-form");
  if (!bulk) return;
  var selectAll = document.getElementById("select-all");
  var counter = document.getElementById("selected-count");

  function boxes() { return document.querySelectorAll("input[type=checkbox][name=ids][form=bulk-form]"); }
  function refresh() {
    var checked = Array.prototype.filter.call(boxes(), function (box) { return box.checked; }).length;
    counter.textContent = checked + " selected";
    bulk.querySelectorAll("[data-needs-selection]").forEach(function (button) { button.disabled = checked === 0; });
    document.querySelectorAll(".media-card").forEach(function (card) {
      var box = card.querySelector("input[name=ids]");
      card.classList.toggle("selected", !!(box && box.checked));
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[name=ids][form=bulk-form]")) refresh();
  });
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = selectAll.checked; });
      refresh();
    });
  }
  bulk.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
  document.body.addEventListener("htmx:afterSwap", refresh);
  refresh();
})();
