/* Cookie consent without reloads. Everything works without this file (plain forms posting to
   /consent/, /consent/state.css hiding the banner); with it:
   - the consent forms post with fetch and apply the answer in place: the banner closes, Consent
     Mode is updated, gated scripts and blocks of accepted categories run, refused cookies are
     deleted (on this host and its parent domains);
   - on load, gated content of the categories accepted in a valid consent cookie runs;
   - "Cookie settings" links ([data-consent-reopen]) reopen the banner in place.
   If a post fails, the form is submitted the plain way. */
(function () {
  "use strict";

  var api = window.newsroomConsent;
  if (!api || !window.fetch || !document.querySelectorAll) {
    return;
  }
  var banner = document.getElementById("consent-banner");
  var status = document.querySelector("[data-consent-status]");
  var opener = null;

  /* Gated markup: {% consent_script %} and {% consent_block %}. */
  function activate(categories) {
    var inert = document.querySelectorAll('script[type="text/plain"][data-consent-category]');
    Array.prototype.forEach.call(inert, function (placeholder) {
      if (categories[placeholder.getAttribute("data-consent-category")] !== true) {
        return;
      }
      var src = placeholder.getAttribute("data-src");
      if (!src) {
        return;
      }
      var script = document.createElement("script");
      Array.prototype.forEach.call(placeholder.attributes, function (attribute) {
        if (["type", "data-src"].indexOf(attribute.name) === -1) {
          script.setAttribute(attribute.name, attribute.value);
        }
      });
      script.src = src;
      placeholder.parentNode.replaceChild(script, placeholder);
    });
    var blocks = document.querySelectorAll("template[data-consent-category]");
    Array.prototype.forEach.call(blocks, function (block) {
      if (categories[block.getAttribute("data-consent-category")] !== true) {
        return;
      }
      block.parentNode.insertBefore(document.importNode(block.content, true), block);
      block.parentNode.removeChild(block);
    });
  }

  /* Refused cookies: names, or patterns ending in * (a family of names). */
  function expire(name) {
    document.cookie = name + "=; Max-Age=0; path=/";
    var host = window.location.hostname;
    if (/^[\d.]+$/.test(host) || host.indexOf(":") > -1) {
      return;
    }
    var labels = host.split(".");
    for (var i = 0; i < labels.length - 1; i++) {
      document.cookie = name + "=; Max-Age=0; path=/; domain=" + labels.slice(i).join(".");
    }
  }

  function deleteRefused(patterns) {
    var present = document.cookie.split(";").map(function (pair) {
      return pair.split("=")[0].trim();
    });
    (patterns || []).forEach(function (pattern) {
      var star = pattern.indexOf("*");
      if (star === -1) {
        if (pattern && pattern !== api.config.cookieName) {
          expire(pattern);
        }
        return;
      }
      var prefix = pattern.slice(0, star);
      if (!prefix) {
        return;
      }
      present.forEach(function (name) {
        if (name.indexOf(prefix) === 0 && name !== api.config.cookieName) {
          expire(name);
        }
      });
    });
  }

  function focusQuietly(element) {
    if (!element) {
      return;
    }
    if (!element.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(element.tagName)) {
      element.setAttribute("tabindex", "-1");
    }
    try {
      element.focus({ preventScroll: true });
    } catch (error) {
      element.focus();
    }
  }

  /* While the banner shows, the window keeps its height as scroll padding (site.css), so that
     the browser scrolls a newly focused element clear of it rather than behind it. */
  function reserveRoom() {
    var height = banner ? banner.offsetHeight : 0;
    document.documentElement.style.setProperty("--consent-banner-height", height + "px");
  }

  function closeBanner() {
    if (!banner) {
      return;
    }
    var hadFocus = banner.contains(document.activeElement);
    banner.classList.remove("consent-banner--open");
    banner.classList.add("consent-banner--closed");
    if (hadFocus) {
      focusQuietly(opener && document.body.contains(opener) ? opener : document.getElementById("main"));
    }
    opener = null;
  }

  function openBanner(trigger) {
    if (!banner) {
      return false;
    }
    opener = trigger || null;
    var stored = api.readChoice() || {};
    var boxes = banner.querySelectorAll('input[type="checkbox"][name="category"]');
    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = stored[box.value] === true;
    });
    banner.classList.remove("consent-banner--closed");
    banner.classList.add("consent-banner--open");
    focusQuietly(document.getElementById("consent-banner-title"));
    return true;
  }

  function announce() {
    if (status) {
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = status.getAttribute("data-saved") || "";
      }, 50);
    }
  }

  function apply(result, form) {
    var categories = result.categories || {};
    if (typeof result.version === "number") {
      api.config.version = result.version;
    }
    window.gtag("consent", "update", api.signalsFor(categories));
    deleteRefused(result.refused);
    activate(categories);
    if (form.hasAttribute("data-consent-reload")) {
      window.location.reload();
      return;
    }
    closeBanner();
    announce();
  }

  function submitPlainly(form, action) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "action";
    field.value = action;
    form.appendChild(field);
    HTMLFormElement.prototype.submit.call(form);
  }

  function enhance(form) {
    var lastButton = null;
    form.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[name=action]") : null;
      if (button) {
        lastButton = button;
      }
    });
    form.addEventListener("submit", function (event) {
      var button = event.submitter || lastButton;
      if (!button || !button.value) {
        return;
      }
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") {
        return;
      }
      form.setAttribute("aria-busy", "true");
      var data = new FormData(form);
      data.append("action", button.value);
      // getAttribute: the buttons are named "action", so form.action is the buttons.
      window
        .fetch(form.getAttribute("action"), {
          method: "POST",
          body: new URLSearchParams(data),
          headers: { Accept: "application/json" },
          credentials: "same-origin"
        })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("consent: " + response.status);
          }
          return response.json();
        })
        .then(function (result) {
          form.removeAttribute("aria-busy");
          apply(result, form);
        })
        .catch(function () {
          submitPlainly(form, button.value);
        });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-consent-form]"), enhance);

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-consent-reopen]") : null;
    if (link && openBanner(link)) {
      event.preventDefault();
    }
  });

  if (banner) {
    reserveRoom();
    if (window.ResizeObserver) {
      new window.ResizeObserver(reserveRoom).observe(banner);
    } else {
      window.addEventListener("resize", reserveRoom);
      banner.addEventListener("toggle", reserveRoom, true);
    }
    banner.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && banner.classList.contains("consent-banner--open")) {
        closeBanner();
      }
    });
  }

  var stored = api.readChoice();
  if (stored) {
    activate(stored);
  }
})();
