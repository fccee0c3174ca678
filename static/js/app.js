// Send the CSRF token with every htmx request (forms also carry it as a hidden field).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  // Filters travel in the URL: leave empty ones out so shared links stay short and readable.
  if (event.detail.verb === "get") {
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (name) {
      if (params[name] === "" || (name === "sort" && params[name] === "relevance")) { delete params[name]; }
    });
  }
});

// A scanning form (the entrance) is emptied and ready for the next code once its answer is shown.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.target.closest && event.target.closest("form[data-reset-after-request]");
  if (form) {
    form.reset();
    var first = form.querySelector("input:not([type=hidden])");
    if (first) { first.focus(); }
  }
});

// An irreversible step (closing a month, a refund, a rejection, a payout file) asks before it is sent.
document.addEventListener("submit", function (event) {
  var form = event.target, button = event.submitter;
  var question = (button && button.getAttribute("data-confirm")) || (form.getAttribute && form.getAttribute("data-confirm"));
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// The price shown must match what "Ajouter au panier" sends: as soon as an option of the quote form changes, the
// quote on screen is marked out of date and its button disabled until the server's new quote replaces it.
function markQuoteStale(event) {
  var form = event.target.closest && event.target.closest("form[hx-target='#quote']");
  var quote = form && document.getElementById("quote");
  if (!quote) { return; }
  quote.classList.add("stale");
  quote.setAttribute("aria-busy", "true");
  quote.querySelectorAll(".add-to-cart button").forEach(function (button) { button.disabled = true; });
}
document.addEventListener("input", markQuoteStale);
document.addEventListener("change", markQuoteStale);
