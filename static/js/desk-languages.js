// The desk's change forms: translated fields one language at a time, not three copies of each
// down the page. A bar at the top of the form names each language and says whether what is
// needed to publish is filled in it; choosing one shows that language's fields (with every
// field that has no language). core/translated_fields.py marks the inputs (`data-nr-lang`,
// `data-nr-needed`). Loaded as a file (the admin's CSP allows no inline script); without it,
// every language shows, each label naming its language.
(function () {
  "use strict";

  var STORE = "nr-desk-language";

  // The words, translated by the page (templates/admin/base_site.html), or English.
  function text(key, fallback) {
    var words = document.getElementById("nr-desk-strings");
    return (words && words.getAttribute("data-" + key)) || fallback;
  }

  function rowOf(input) {
    return input.closest(".form-row, td, .fieldBox") || input.parentElement;
  }

  function filled(input) {
    if (input.type === "checkbox" || input.type === "radio") {
      return input.checked;
    }
    if (input.tagName === "TEXTAREA" && /^\s*(<p>\s*(<br>)?\s*<\/p>)?\s*$/.test(input.value)) {
      return false; // an empty rich-text body is an empty paragraph
    }
    return input.value.trim() !== "";
  }

  function setUp() {
    if (!document.body.classList.contains("change-form")) {
      return;
    }
    var form = document.querySelector("#content-main form[method=post]");
    if (!form) {
      return;
    }
    var inputs = Array.prototype.slice.call(form.querySelectorAll("[data-nr-lang]"));
    if (!inputs.length) {
      return;
    }
    var codes = [];
    var names = {};
    inputs.forEach(function (input) {
      var code = input.getAttribute("data-nr-lang");
      if (codes.indexOf(code) === -1) {
        codes.push(code);
        var label = form.querySelector("label[for='" + input.id + "'] .nr-lang-name");
        names[code] = label ? label.textContent.replace(/^\s*\(|\)\s*$/g, "") : code;
      }
    });
    if (codes.length < 2) {
      return;
    }

    // Cells of tabular inlines: their column heading goes with them.
    function cells(code) {
      var found = [];
      inputs.forEach(function (input) {
        if (input.getAttribute("data-nr-lang") !== code) {
          return;
        }
        var row = rowOf(input);
        found.push(row);
        if (row.tagName === "TD") {
          var table = row.closest("table");
          var heading = table && table.tHead && table.tHead.rows[0];
          var index = row.cellIndex;
          if (heading && heading.cells[index]) {
            found.push(heading.cells[index]);
          }
        }
      });
      return found;
    }

    var bar = document.createElement("div");
    bar.className = "nr-lang-bar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", text("bar", "Language of the fields shown"));
    var intro = document.createElement("span");
    intro.className = "nr-lang-intro";
    intro.textContent = text("intro", "Writing in:");
    bar.appendChild(intro);

    var buttons = {};
    codes.forEach(function (code) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "nr-lang-tab";
      button.setAttribute("data-nr-lang", code);
      button.setAttribute("aria-pressed", "false");
      var name = document.createElement("span");
      name.className = "nr-lang-tab-name";
      name.textContent = names[code];
      var state = document.createElement("span");
      state.className = "nr-lang-tab-state";
      button.appendChild(name);
      button.appendChild(document.createTextNode(" "));
      button.appendChild(state);
      button.addEventListener("click", function () {
        show(code, true);
      });
      buttons[code] = button;
      bar.appendChild(button);
    });

    var summary = document.createElement("p");
    summary.className = "nr-lang-summary";
    summary.setAttribute("aria-live", "polite");
    bar.appendChild(summary);

    var first = form.querySelector("fieldset, .inline-group");
    (first ? first.parentNode : form).insertBefore(bar, first);
    document.body.classList.add("nr-lang-tabs-on");

    function show(code, remember) {
      codes.forEach(function (other) {
        var on = other === code;
        buttons[other].setAttribute("aria-pressed", on ? "true" : "false");
        cells(other).forEach(function (element) {
          element.hidden = !on;
        });
      });
      if (remember) {
        try {
          window.sessionStorage.setItem(STORE, code);
        } catch (e) {
          /* private mode: not remembered */
        }
      }
    }

    function count() {
      var complete = [];
      codes.forEach(function (code) {
        var needed = inputs.filter(function (input) {
          return input.getAttribute("data-nr-lang") === code && input.hasAttribute("data-nr-needed")
            && !input.closest(".empty-form");
        });
        var missing = needed.filter(function (input) {
          return !filled(input);
        });
        var state = buttons[code].querySelector(".nr-lang-tab-state");
        var any = inputs.some(function (input) {
          return input.getAttribute("data-nr-lang") === code && !input.closest(".empty-form") && filled(input);
        });
        if (!needed.length) {
          state.textContent = any ? text("started", "started") : text("empty", "empty");
        } else if (!missing.length) {
          state.textContent = "✓ " + text("complete", "complete");
          complete.push(names[code]);
        } else if (missing.length === needed.length) {
          state.textContent = text("empty", "empty");
        } else {
          state.textContent = text("some", "{done} of {all} needed")
            .replace("{done}", needed.length - missing.length)
            .replace("{all}", needed.length);
        }
        buttons[code].classList.toggle("nr-lang-tab--complete", needed.length > 0 && !missing.length);
      });
      summary.textContent = complete.length
        ? text("complete-in", "Complete in: {languages}.").replace("{languages}", complete.join(", "))
        : text("none",
               "Not complete in any language yet: fill the fields marked “needed to publish”.");
    }

    // Start with the language of a field that has an error, else the last one chosen, else the
    // language the desk is shown in when it has fields, else the first.
    var start = codes[0];
    var stored = null;
    try {
      stored = window.sessionStorage.getItem(STORE);
    } catch (e) {
      stored = null;
    }
    var page = (document.documentElement.lang || "").toLowerCase();
    if (codes.indexOf(page) !== -1) {
      start = page;
    }
    if (stored && codes.indexOf(stored) !== -1) {
      start = stored;
    }
    var error = form.querySelector(".errors [data-nr-lang], .errorlist ~ * [data-nr-lang]");
    if (error) {
      start = error.getAttribute("data-nr-lang");
    }
    show(start, false);
    count();
    // The rich-text editor writes in a box beside its hidden textarea: it takes the language,
    // for the browser's spelling check.
    window.setTimeout(function () {
      inputs.forEach(function (input) {
        var box = rowOf(input).querySelector("[contenteditable]");
        if (box) {
          box.setAttribute("lang", input.getAttribute("lang") || "");
          box.setAttribute("spellcheck", "true");
        }
      });
    }, 0);
    form.addEventListener("input", count);
    form.addEventListener("change", count);
    // Rows added to an inline ("Add another quote") take the language shown.
    document.addEventListener("formset:added", function () {
      inputs = Array.prototype.slice.call(form.querySelectorAll("[data-nr-lang]"));
      var shown = codes.filter(function (code) {
        return buttons[code].getAttribute("aria-pressed") === "true";
      })[0];
      show(shown || start, false);
      count();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
