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
