// The API's browsable documentation: Swagger UI (vendored) reads the OpenAPI document this installation serves.
document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("swagger-ui");
  if (!element || typeof SwaggerUIBundle === "undefined") return;
  SwaggerUIBundle({
    url: element.dataset.document,
    domNode: element,
    deepLinking: true,
    tryItOutEnabled: false,
    validatorUrl: null,          // never a call to an outside validator
    defaultModelsExpandDepth: 0,
  });
});
