// The desk's change forms: the browser asks before leaving a form with changes not yet saved.
// Loaded as a file (the admin's CSP allows no inline script); the form works without it.
(function () {
  "use strict";

  function watch() {
    if (!document.body.classList.contains("change-form")) {
      return;
    }
    var form = document.querySelector("#content-main form[method=post]");
    if (!form) {
      return;
    }
    // A form shown again after a refused or failed save holds input that is not saved yet.
    var unsaved = document.querySelector(".nr-conflict, .errornote") !== null;
    var submitting = false;

    function changed(event) {
      if (event.isTrusted) {
        unsaved = true;
      }
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      submitting = true;
    });
    window.addEventListener("pageshow", function () {
      submitting = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (unsaved && !submitting) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    document.documentElement.dataset.unsavedWarning = "on";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
