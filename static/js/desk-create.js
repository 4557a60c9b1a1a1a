// The desk's autocomplete boxes that may add what the editor typed (core/create_in_place.py):
// Django's own select2 set-up, plus an "Add “…” as new" choice at the end of the results.
// Works whichever of it and the admin's autocomplete.js loads first: it patches the set-up the
// admin uses (on load and for rows added to an inline) and sets up again boxes made without it.
(function () {
  "use strict";

  // The admin's scripts may load before or after this one: patch its set-up when it exists,
  // and set up again, once everything has loaded, any box that was set up without us.
  function patch() {
    var $ = window.django && window.django.jQuery;
    if (!$ || !$.fn.djangoAdminSelect2 || $.fn.djangoAdminSelect2.nrCreate) {
      return;
    }
    var original = $.fn.djangoAdminSelect2;
    $.fn.djangoAdminSelect2 = function () {
      original.call(this.not("[data-nr-create]"));
      this.filter("[data-nr-create]").each(function (i, element) {
        enhance($, element);
      });
      return this;
    };
    $.fn.djangoAdminSelect2.nrCreate = true;
  }

  function enhance($, element) {
      if ($(element).data("select2")) {
        $(element).select2("destroy");
      }
      element.setAttribute("data-nr-create-ready", "1");
      var label = element.getAttribute("data-nr-create");
      $(element).select2({
        ajax: {
          data: function (params) {
            var query = {
              term: params.term,
              page: params.page,
              app_label: element.dataset.appLabel,
              model_name: element.dataset.modelName,
              field_name: element.dataset.fieldName
            };
            // People already linked first: the speakers of the event chosen in the form.
            var event = document.getElementById(element.getAttribute("data-nr-speakers-of") || "");
            if (event && event.value) {
              query.speakers_of = event.value;
            }
            return query;
          }
        },
        tags: true,
        createTag: function (params) {
          var text = (params.term || "").replace(/\s+/g, " ").trim();
          if (!text) {
            return null;
          }
          return { id: "new:" + text, text: label.replace("%s", text), newTag: true };
        },
        insertTag: function (data, tag) {
          // Offer the new one last: what exists comes first.
          var same = data.some(function (item) {
            return (item.text || "").toLowerCase() === tag.id.slice(4).toLowerCase();
          });
          if (!same) {
            data.push(tag);
          }
        },
        templateSelection: function (item) {
          return String(item.id || "").indexOf("new:") === 0 ? String(item.id).slice(4) : item.text;
        }
      });
  }

  patch();
  window.addEventListener("load", function () {
    patch();
    var $ = window.django && window.django.jQuery;
    if (!$ || !$.fn.select2) {
      return;
    }
    $("[data-nr-create]").not("[name*=__prefix__]").not("[data-nr-create-ready]").each(function (i, element) {
      enhance($, element);
    });
  });
})();
