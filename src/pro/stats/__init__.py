"""Privacy-friendly web statistics: cookieless counting and dashboards."""
