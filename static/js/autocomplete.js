/* Relève: commune autocompletion for inputs with data-autocomplete="communes".
 * Progressive enhancement: a native <datalist> filled from /api/communes. Without
 * JavaScript the server still resolves a name, "Nom (code postal)" or a postcode. */
(function () {
  "use strict";

  var DELAY_MS = 200;
  var MIN_LENGTH = 2;

  function enhance(input) {
    var endpoint = input.getAttribute("data-autocomplete-url") || "/api/communes";
    var list = document.createElement("datalist");
    var timer = null;
    var controller = null;
    var lastQuery = "";

    list.id = (input.id || input.name) + "-suggestions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);

    function fill(results) {
      list.textContent = "";
      results.forEach(function (commune) {
        var option = document.createElement("option");
        option.value = commune.value;
        option.textContent = commune.name + " — " + commune.departement_code;
        list.appendChild(option);
      });
    }

    function lookup() {
      var query = input.value.trim();
      if (query.length < MIN_LENGTH || query === lastQuery || query.indexOf("(") !== -1) {
        return;
      }
      lastQuery = query;
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      fetch(endpoint + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        signal: controller.signal
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { fill(data.results || []); })
        .catch(function () { /* offline or aborted: the server still resolves the text */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[data-autocomplete="communes"]').forEach(enhance);
  });
})();
