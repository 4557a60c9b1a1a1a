/* Google Consent Mode v2: everything denied (security storage granted) before any tag loads,
   then the visitor's stored choice as an update.

   Loaded as the first script in <head>, not deferred, from a file (no inline script, so it runs
   under a strict Content-Security-Policy). Its configuration is the non-executable JSON block
   #consent-config, the same for every visitor, so pages stay cacheable; the visitor's choice
   is read from the consent cookie. consent.js reuses window.newsroomConsent. */
(function () {
  "use strict";

  var SIGNALS = [
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage"
  ];
  var B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  var config = {};
  try {
    var block = document.getElementById("consent-config");
    config = (block && JSON.parse(block.textContent)) || {};
  } catch (error) {
    config = {};
  }

  window.dataLayer = window.dataLayer || [];
  if (typeof window.gtag !== "function") {
    window.gtag = function () {
      window.dataLayer.push(arguments);
    };
  }

  var defaults = { security_storage: "granted", wait_for_update: 500 };
  SIGNALS.forEach(function (signal) {
    defaults[signal] = "denied";
  });
  window.gtag("consent", "default", defaults);

  function cookieValue(name) {
    var found = null;
    document.cookie.split(";").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > -1 && pair.slice(0, at).trim() === name) {
        found = pair.slice(at + 1).trim();
      }
    });
    return found;
  }

  function base62(text) {
    var number = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = B62.indexOf(text.charAt(i));
      if (digit < 0) {
        return NaN;
      }
      number = number * 62 + digit;
    }
    return number;
  }

  /* The stored choice's categories ({slug: bool}), or null when there is no usable choice: the
     cookie is "payload:timestamp:signature", the payload URL-safe base64 JSON {id, v, c}. The
     signature is the server's business; here a choice only ever enables what the visitor's own
     browser loads. */
  function readChoice() {
    var value = cookieValue(config.cookieName || "newsroom_consent");
    if (!value) {
      return null;
    }
    try {
      value = value.replace(/^"|"$/g, "");
      var parts = value.split(":");
      if (parts.length !== 3 || !parts[0] || parts[0].charAt(0) === ".") {
        return null;
      }
      var issued = base62(parts[1]);
      if (config.maxAge && (!isFinite(issued) || Date.now() / 1000 - issued > config.maxAge)) {
        return null;
      }
      var payload = parts[0].replace(/-/g, "+").replace(/_/g, "/");
      while (payload.length % 4) {
        payload += "=";
      }
      var data = JSON.parse(window.atob(payload));
      if (!data || typeof data !== "object" || data.v !== config.version) {
        return null;
      }
      if (!data.c || typeof data.c !== "object") {
        return null;
      }
      var categories = {};
      Object.keys(data.c).forEach(function (slug) {
        categories[slug] = data.c[slug] === true;
      });
      return categories;
    } catch (error) {
      return null;
    }
  }

  /* Consent Mode signals for accepted categories, from the CONSENT_GTAG_SIGNALS setting. */
  function signalsFor(categories) {
    var update = {};
    SIGNALS.forEach(function (signal) {
      update[signal] = "denied";
    });
    var mapping = config.signals || {};
    Object.keys(mapping).forEach(function (slug) {
      if (categories && categories[slug] === true) {
        (mapping[slug] || []).forEach(function (signal) {
          update[signal] = "granted";
        });
      }
    });
    return update;
  }

  var stored = readChoice();
  if (stored) {
    window.gtag("consent", "update", signalsFor(stored));
  }

  window.newsroomConsent = {
    config: config,
    readChoice: readChoice,
    signalsFor: signalsFor
  };
})();
