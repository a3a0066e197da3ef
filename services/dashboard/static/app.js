// Progressive enhancement: the pages work without it; with it, the search filters as you type and
// statuses update live from the server's event stream.
(function () {
  "use strict";
  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var body = document.body;
  var labels = body.dataset.labels ? JSON.parse(body.dataset.labels) : {};

  var search = document.querySelector("#filters input[name=q]");
  var table = document.getElementById("unions");
  if (search && table) {
    search.addEventListener("input", function () {
      var needle = fold(search.value.trim());
      var shown = 0;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var hit = !needle || row.dataset.fold.indexOf(needle) >= 0 || row.dataset.unit.indexOf(needle) >= 0;
        row.hidden = !hit;
        if (hit) shown++;
      });
      var count = document.getElementById("shown-count");
      if (count) count.textContent = shown;
    });
  }

  function setBadge(cell, status) {
    if (!cell || !status) return false;
    var badge = cell.querySelector(".st");
    if (!badge || badge.dataset.status === status) return false;
    badge.className = "st st-" + status;
    badge.dataset.status = status;
    badge.textContent = labels[status] || status;
    return true;
  }

  function stamp() {
    var el = document.getElementById("live-status");
    if (!el) return;
    var now = new Date().toLocaleTimeString("vi-VN", {timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", second: "2-digit"});
    el.textContent = "● " + (labels.updated || "updated") + " " + now;
  }

  function recount() {
    if (!table) return;
    ["pass", "at_risk", "fail", "not_assessed"].forEach(function (s) {
      var el = document.getElementById("count-" + s);
      if (el) el.textContent = table.querySelectorAll("td.c0 .st-" + s).length.toLocaleString("vi-VN");
    });
  }

  function apply(update) {
    var column = update.criterion ? "c" + update.criterion : "c0";
    if (table) {
      var row = table.querySelector('tr[data-unit="' + update.unit_id + '"]');
      if (row && update.type === "ComplianceChanged" && setBadge(row.querySelector("td." + column), update.status)) {
        row.classList.remove("flash"); void row.offsetWidth; row.classList.add("flash");
        recount();
      }
    } else if (body.dataset.union === update.unit_id) {
      var scope = update.criterion ? document.querySelector("#criterion-" + update.criterion + " h2 ." + column)
                                   : document.getElementById("union-status");
      if (update.type === "ComplianceChanged") setBadge(scope, update.status);
      var notice = document.getElementById("live-notice");
      if (notice) { notice.hidden = false; notice.textContent = labels.changed || ""; }
    }
    stamp();
  }

  if (body.dataset.live === "1" && window.EventSource) {
    var source = new EventSource("/live");
    source.addEventListener("update", function (e) { apply(JSON.parse(e.data)); });
    source.addEventListener("open", function () { body.dataset.liveConnected = "1"; });
  }
})();
