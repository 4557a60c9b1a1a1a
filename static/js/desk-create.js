// The desk's autocomplete boxes that may add what the editor typed (core/create_in_place.py):
// Django's own select2 set-up, plus an "Add “…” as new" choice at the end of the results.
// Loaded after the admin's autocomplete.js, and used by it when it sets boxes up (on load and
// for rows added to an inline).
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  if (!$ || !$.fn.djangoAdminSelect2) {
    return;
  }
  var original = $.fn.djangoAdminSelect2;
  $.fn.djangoAdminSelect2 = function () {
    var plain = this.not("[data-nr-create]");
    original.call(plain);
    this.filter("[data-nr-create]").each(function (i, element) {
      var label = element.getAttribute("data-nr-create");
      $(element).select2({
        ajax: {
          data: function (params) {
            return {
              term: params.term,
              page: params.page,
              app_label: element.dataset.appLabel,
              model_name: element.dataset.modelName,
              field_name: element.dataset.fieldName
            };
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
          return item.newTag || String(item.id || "").indexOf("new:") === 0 ? String(item.id).slice(4) : item.text;
        }
      });
    });
    return this;
  };
})();
