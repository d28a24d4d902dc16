"""The service's HTTP plumbing: authentication, errors, pagination, limits, schema, logs."""
