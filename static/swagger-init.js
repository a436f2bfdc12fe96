// Starts Swagger UI on /api/docs with the settings the page carries as JSON data.
window.addEventListener("load", function () {
  var config = JSON.parse(document.getElementById("swagger-config").textContent);
  window.ui = SwaggerUIBundle(config);
});
