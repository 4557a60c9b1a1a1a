// The embargo's end in the reader's own time zone, next to the item's zone and UTC that the
// server prints (the page says both without this script).
(function () {
  "use strict";
  document.querySelectorAll("[data-embargo-until]").forEach(function (el) {
    var moment = new Date(el.getAttribute("data-embargo-until"));
    if (isNaN(moment.getTime())) return;
    var lang = document.documentElement.lang || undefined;
    var words;
    try {
      words = new Intl.DateTimeFormat(lang, {
        year: "numeric",
        month: "long",
        day: "numeric",
        weekday: "long",
        hour: "numeric",
        minute: "2-digit",
        timeZoneName: "short",
      }).format(moment);
    } catch (e) {
      words = moment.toString();
    }
    var label = el.getAttribute("data-label") || "";
    // "In your time zone: …", but no space after a full-width colon ("你所在時區：…").
    el.textContent = label + (label.slice(-1) === "：" ? "" : " ") + words;
    el.hidden = false;
  });
})();
