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

  var STATUSES = ["pass", "at_risk", "fail", "not_assessed"];
  var lang = body.dataset.lang === "en" ? "en" : "vi";

  function share(part, whole) {
    // As the server writes it (format_share): at most one decimal, "68,3%" in Vietnamese, "68.3%" in
    // English, "75%" for a whole number.
    if (!whole) return "–";
    var text = (100 * part / whole).toFixed(1).replace(/\.0$/, "");
    return (lang === "vi" ? text.replace(".", ",") : text) + "%";
  }

  function drawTiles() {
    var counts = {}, total = 0;
    STATUSES.forEach(function (s) {
      var el = document.getElementById("count-" + s);
      counts[s] = el ? Number(el.dataset.count) || 0 : 0;
      total += counts[s];
    });
    STATUSES.forEach(function (s) {
      var el = document.getElementById("count-" + s), pct = document.getElementById("share-" + s);
      if (el) el.textContent = counts[s].toLocaleString(lang === "vi" ? "vi-VN" : "en-US");
      if (pct) pct.textContent = share(counts[s], total);
    });
  }

  function bump(el, by) {
    if (el) el.dataset.count = Math.max(0, (Number(el.dataset.count) || 0) + by);
  }

  function moveTile(from, to) {
    // A union whose overall status changed leaves one tile for another: counts and shares both follow.
    // One the page did not list (registered since it was loaded) only joins its tile and the total.
    if (from === to) return;
    if (from) bump(document.getElementById("count-" + from), -1);
    else {
      var all = document.getElementById("tile-recognised");
      if (all) {
        bump(all, 1);
        var parts = all.textContent.split("/");
        parts[parts.length - 1] = Number(all.dataset.count).toLocaleString(lang === "vi" ? "vi-VN" : "en-US");
        all.textContent = parts.join("/");
      }
    }
    bump(document.getElementById("count-" + to), 1);
    drawTiles();
  }

  function inPage(path) {
    var own = body.dataset.path;
    return !own || path === own || (path || "").indexOf(own + ".") === 0;
  }

  function apply(update) {
    var column = update.criterion ? "c" + update.criterion : "c0";
    if (table) {
      var row = table.querySelector('tr[data-unit="' + update.unit_id + '"]');
      if (update.type === "ComplianceChanged" && inPage(update.path)) {
        var cell = row ? row.querySelector("td." + column) : null;
        // What the tiles counted it under: its row's badge; without a row, as the event says on a filtered
        // page (a row left out), nothing on the whole list (a union new to the page).
        var shown = cell && cell.querySelector(".st") ? cell.querySelector(".st").dataset.status
                  : body.dataset.filtered === "1" ? update.old_status : "";
        if (cell && setBadge(cell, update.status)) {
          row.classList.remove("flash"); void row.offsetWidth; row.classList.add("flash");
        }
        if (!update.criterion) moveTile(shown, update.status);
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
