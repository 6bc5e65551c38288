"""Forms by sub-domain, each beside the views that use it; shared fields in `fields`."""
