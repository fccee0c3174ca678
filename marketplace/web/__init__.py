"""Flask glue for every feature: htmx pages and fragments, form fields, security headers, page cache, i18n."""
