"""The scorecard: frozen result values and their JSON form."""
