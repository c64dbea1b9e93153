// YASGUI (bundled) against this server's read-only endpoint.  Only the local
// autocompleters are kept: the class/property ones ask a web service (LOV).
(function () {
  "use strict";
  var endpoint = window.location.origin + "/query";
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {endpoint: endpoint, method: "POST"},
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: {getData: function () { return [{endpoint: endpoint}]; }},
    persistenceId: "meihao-kg",
    yasqe: {value: "PREFIX mh: <https://w3id.org/meihao-kg/ontology#>\nPREFIX schema: <https://schema.org/>\n\n" +
      "SELECT ?project ?name WHERE {\n  ?project a mh:ShowcaseProject ; schema:name ?name .\n}\nORDER BY ?name\n"}
  });
  window.mhYasgui = yasgui;
})();
