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
    el.textContent = el.getAttribute("data-label") + " " + words;
    el.hidden = false;
  });
})();
