"""Sub-commands of ``chudong``: each module here defines ``register(app)`` and is found automatically."""
