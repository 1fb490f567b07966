"""Server-rendered faces of the service: embeddable figures, REST, and the status page."""
